// One evaluation end to end: load and hash the data, run the protocol, wrap the numbers with their provenance.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../common/errors';
import { sha256File, sha256Hex } from '../util/hash';
import type { SamplingOptions } from '../generate/sample';
import type { LanguagePair, McItem, ParallelItem, QaItem } from './data-types';
import type { PromptLayouts } from './layout';
import { loadMcJsonl } from './load-mc-jsonl';
import { loadMmlu } from './load-mmlu';
import { loadParallel, pairFromFileName, parsePair } from './load-parallel';
import { loadSquad } from './load-squad';
import { loadText } from './load-text';
import { evalMcLoglik, harnessMcLayout, type HarnessMcLayoutName } from './mc-loglik';
import { evalMcPaper } from './mc-paper';
import { evalPerplexity } from './ppl';
import { checkCompatible, type EvalEnv, type ProtocolOutput } from './protocol';
import { evalQaPaper, evalQaSquad } from './qa';
import type { EvalResult } from './results';
import { evalTranslation } from './translate';

export type EvalTask = 'ppl' | 'mc' | 'qa' | 'bleu';
export type EvalProtocol = 'loglik' | 'paper' | 'squad';

/** Protocols each task offers; the first is the default. */
export const TASK_PROTOCOLS: Record<EvalTask, readonly EvalProtocol[]> = {
  ppl: ['loglik'],
  mc: ['loglik', 'paper'],
  qa: ['paper', 'squad'],
  bleu: ['paper'],
};

export interface EvalSpec {
  task: EvalTask;
  protocol?: EvalProtocol;
  /** A file, or for MMLU a folder of per-subject CSVs. */
  data: string;
  /** Evaluate only the first N items (qa/paper: the first N eligible ones; ppl: the first N tokens). */
  limit?: number;
  /** Paper-protocol sampled repetitions of multiple choice, QA and BLEU (default 10). */
  runs?: number;
  seed?: number;
  /** Translation language pair, "en-ru"; found in the file name when omitted. */
  pair?: string | LanguagePair;
  /** Perplexity window stride. */
  stride?: number;
  prefixBos?: boolean;
  /** Cap on generated tokens (qa/squad, bleu). */
  maxNewTokens?: number;
  /** Paper-protocol sampling (default temperature 1). */
  sampling?: SamplingOptions;
  /** Paper multiple choice: generate this many tokens instead of the paper's 1 (MMLU) / 2 (others). */
  newTokens?: number;
  /** Log-likelihood multiple choice: the harness's layout (default: mmlu for MMLU CSVs, cloze otherwise). */
  mcLayout?: HarnessMcLayoutName;
  /** Prompt layouts other than the paper's (for data that taught the model its own layout); recorded in settings. */
  layouts?: PromptLayouts;
}

export type EvalData =
  | { task: 'ppl'; text: string }
  | { task: 'mc'; items: McItem[] }
  | { task: 'qa'; items: QaItem[] }
  | { task: 'bleu'; items: ParallelItem[]; pair: LanguagePair };

export interface PreparedData {
  path: string;
  sha256: string;
  data: EvalData;
}

export function resolveProtocol(task: EvalTask, protocol?: string): EvalProtocol {
  const allowed = TASK_PROTOCOLS[task];
  if (!allowed) throw new UserError(`unknown task "${task}" (choose ppl, mc, qa or bleu)`);
  if (protocol === undefined) return allowed[0]!;
  if (!allowed.includes(protocol as EvalProtocol))
    throw new UserError(`task ${task} has no protocol "${protocol}" (choose ${allowed.join(' or ')})`);
  return protocol as EvalProtocol;
}

/** SHA-256 of a file, or of a folder's *.csv files (names and contents, sorted). */
export async function datasetSha256(path: string): Promise<string> {
  if (!statSync(path).isDirectory()) return sha256File(path);
  const files = readdirSync(path)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort();
  const parts: string[] = [];
  for (const f of files) parts.push(`${f}\0${await sha256File(join(path, f))}\n`);
  return sha256Hex(...parts);
}

/** Loads and hashes the data once; reuse it to evaluate several models on the same items. */
export async function prepareData(spec: EvalSpec): Promise<PreparedData> {
  let isDir: boolean;
  try {
    isDir = statSync(spec.data).isDirectory();
  } catch {
    throw new UserError(`${spec.data}: no such file or folder`);
  }
  let data: EvalData;
  switch (spec.task) {
    case 'ppl':
      data = { task: 'ppl', text: loadText(spec.data) };
      break;
    case 'mc':
      data = { task: 'mc', items: isDir || /\.csv$/i.test(spec.data) ? loadMmlu(spec.data) : loadMcJsonl(spec.data) };
      break;
    case 'qa':
      data = { task: 'qa', items: loadSquad(spec.data) };
      break;
    case 'bleu': {
      const pair =
        spec.pair === undefined
          ? pairFromFileName(spec.data)
          : typeof spec.pair === 'string'
            ? parsePair(spec.pair)
            : spec.pair;
      if (!pair)
        throw new UserError(`${spec.data}: give the language pair (e.g. --pair en-ru); it is not in the file name`);
      data = { task: 'bleu', items: loadParallel(spec.data, pair), pair };
      break;
    }
    default:
      throw new UserError(`unknown task "${String(spec.task)}" (choose ppl, mc, qa or bleu)`);
  }
  if (data.task !== 'ppl' && data.items.length === 0) throw new UserError(`${spec.data}: no items found`);
  return { path: spec.data, sha256: await datasetSha256(spec.data), data };
}

function take<T>(xs: readonly T[], limit?: number): T[] {
  return limit !== undefined && limit >= 0 ? xs.slice(0, Math.floor(limit)) : [...xs];
}

async function runProtocol(env: EvalEnv, spec: EvalSpec, protocol: EvalProtocol, d: EvalData): Promise<ProtocolOutput> {
  switch (d.task) {
    case 'ppl':
      return evalPerplexity(env, d.text, { stride: spec.stride, prefixBos: spec.prefixBos, limit: spec.limit });
    case 'mc':
      return protocol === 'paper'
        ? evalMcPaper(env, take(d.items, spec.limit), {
            runs: spec.runs,
            seed: spec.seed,
            sampling: spec.sampling,
            newTokens: spec.newTokens,
            layout: spec.layouts?.mc,
          })
        : evalMcLoglik(env, take(d.items, spec.limit), {
            layout:
              spec.layouts?.mc ??
              harnessMcLayout(spec.mcLayout ?? (d.items[0]?.template === 'mmlu' ? 'mmlu' : 'cloze')),
          });
    case 'qa':
      // Both protocols apply the limit themselves, so the items it leaves out are reported with the others.
      if (protocol === 'paper')
        return evalQaPaper(env, d.items, {
          limit: spec.limit,
          layout: spec.layouts?.qa,
          runs: spec.runs,
          seed: spec.seed,
          sampling: spec.sampling,
        });
      return evalQaSquad(env, d.items, {
        limit: spec.limit,
        maxNewTokens: spec.maxNewTokens,
        layout: spec.layouts?.qa,
      });
    case 'bleu':
      return evalTranslation(env, take(d.items, spec.limit), d.pair, {
        maxNewTokens: spec.maxNewTokens,
        layout: spec.layouts?.translation,
        runs: spec.runs,
        seed: spec.seed,
        sampling: spec.sampling,
      });
  }
}

/** Evaluates one model. `prepared` skips loading when the same data serves several models. */
export async function runEval(
  env: EvalEnv,
  spec: EvalSpec,
  meta: { modelId: string },
  prepared?: PreparedData,
): Promise<EvalResult> {
  checkCompatible(env);
  const protocol = resolveProtocol(spec.task, spec.protocol);
  const prep = prepared ?? (await prepareData(spec));
  const t0 = performance.now();
  const out = await runProtocol(env, spec, protocol, prep.data);
  const d = prep.data;
  // A guessing model's expected accuracy: the mean of 1/choices over the scored items.
  const chance =
    d.task === 'mc' && out.n > 0
      ? take(d.items, spec.limit).reduce((a, it) => a + 1 / it.choices.length, 0) / out.n
      : undefined;
  const seconds = (performance.now() - t0) / 1000;
  return {
    task: spec.task,
    protocol,
    n: out.n,
    metrics: out.metrics,
    ci95: out.ci95,
    seconds,
    modelId: meta.modelId,
    runs: out.runs,
    seed: spec.seed ?? 0,
    datasetSha256: prep.sha256,
    dataset: basename(prep.path),
    ...(spec.limit !== undefined ? { limit: spec.limit } : {}),
    settings: out.settings,
    ...(out.details ? { details: out.details } : {}),
    ...(out.accounting ? { accounting: out.accounting } : {}),
    ...(out.degenerate ? { degenerate: out.degenerate } : {}),
    ...(chance !== undefined ? { chance } : {}),
    createdAt: new Date().toISOString(),
    items: out.items,
  };
}
