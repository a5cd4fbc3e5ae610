// `espalier grow`'s options read and checked, its inputs loaded (vocabulary, substrate, training and validation
// windows) and its growth plan resolved, before anything trains.
import { resolve } from 'node:path';
import { BASELINE_KINDS, BLOCK_INITS, type BaselineKind, type GrowthPlanInput } from '../../engine/grow/index';
import { BLOCK_INIT_ALIASES, type BlockInit, type NormKind } from '../../engine/model/index';
import { loadSubstrate } from '../../engine/substrate/index';
import { readCorpusFile } from '../../engine/tokenizer/index';
import { holdoutWindows } from '../../engine/train/holdout';
import { makeWindows, type TokenSeq, type Windows } from '../../engine/train/index';
import { tokenFileFor } from '../train/token-data';
import { UserError } from '../../common/errors';
import { list, optNum, optStr, str, type CommandContext, type ParsedOptions } from '../command';
import { loadVocab } from '../vocab';
import { trainJobPlan, type JobPlan } from '../train/plan';
import { lineage, sourceVocabulary, type GrowSource } from './grow-from';

export function positiveInt(opts: ParsedOptions, name: string): number | undefined {
  const v = optNum(opts, name);
  if (v !== undefined && (!Number.isInteger(v) || v < 1))
    throw new UserError(`option --${name} expects a positive integer, got ${v}`);
  return v;
}

/** "150" or "150,200,300": one value for every stage or one per stage. */
function numbers(opts: ParsedOptions, name: string): number | number[] | undefined {
  const v = optStr(opts, name);
  if (v === undefined) return undefined;
  const xs = v.split(',').map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isFinite(x)))
    throw new UserError(`option --${name} expects a number or a comma-separated list of numbers, got "${v}"`);
  return xs.length === 1 ? xs[0]! : xs;
}

function oneOf<T extends string>(opts: ParsedOptions, name: string, allowed: readonly T[]): T | undefined {
  const v = optStr(opts, name);
  if (v !== undefined && !(allowed as readonly string[]).includes(v))
    throw new UserError(`option --${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T | undefined;
}

/** The options that are only checked, not loaded: --init (with its earlier names), --norm, LoRA, baselines. */
export function growChoices(opts: ParsedOptions) {
  // 'random' and 'zero' are the earlier names of 'scaled' and 'zero-output'.
  const initName = optStr(opts, 'init');
  const init = oneOf<BlockInit>(
    { ...opts, init: initName === undefined ? undefined : (BLOCK_INIT_ALIASES[initName] ?? initName) },
    'init',
    BLOCK_INITS,
  );
  const norm = oneOf<NormKind>(opts, 'norm', ['rmsnorm', 'layernorm']);
  const loraRank = positiveInt(opts, 'lora-rank');
  if (!loraRank && (opts['lora-from-stage'] !== undefined || opts['lora-alpha'] !== undefined))
    throw new UserError('--lora-from-stage and --lora-alpha need --lora-rank R');
  const baselines = list(opts, 'baseline').flatMap((b) =>
    b
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
  for (const b of baselines)
    if (!(BASELINE_KINDS as readonly string[]).includes(b))
      throw new UserError(`option --baseline must be among ${BASELINE_KINDS.join(', ')}, got "${b}"`);
  const steps = numbers(opts, 'steps-per-stage')!;
  for (const k of Array.isArray(steps) ? steps : [steps]) {
    if (!Number.isInteger(k) || k < 1)
      throw new UserError(
        `option --steps-per-stage expects a positive integer or a comma-separated list of them, got ${k}`,
      );
  }
  return { init, norm, loraRank, baselines: baselines as BaselineKind[], steps };
}

/** The grow job's plan: its final stage, or the monolithic baseline when one is asked for (it trains every block). */
export function growJobPlan(opts: ParsedOptions, report: Parameters<typeof trainJobPlan>[1]): JobPlan {
  const depth = positiveInt(opts, 'stages')! * (positiveInt(opts, 'blocks-per-stage') ?? 1);
  const bps = positiveInt(opts, 'blocks-per-stage') ?? 1;
  const monolithic = list(opts, 'baseline').some((b) =>
    b
      .split(',')
      .map((x) => x.trim())
      .includes('monolithic'),
  );
  return trainJobPlan(opts, report, { layers: depth, frozenBlocks: monolithic ? 0 : depth - bps });
}

/** --vocab and the --substrate built for it. */
function vocabulary(opts: ParsedOptions) {
  const vocabPath = str(opts, 'vocab');
  const substratePath = str(opts, 'substrate');
  const tok = loadVocab(vocabPath);
  const substrate = loadSubstrate(substratePath);
  if (substrate.meta.tokenizerId !== tok.id) {
    throw new UserError(
      `${substratePath}: the substrate was built for tokenizer ${substrate.meta.tokenizerId.slice(0, 12)}…, but ${vocabPath} is ${tok.id.slice(0, 12)}…; rebuild it with --vocab ${vocabPath}`,
    );
  }
  return { tok, substrate };
}

/** The vocabulary, the substrate built for it (from --from's folder when given), and the training and validation windows. */
export function loadGrowInputs(opts: ParsedOptions, src: GrowSource | null, ctx: CommandContext) {
  const { tok, substrate } = src ? sourceVocabulary(src) : vocabulary(opts);
  const T = positiveInt(opts, 'context')!;
  const dataPath = str(opts, 'data');
  const valPath = optStr(opts, 'val');
  // A token file (or a large text tokenized into the run folder first) is read window by window.
  const f = tokenFileFor(dataPath, resolve(str(opts, 'out')), tok, opts['token-file'] === true, ctx);
  // The fixed tail hold-out (no seed): every stage and baseline is validated on the same tokens.
  const windows: { train: Windows<TokenSeq>; val: Windows<TokenSeq>; holdout?: unknown } = f
    ? valPath
      ? { train: makeWindows(f.all, T, dataPath), val: makeWindows(tok.encode(readCorpusFile(valPath)), T, valPath) }
      : {
          train: makeWindows(f.train, T, dataPath),
          val: makeWindows(f.val, T, `${dataPath} (held-out last ${Math.round(f.header.holdout.fraction * 100)}%)`),
          holdout: f.header.holdout,
        }
    : valPath
      ? {
          train: makeWindows(tok.encode(readCorpusFile(dataPath)), T, dataPath),
          val: makeWindows(tok.encode(readCorpusFile(valPath)), T, valPath),
        }
      : holdoutWindows(readCorpusFile(dataPath), (t) => tok.encode(t), T, dataPath);
  // What every stage folder records (config.json → training), as `train` records it: the data file and its hold-out.
  const record: Record<string, unknown> = valPath
    ? { data: { file: resolve(dataPath) }, val: { file: resolve(valPath) } }
    : { data: { file: resolve(dataPath) }, holdout: (windows as { holdout?: unknown }).holdout };
  // Lineage: the folder this model grew from.
  if (src) record['parent'] = lineage(src);
  return { tok, substrate, T, windows, record };
}

export function growPlan(
  opts: ParsedOptions,
  c: ReturnType<typeof growChoices>,
  substrateDim: number,
  src: GrowSource | null,
  log: (line: string) => void,
): GrowthPlanInput {
  const dModel = src?.meta.config.dModel ?? positiveInt(opts, 'd-model') ?? substrateDim;
  if (dModel !== substrateDim && !src)
    log(`substrate dim ${substrateDim} ≠ d-model ${dModel}: a frozen random projection maps the rows`);
  const cache = opts['prefix-cache'];
  // From a folder, the architecture is the folder's (new blocks copy its shapes); the plan records only the folder.
  const model = src
    ? {}
    : {
        dModel,
        heads: positiveInt(opts, 'heads'),
        contextLength: positiveInt(opts, 'context')!,
        mlpRatio: optNum(opts, 'mlp-ratio') ?? 4,
        norm: c.norm ?? 'rmsnorm',
        substrateDim,
      };
  return {
    ...(src ? { from: src.base } : {}),
    stages: positiveInt(opts, 'stages')!,
    steps: c.steps,
    lr: numbers(opts, 'lr'),
    warmup: numbers(opts, 'warmup'),
    blocksPerStage: positiveInt(opts, 'blocks-per-stage'),
    init: c.init,
    batchSize: positiveInt(opts, 'batch'),
    accumulation: positiveInt(opts, 'grad-accum'),
    seed: optNum(opts, 'seed') ?? 0,
    model,
    lora: c.loraRank
      ? { rank: c.loraRank, fromStage: positiveInt(opts, 'lora-from-stage') ?? 2, alpha: optNum(opts, 'lora-alpha') }
      : null,
    evalEvery: positiveInt(opts, 'eval-every'),
    evalWindows: positiveInt(opts, 'eval-windows'),
    spikeWindows: positiveInt(opts, 'spike-windows'),
    checkpointEvery: positiveInt(opts, 'checkpoint-every'),
    weightDecay: optNum(opts, 'weight-decay'),
    precision: oneOf(opts, 'precision', ['f32', 'f16'] as const),
    cachePrefix: cache === undefined ? 'auto' : cache === true,
    baselines: c.baselines,
  };
}
