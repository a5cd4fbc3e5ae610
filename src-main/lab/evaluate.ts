// The evaluation suite the demo and the studies share: held-out loss on each corpus (and their union), and on the world QA in three
// languages (paper protocol and EM/F1), multiple choice (loglik and paper) and BLEU en→ru / en→zh.
import { basename } from 'node:path';
import type { Lang } from './world/index';
import {
  prepareData,
  runEval,
  saveResult,
  type EvalEnv,
  type EvalResult,
  type EvalSpec,
  type PreparedData,
} from '../engine/eval/index';
import type { DemoInputs } from './inputs';
import { WORLD_MC_LAYOUT, worldQaLayout, worldTranslationLayout } from './layouts';
import type { SuiteEval } from './types';

export interface SuiteTask {
  key: string;
  spec: EvalSpec;
  prepared: PreparedData;
}

/** How many items each task of the suite reads (the demo's presets size them). */
export interface SuiteLimits {
  /** Held-out tokens scored per corpus. */
  pplTokens: number;
  /** QA items per language: paper protocol (answerable, ≤ 8 characters) and SQuAD EM/F1. */
  qaPaper: number;
  qaSquad: number;
  /** Longest generated QA answer (EM/F1), tokens. */
  qaMaxTokens: number;
  mcItems: number;
  /** Sampled repetitions of the paper's protocols: multiple choice, QA and BLEU (the paper: 10). */
  mcRuns: number;
  bleuItems: number;
}

export const QA_LANGS: readonly Lang[] = ['en', 'ru', 'zh'];

/** Loads and hashes every dataset once; the same items then serve every model. */
export async function prepareSuite(inputs: DemoInputs, e: SuiteLimits, seed: number): Promise<SuiteTask[]> {
  const specs: [string, EvalSpec][] = inputs.corpora.map((c): [string, EvalSpec] => [
    `ppl:${c.name}`,
    { task: 'ppl', protocol: 'loglik', data: c.val, limit: e.pplTokens },
  ]);
  const w = inputs.world;
  if (w) {
    for (const lang of QA_LANGS) {
      const layouts = { qa: worldQaLayout(lang) };
      specs.push([
        `qa-paper:${lang}`,
        { task: 'qa', protocol: 'paper', data: w.qa[lang], limit: e.qaPaper, runs: e.mcRuns, seed, layouts },
      ]);
      specs.push([
        `qa-squad:${lang}`,
        { task: 'qa', protocol: 'squad', data: w.qa[lang], limit: e.qaSquad, maxNewTokens: e.qaMaxTokens, layouts },
      ]);
    }
    const mc = { mc: WORLD_MC_LAYOUT };
    specs.push(['mc-loglik', { task: 'mc', protocol: 'loglik', data: w.mc, limit: e.mcItems, layouts: mc }]);
    specs.push([
      'mc-paper',
      { task: 'mc', protocol: 'paper', data: w.mc, limit: e.mcItems, runs: e.mcRuns, seed, layouts: mc },
    ]);
    for (const pair of ['en-ru', 'en-zh'] as const) {
      specs.push([
        `bleu:${pair}`,
        {
          task: 'bleu',
          protocol: 'paper',
          data: w.translate[pair],
          pair,
          limit: e.bleuItems,
          runs: e.mcRuns,
          seed,
          layouts: { translation: worldTranslationLayout() },
        },
      ]);
    }
  }
  const out: SuiteTask[] = [];
  for (const [key, spec] of specs) out.push({ key, spec, prepared: await prepareData(spec) });
  return out;
}

/** Multiple-choice accuracy per coverage group ("both", "en-ru", "en-zh"), from the per-item records. */
export function mcByCoverage(
  r: EvalResult,
  coverage: readonly string[],
): Record<string, { acc: number; n: number }> | undefined {
  if (r.task !== 'mc' || !r.items || coverage.length === 0) return undefined;
  const sums = new Map<string, [number, number]>();
  for (const raw of r.items) {
    const it = raw as { id: string; gold: unknown; pred?: number; correct?: number };
    // MMLU item ids are "<subject>:<line>"; line k is row k of mc.csv and of mc.meta.jsonl.
    const line = Number(it.id.slice(it.id.lastIndexOf(':') + 1));
    const group = coverage[line - 1];
    if (group === undefined) continue;
    const score = r.protocol === 'paper' ? (it.correct ?? 0) / r.runs : it.pred === it.gold ? 1 : 0;
    const s = sums.get(group) ?? [0, 0];
    sums.set(group, [s[0] + score, s[1] + 1]);
  }
  return Object.fromEntries(
    [...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([g, [c, n]]) => [g, { acc: c / n, n }]),
  );
}

const finite = (m: Record<string, number>): Record<string, number | null> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));

/** Runs every task of the suite on one model; full results (with per-item records) go to `saveDir`/evals. */
export async function evaluateModel(
  env: EvalEnv,
  model: string,
  suite: readonly SuiteTask[],
  opts: { saveDir?: string; coverage?: readonly string[]; onTask?: (key: string, i: number, n: number) => void } = {},
): Promise<SuiteEval[]> {
  const out: SuiteEval[] = [];
  for (const [i, t] of suite.entries()) {
    opts.onTask?.(t.key, i, suite.length);
    const r = await runEval(env, t.spec, { modelId: model }, t.prepared);
    const file = opts.saveDir ? saveResult(opts.saveDir, r) : undefined;
    const byCoverage = opts.coverage ? mcByCoverage(r, opts.coverage) : undefined;
    out.push({
      model,
      key: t.key,
      task: r.task,
      protocol: r.protocol,
      dataset: basename(t.prepared.path),
      data: t.prepared.path,
      datasetSha256: r.datasetSha256,
      ...(t.spec.limit !== undefined ? { limit: t.spec.limit } : {}),
      ...(typeof t.spec.pair === 'string' ? { pair: t.spec.pair } : {}),
      n: r.n,
      metrics: finite(r.metrics),
      ci95: r.ci95,
      runs: r.runs,
      seed: r.seed,
      settings: r.settings,
      seconds: Math.round(r.seconds * 100) / 100,
      ...(byCoverage ? { byCoverage } : {}),
      ...(file ? { file } : {}),
    });
  }
  return out;
}

/** Held-out loss on the union of both held-out sets: the token-weighted mean of the per-corpus losses. */
export function unionLoss(evals: readonly SuiteEval[], model: string, corpora: readonly string[]): SuiteEval | null {
  const parts = corpora.map((c) => evals.find((e) => e.model === model && e.key === `ppl:${c}`));
  if (parts.some((p) => !p || p.metrics['nll'] == null)) return null;
  let nats = 0;
  let tokens = 0;
  for (const p of parts) {
    nats += p!.metrics['nll']! * p!.n;
    tokens += p!.n;
  }
  const nll = nats / tokens;
  return {
    model,
    key: 'ppl:union',
    task: 'ppl',
    protocol: 'loglik',
    dataset: parts.map((p) => p!.dataset).join(' + '),
    data: '',
    datasetSha256: '',
    n: tokens,
    metrics: { nll, ppl: Math.exp(nll), tokens },
    ci95: null,
    runs: 1,
    seed: 0,
    settings: { derived: `token-weighted mean of ${parts.map((p) => p!.key).join(' and ')}` },
    seconds: 0,
  };
}
