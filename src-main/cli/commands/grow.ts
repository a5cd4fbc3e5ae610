// `espalier grow`: layer-wise growth on the frozen substrate — stage k freezes the blocks below and trains one
// new tier (+ final norm and head) — with optional baselines; rerunning the same command on --out resumes it.
import { resolve } from 'node:path';
import { initBackend, parseBackendName, describeBackend } from '../../engine/backend';
import {
  BASELINE_KINDS,
  BLOCK_INITS,
  formatComparison,
  resolvePlan,
  runGrowth,
  type BaselineKind,
  type ComparisonRow,
  type GrowthHooks,
  type GrowthPlanInput,
  type GrowthResult,
} from '../../engine/grow/index';
import { BLOCK_INIT_ALIASES, type BlockInit, type NormKind } from '../../engine/model/index';
import { loadSubstrate } from '../../engine/substrate/index';
import { readCorpusFile } from '../../engine/tokenizer/index';
import { holdoutWindows } from '../../engine/train/holdout';
import { makeWindows, type TokenSeq, type Windows } from '../../engine/train/index';
import { tokenFileFor } from '../train/token-data';
import { insertionText } from '../../../src-shared/insertion';
import { describeHoldout } from '../../engine/eval/holdout-protocol';
import { describeParams, type ParamReport } from '../../engine/model/param-report';
import { UserError } from '../../common/errors';
import { defineCommand, list, optNum, optStr, str, type CommandContext, type ParsedOptions } from '../command';
import { loadVocab } from '../vocab';
import { logJobPlan, refuseUnfit, trainJobPlan, type JobPlan } from '../train/plan';
import { precisionOption } from '../train/steps';
import { planHuman } from '../train/plan-output';
import { gib } from '../../engine/plan/index';
import { growPresetOptions, PRESET_OPTION, requireOption } from '../train/preset';
import { growFromJobPlan, growSource, lineage, sourceVocabulary, type GrowSource } from './grow-from';

interface StageOut {
  depth: number;
  steps: number;
  /** The one parameter-count definition (engine/model/param-report.ts), as train, import and the app print it. */
  params: ParamReport;
  lossBeforeInsert: number | null;
  lossAfterInsert: number;
  valLoss: number | null;
  seconds: number;
  /** The stage's folder: a loadable model ("depth k") plus its resumable checkpoint.safetensors. */
  checkpoint: string;
}

interface GrowOut {
  /** How each new block started (`--init`). */
  init: BlockInit;
  /** Ordered by depth. */
  stages: StageOut[];
  /** How every valLoss here was measured (eval --protocol holdout on a stage folder reproduces it). */
  validation: { protocol: 'holdout'; windows: number; available: number; context: number };
  baseline: { valLoss: number | null; trainableParams: number; seconds: number } | null;
  comparison: ComparisonRow[];
  out: string;
  /** Peak resident memory of this process (bytes), to hold against the memory plan's estimate. */
  peakRssBytes: number;
  /** The memory plan's estimate of that peak (bytes): the final stage's, or the monolithic baseline's. */
  planBytes: number;
}

function positiveInt(opts: ParsedOptions, name: string): number | undefined {
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

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);
/** Insertion losses keep six decimals: a near-identity block moves the loss by less than 1e-4. */
const round6 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e6) / 1e6);
/** The insertion spike as the log and the summary both print it: from the same six-decimal values, so they agree. */
export const insertionOf = (before: number | null, after: number): string =>
  insertionText(round6(before), round6(after)!);

/** The options that are only checked, not loaded: --init (with its earlier names), --norm, LoRA, baselines. */
function growChoices(opts: ParsedOptions) {
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
function growJobPlan(opts: ParsedOptions, report: Parameters<typeof trainJobPlan>[1]): JobPlan {
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
function loadGrowInputs(opts: ParsedOptions, src: GrowSource | null, ctx: CommandContext) {
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

function growPlan(
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

/** Ctrl-C stops at the next step with a checkpoint; the same command resumes. */
async function runInterruptible<T>(ctx: CommandContext, run: (shouldStop: () => boolean) => Promise<T>): Promise<T> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    ctx.log('stopping after this step (a checkpoint is written; run the same command again to resume)…');
  };
  process.once('SIGINT', onSigint);
  try {
    return await run(() => interrupted);
  } finally {
    process.off('SIGINT', onSigint);
    ctx.progressDone();
  }
}

/** Progress lines: each stage's parameters and insertion losses, a bar while it trains, its result. */
function growthLog(
  ctx: CommandContext,
  protocol: string,
): Pick<GrowthHooks, 'onStageStart' | 'onProgress' | 'onStageEnd'> {
  const label = (e: { phase: string; stage: number; stages: number; depth: number }) =>
    e.phase === 'growth'
      ? `stage ${e.stage}/${e.stages} (depth ${e.depth})`
      : e.phase === 'monolithic'
        ? `baseline monolithic (depth ${e.depth})`
        : `baseline trainable-embedding ${e.stage}/${e.stages}`;
  return {
    onStageStart: (e) => {
      const spike =
        e.lossBeforeInsert === null
          ? `initial loss ${e.lossAfterInsert.toFixed(3)}`
          : `insertion (val loss before → after stacking) ${insertionOf(e.lossBeforeInsert, e.lossAfterInsert)}`;
      const resumed = e.resumedAtStep > 0 ? `, resuming at step ${e.resumedAtStep}` : '';
      ctx.log(
        `${label(e)}: ${describeParams(e.params)}; ${spike}${e.prefixCache ? '; frozen prefix cached' : ''}${resumed}`,
      );
    },
    onProgress: (e) =>
      ctx.progress(
        label(e),
        e.step,
        e.steps,
        `loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(3)}` : ''} ${Math.round(e.tokensPerSec)} tok/s`,
        e.eta,
      ),
    onStageEnd: (r) => {
      ctx.progressDone();
      ctx.log(
        `${label(r)} done: val loss ${r.valLoss?.toFixed(6) ?? '–'} (${protocol}) in ${r.seconds.toFixed(1)} s → ${r.model}`,
      );
    },
  };
}

function growOutput(
  result: GrowthResult,
  init: BlockInit,
  out: string,
  validation: GrowOut['validation'],
  planBytes: number,
): GrowOut {
  const mono = result.baselines.monolithic;
  return {
    init,
    stages: [...result.stages]
      .sort((a, b) => a.depth - b.depth)
      .map((s) => ({
        depth: s.depth,
        steps: s.steps,
        params: s.params,
        lossBeforeInsert: round6(s.lossBeforeInsert),
        lossAfterInsert: round6(s.lossAfterInsert)!,
        valLoss: round6(s.valLoss),
        seconds: s.seconds,
        checkpoint: s.model,
      })),
    baseline: mono
      ? { valLoss: round(mono.valLoss), trainableParams: mono.trainableParams, seconds: mono.seconds }
      : null,
    validation,
    comparison: result.comparison.map((r) => ({ ...r, valLoss: round(r.valLoss) })),
    out,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    planBytes,
  };
}

export default defineCommand({
  path: ['grow'],
  summary:
    'grow a model one frozen tier at a time (stage k trains only block k, the final norm and the head); rerun to resume',
  options: [
    PRESET_OPTION,
    {
      name: 'plan',
      kind: 'boolean',
      description:
        'print the memory plan of the largest stage (and baselines) and stop; needs no --data, --out or steps',
    },
    {
      name: 'data',
      kind: 'string',
      metavar: 'FILE',
      description: 'UTF-8 training text, or a token file from `espalier tokens` (required unless --plan)',
    },
    {
      name: 'token-file',
      kind: 'boolean',
      description:
        'tokenize --data into DIR/data.tokens first and read windows from it (automatic above 256 MiB of text; resumes a partial one)',
    },
    {
      name: 'val',
      kind: 'string',
      metavar: 'FILE',
      description:
        'validation text (default: the last 10% of --data, from a blank line where it has one; the same for every seed)',
    },
    {
      name: 'from',
      kind: 'string',
      metavar: 'DIR',
      description:
        'continue this model folder (a `train` output or a stage-k folder): its blocks stay frozen below the new tiers; its substrate, tokenizer and architecture are used',
    },
    {
      name: 'vocab',
      kind: 'string',
      metavar: 'FILE',
      description: 'tokenizer.json (from `vocab build`; required unless --from, or --plan --preset)',
    },
    {
      name: 'substrate',
      kind: 'string',
      metavar: 'FILE',
      description: 'substrate .safetensors (from `substrate build`; required unless --from, or --plan --preset)',
    },
    {
      name: 'out',
      kind: 'string',
      metavar: 'DIR',
      description:
        'run folder: growth.json, stage-k/ model folders, baselines; an existing run resumes (required unless --plan)',
    },
    {
      name: 'stages',
      kind: 'number',
      metavar: 'N',
      description: 'growth stages (final depth = N × blocks per stage; required unless --preset)',
    },
    {
      name: 'steps-per-stage',
      kind: 'string',
      metavar: 'K',
      description: 'optimizer steps per stage: one number or one per stage (150,200,200; required unless --plan)',
    },
    { name: 'blocks-per-stage', kind: 'number', metavar: 'B', description: 'new blocks per stage', default: 1 },
    {
      name: 'init',
      kind: 'string',
      metavar: 'MODE',
      description:
        'new blocks: scaled (random, output projections scaled down as in GPT-2: starts near the identity) | unscaled (random, no scaling) | zero-output (output projections zero: exactly the identity) | copy (of the block below)',
      default: 'scaled',
    },
    {
      name: 'lora-rank',
      kind: 'number',
      metavar: 'R',
      description: 'LoRA adapters of rank R on the frozen blocks (merged into each exported stage)',
    },
    { name: 'lora-from-stage', kind: 'number', metavar: 'S', description: 'first stage with adapters (default 2)' },
    { name: 'lora-alpha', kind: 'number', metavar: 'A', description: 'adapter scale = A / R (default A = R)' },
    {
      name: 'baseline',
      kind: 'list',
      metavar: 'KIND',
      description: `also train ${BASELINE_KINDS.join(' | ')} on the same token budget (repeat or comma-separate)`,
    },
    {
      name: 'd-model',
      kind: 'number',
      metavar: 'D',
      description: 'width (default: the substrate dim; otherwise a frozen random projection maps it)',
    },
    { name: 'heads', kind: 'number', metavar: 'H', description: "attention heads (default 4, or the preset's)" },
    {
      name: 'context',
      kind: 'number',
      metavar: 'T',
      description: "tokens per training window (default 64, or the preset's)",
    },
    { name: 'mlp-ratio', kind: 'number', metavar: 'R', description: 'MLP width / d-model (default 4)' },
    { name: 'norm', kind: 'string', metavar: 'KIND', description: 'rmsnorm | layernorm (default rmsnorm)' },
    { name: 'batch', kind: 'number', metavar: 'B', description: 'windows per micro-batch', default: 16 },
    {
      name: 'grad-accum',
      kind: 'number',
      metavar: 'K',
      description:
        'gradient accumulation: K micro-batches of --batch windows per optimizer step (one batch K times larger, in the memory of one)',
      default: 1,
    },
    {
      name: 'lr',
      kind: 'string',
      metavar: 'LR',
      description: 'peak learning rate per stage: one number or one per stage',
      default: '3e-3',
    },
    {
      name: 'warmup',
      kind: 'string',
      metavar: 'N',
      description: 'warmup steps per stage (default: a tenth of the stage, at most 100)',
    },
    {
      name: 'weight-decay',
      kind: 'number',
      metavar: 'W',
      description: 'decoupled weight decay on weight matrices',
      default: 0.1,
    },
    {
      name: 'eval-every',
      kind: 'number',
      metavar: 'N',
      description: 'validate every N steps (default: a tenth of each stage)',
    },
    {
      name: 'eval-windows',
      kind: 'number',
      metavar: 'N',
      description: 'validation windows per evaluation',
      default: 128,
    },
    {
      name: 'spike-windows',
      kind: 'number',
      metavar: 'N',
      description: 'windows of the fixed batch the insertion spike is measured on (default: the --eval-windows subset)',
    },
    {
      name: 'checkpoint-every',
      kind: 'number',
      metavar: 'N',
      description: 'write the stage checkpoint every N steps',
      default: 50,
    },
    {
      name: 'prefix-cache',
      kind: 'boolean',
      description:
        'cache the frozen prefix per training window (default: when it fits 512 MB; --no-prefix-cache turns it off)',
    },
    {
      name: 'seed',
      kind: 'number',
      metavar: 'S',
      description: 'seeds weights, the data split, batches and new blocks',
      default: 0,
    },
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'auto | node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
    {
      name: 'precision',
      kind: 'string',
      metavar: 'P',
      description:
        'f32 | f16 (webgpu only: float16 matmul operands, float32 accumulation and master weights, dynamic loss scaling; default f32)',
    },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU)' },
  ],
  async run(rawOpts, _positionals, ctx): Promise<GrowOut | JobPlan> {
    const src = growSource(rawOpts);
    // From a folder, windows default to its context length (growPresetOptions would fill 64).
    const opts = growPresetOptions(
      src && rawOpts['context'] === undefined ? { ...rawOpts, context: src.meta.config.contextLength } : rawOpts,
    );
    const planOnly = opts['plan'] === true;
    requireOption(opts, 'stages', 'N');
    const needed = src
      ? ([
          ['data', 'FILE'],
          ['out', 'DIR'],
          ['steps-per-stage', 'K'],
        ] as const)
      : ([
          ['data', 'FILE'],
          ['vocab', 'FILE'],
          ['substrate', 'FILE'],
          ['out', 'DIR'],
          ['steps-per-stage', 'K'],
        ] as const);
    if (!planOnly) for (const [n, m] of needed) requireOption(opts, n, m);
    // Option mistakes first: they should not wait for the backend and the tokenizer.
    const choices = planOnly ? null : growChoices(opts);
    const precision = precisionOption(opts);
    const report = await initBackend({
      backend: parseBackendName(optStr(opts, 'backend')),
      threads: positiveInt(opts, 'threads'),
    });
    precision.check(report.backend);
    // The largest unit of work comes first: the final stage (all but its new blocks frozen), or a monolithic baseline.
    const bps = positiveInt(opts, 'blocks-per-stage') ?? 1;
    const job = src
      ? growFromJobPlan(src, opts, positiveInt(opts, 'stages')! * bps, bps, report)
      : growJobPlan(opts, report);
    if (planOnly) return job;
    refuseUnfit(job, { grow: true });
    const inputs = loadGrowInputs(opts, src, ctx);
    logJobPlan(job, ctx);
    if (src)
      ctx.log(
        `growing from ${src.dir}: its ${src.meta.config.layers} blocks stay frozen below ${positiveInt(opts, 'stages')! * bps} new`,
      );
    const plan = growPlan(opts, choices!, inputs.substrate.dim, src, (line) => ctx.log(line));
    const out = resolve(str(opts, 'out'));
    const available = inputs.windows.val.starts.length;
    const validation = {
      protocol: 'holdout' as const,
      windows: Math.min(available, resolvePlan(plan).evalWindows),
      available,
      context: inputs.T,
    };
    const protocol = describeHoldout(validation.windows, validation.context, available);
    ctx.log(
      `${describeBackend(report)}: ${inputs.windows.train.starts.length} training windows of ${inputs.T} tokens, ${available} validation; val loss = ${protocol}`,
    );
    const result = await runInterruptible(ctx, (shouldStop) =>
      runGrowth(
        plan,
        { ...inputs.windows, substrate: inputs.substrate, tokenizer: inputs.tok, record: inputs.record },
        { out, shouldStop, ...growthLog(ctx, protocol) },
      ),
    );
    if (result.status === 'stopped')
      throw new UserError(`stopped; the checkpoint is ${result.resumeFrom}; run the same command again to resume`);
    return growOutput(result, resolvePlan(plan).init, out, validation, job.plan.bytes.total);
  },
  human(result) {
    if ('plan' in (result as object)) return planHuman(result as JobPlan);
    const r = result as GrowOut;
    const v = r.validation;
    const lines = [
      `new blocks: --init ${r.init}; insertion = validation loss just before and just after the block is stacked, before training it`,
      `val loss = ${describeHoldout(v.windows, v.context, v.available)} (espalier eval --protocol holdout on a stage folder reproduces it)`,
      '',
      'depth  steps  trainable  frozen blocks  substrate      total  insertion (before → after, change)  val loss  seconds',
    ];
    for (const s of r.stages) {
      const ins = insertionOf(s.lossBeforeInsert, s.lossAfterInsert);
      const p = s.params;
      lines.push(
        `${String(s.depth).padStart(5)}  ${String(s.steps).padStart(5)}  ${String(p.trainable).padStart(9)}  ${String(p.frozenBlocks).padStart(13)}  ${String(p.frozenSubstrate).padStart(9)}  ${String(p.total).padStart(9)}  ${ins.padStart(34)}  ${String(s.valLoss ?? '–').padStart(8)}  ${s.seconds.toFixed(1).padStart(7)}`,
      );
    }
    lines.push(
      '',
      formatComparison(r.comparison),
      '',
      `peak memory: ${gib(r.peakRssBytes)} (the plan estimated ${gib(r.planBytes)})`,
      `run folder: ${r.out} (stage-k/ are model folders)`,
    );
    return lines.join('\n');
  },
});
