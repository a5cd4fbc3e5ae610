// A growth plan as typed, immutable data: how many stages, how each new tier starts and trains, LoRA on the
// frozen tiers, the baselines. Every default lives here; the resolved plan is saved in the run folder.
import type { ModelConfigInput } from '../model/config';
import { BLOCK_INIT_ALIASES, BLOCK_INITS as INITS, type BlockInit } from '../model/init';
import { UserError } from '../../common/errors';
import type { Precision } from '../train/trainer-options';

export type BaselineKind = 'monolithic' | 'trainable-embedding';
export const BASELINE_KINDS: readonly BaselineKind[] = ['monolithic', 'trainable-embedding'];
export const BLOCK_INITS: readonly BlockInit[] = INITS;

/** A block init by its name or an earlier spelling ('random', 'zero'); undefined stays undefined. */
export function blockInit(name: string | undefined): BlockInit | undefined {
  return name === undefined ? undefined : (BLOCK_INIT_ALIASES[name] ?? (name as BlockInit));
}

/** Architecture shared by every stage; `layers` comes from the stage and `vocabSize` from the substrate. */
export type GrowthModelInput = Omit<Partial<ModelConfigInput>, 'layers'>;

export interface LoraPlan {
  rank: number;
  /** First stage (≥ 2) at which every frozen block carries adapters; they keep training in later stages. */
  fromStage: number;
  /** Adapter output scale is alpha / rank (default alpha = rank, i.e. scale 1). */
  alpha?: number;
}

/** An existing model folder a growth run continues: its blocks become the frozen prefix of stage 1. */
export interface GrowthBase {
  /** The folder (absolute), as recorded in the lineage of every stage grown from it. */
  dir: string;
  /** Its depth: stage k ends at layers + k × blocksPerStage. */
  layers: number;
  /** Its config.json createdAt, so a resume notices a folder replaced by another model. */
  createdAt: string;
}

export interface GrowthPlanInput {
  /** Continue from this model folder instead of building stage 1 from scratch (no baselines then). */
  from?: GrowthBase | null;
  /** Number of stages N (≥ 1). */
  stages: number;
  /** Blocks added per stage; stage 1 builds this many (default 1: the paper's one tier at a time). */
  blocksPerStage?: number;
  init?: BlockInit;
  /** Optimizer steps, peak learning rate and warmup steps: one value for every stage or one per stage. */
  steps: number | readonly number[];
  lr?: number | readonly number[];
  warmup?: number | readonly number[];
  batchSize?: number;
  /** Micro-batches per optimizer step (gradient accumulation): the step sees batchSize × accumulation windows. */
  accumulation?: number;
  seed?: number;
  model?: GrowthModelInput;
  lora?: LoraPlan | null;
  /** Validate every N steps of a stage (default: a tenth of the stage). */
  evalEvery?: number;
  /** Validation windows per evaluation (a fixed, evenly spread subset). */
  evalWindows?: number;
  /**
   * Windows of the fixed batch the insertion spike is measured on (validation data when present). Default: the
   * evaluation subset itself, so the loss before insertion is the previous stage's final validation loss.
   */
  spikeWindows?: number;
  /** Cache the frozen prefix's outputs per training window: true, false, or 'auto' (when it fits the budget). */
  cachePrefix?: boolean | 'auto';
  cacheBudgetMB?: number;
  /** Write a resumable checkpoint every N steps (and whenever the run is stopped). */
  checkpointEvery?: number;
  weightDecay?: number;
  clipNorm?: number;
  /** 'f16' on webgpu: half-precision matmul operands in every stage (see TrainOptions.precision). */
  precision?: Precision;
  baselines?: readonly BaselineKind[];
}

export interface StagePlan {
  /** 1-based. */
  stage: number;
  /** Model depth at the end of the stage. */
  depth: number;
  steps: number;
  lr: number;
  warmup: number;
  /** LoRA adapters on this stage's frozen blocks. */
  lora: boolean;
}

export interface GrowthPlan {
  /** Absent (not null) when growing from scratch, so run folders from before `--from` resume unchanged. */
  readonly from?: GrowthBase;
  readonly stages: readonly StagePlan[];
  readonly blocksPerStage: number;
  readonly init: BlockInit;
  readonly batchSize: number;
  readonly accumulation: number;
  readonly seed: number;
  readonly model: GrowthModelInput;
  readonly lora: Required<LoraPlan> | null;
  readonly evalEvery: number | null;
  readonly evalWindows: number;
  readonly spikeWindows: number;
  readonly cachePrefix: boolean | 'auto';
  readonly cacheBudgetMB: number;
  readonly checkpointEvery: number;
  readonly weightDecay: number;
  readonly clipNorm: number;
  /** Present only when not the float32 default, so float32 plans read as before. */
  readonly precision?: Precision;
  readonly baselines: readonly BaselineKind[];
}

export const GROWTH_DEFAULTS = {
  blocksPerStage: 1,
  init: 'scaled',
  lr: 3e-3,
  batchSize: 16,
  seed: 0,
  evalWindows: 128,
  cachePrefix: 'auto',
  cacheBudgetMB: 512,
  checkpointEvery: 50,
  weightDecay: 0.1,
  clipNorm: 1,
} as const;

const isPosInt = (n: number): boolean => Number.isInteger(n) && n > 0;

function check(ok: boolean, field: string, problem: string): void {
  if (!ok) throw new UserError(`growth plan: ${field} ${problem}`);
}

/** One value per stage from a scalar or an array of exactly N values. */
function perStage(
  v: number | readonly number[] | undefined,
  n: number,
  field: string,
  fallback: (stage: number) => number,
): number[] {
  if (v === undefined) return Array.from({ length: n }, (_, i) => fallback(i + 1));
  if (typeof v === 'number') return Array.from({ length: n }, () => v);
  check(v.length === n, field, `lists ${v.length} values for ${n} stages; give one value or one per stage`);
  return [...v];
}

/** Fills defaults and validates; errors name the field. */
export function resolvePlan(input: GrowthPlanInput): GrowthPlan {
  const n = input.stages;
  check(isPosInt(n), 'stages', `must be a positive integer, got ${n}`);
  const bps = input.blocksPerStage ?? GROWTH_DEFAULTS.blocksPerStage;
  check(isPosInt(bps), 'blocksPerStage', `must be a positive integer, got ${bps}`);
  const init = blockInit(input.init) ?? GROWTH_DEFAULTS.init;
  check(BLOCK_INITS.includes(init), 'init', `must be one of ${BLOCK_INITS.join(', ')}, got "${init}"`);
  const steps = perStage(input.steps, n, 'steps', () => 0);
  const lr = perStage(input.lr, n, 'lr', () => GROWTH_DEFAULTS.lr);
  const warmup = perStage(input.warmup, n, 'warmup', (s) => Math.min(100, Math.round(steps[s - 1]! / 10)));
  const lora = input.lora
    ? { rank: input.lora.rank, fromStage: input.lora.fromStage, alpha: input.lora.alpha ?? input.lora.rank }
    : null;
  if (lora) {
    check(isPosInt(lora.rank), 'lora.rank', `must be a positive integer, got ${lora.rank}`);
    // Grown from a folder, stage 1 already has frozen blocks to adapt.
    const first = input.from ? 1 : 2;
    check(
      Number.isInteger(lora.fromStage) && lora.fromStage >= first && lora.fromStage <= n,
      'lora.fromStage',
      `must be a stage from ${first} to ${n}${first === 2 ? ' (stage 1 has no frozen blocks)' : ''}, got ${lora.fromStage}`,
    );
    check(lora.alpha > 0, 'lora.alpha', `must be positive, got ${lora.alpha}`);
  }
  const base = input.from ?? null;
  if (base) {
    check(isPosInt(base.layers), 'from.layers', `must be a positive integer, got ${base.layers}`);
    check(
      (input.baselines ?? []).length === 0,
      'baselines',
      `cannot be trained when growing from ${base.dir}: they start from scratch, the grown model does not`,
    );
  }
  const below = base?.layers ?? 0;
  const stages: StagePlan[] = steps.map((s, i) => {
    check(isPosInt(s), `steps (stage ${i + 1})`, `must be a positive integer, got ${s}`);
    check(lr[i]! > 0 && Number.isFinite(lr[i]!), `lr (stage ${i + 1})`, `must be a positive number, got ${lr[i]}`);
    check(
      Number.isInteger(warmup[i]!) && warmup[i]! >= 0 && warmup[i]! <= s,
      `warmup (stage ${i + 1})`,
      `must be an integer from 0 to the stage's ${s} steps, got ${warmup[i]}`,
    );
    return {
      stage: i + 1,
      depth: below + (i + 1) * bps,
      steps: s,
      lr: lr[i]!,
      warmup: warmup[i]!,
      lora: lora !== null && i + 1 >= lora.fromStage,
    };
  });
  const plan: GrowthPlan = {
    ...(base ? { from: { ...base } } : {}),
    stages,
    blocksPerStage: bps,
    init,
    batchSize: input.batchSize ?? GROWTH_DEFAULTS.batchSize,
    accumulation: input.accumulation ?? 1,
    seed: input.seed ?? GROWTH_DEFAULTS.seed,
    model: { ...(input.model ?? {}) },
    lora,
    evalEvery: input.evalEvery ?? null,
    evalWindows: input.evalWindows ?? GROWTH_DEFAULTS.evalWindows,
    spikeWindows: input.spikeWindows ?? input.evalWindows ?? GROWTH_DEFAULTS.evalWindows,
    cachePrefix: input.cachePrefix ?? GROWTH_DEFAULTS.cachePrefix,
    cacheBudgetMB: input.cacheBudgetMB ?? GROWTH_DEFAULTS.cacheBudgetMB,
    checkpointEvery: input.checkpointEvery ?? GROWTH_DEFAULTS.checkpointEvery,
    weightDecay: input.weightDecay ?? GROWTH_DEFAULTS.weightDecay,
    clipNorm: input.clipNorm ?? GROWTH_DEFAULTS.clipNorm,
    ...(input.precision === 'f16' ? { precision: 'f16' as const } : {}),
    baselines: [...new Set(input.baselines ?? [])],
  };
  check(isPosInt(plan.batchSize), 'batchSize', `must be a positive integer, got ${plan.batchSize}`);
  check(isPosInt(plan.accumulation), 'accumulation', `must be a positive integer, got ${plan.accumulation}`);
  check(
    plan.evalEvery === null || isPosInt(plan.evalEvery),
    'evalEvery',
    `must be a positive integer, got ${plan.evalEvery}`,
  );
  check(isPosInt(plan.evalWindows), 'evalWindows', `must be a positive integer, got ${plan.evalWindows}`);
  check(isPosInt(plan.spikeWindows), 'spikeWindows', `must be a positive integer, got ${plan.spikeWindows}`);
  check(isPosInt(plan.checkpointEvery), 'checkpointEvery', `must be a positive integer, got ${plan.checkpointEvery}`);
  check(plan.cacheBudgetMB >= 0, 'cacheBudgetMB', `must not be negative, got ${plan.cacheBudgetMB}`);
  for (const b of plan.baselines)
    check(BASELINE_KINDS.includes(b), 'baselines', `must be among ${BASELINE_KINDS.join(', ')}, got "${b}"`);
  check(
    plan.model.embedding !== 'trainable',
    'model.embedding',
    'must stay frozen for growth; the trainable table is the "trainable-embedding" baseline',
  );
  return deepFreeze(plan);
}

/** Total optimizer steps over all stages (the monolithic baseline's budget). */
export function totalSteps(plan: GrowthPlan): number {
  return plan.stages.reduce((a, s) => a + s.steps, 0);
}

export function finalDepth(plan: GrowthPlan): number {
  return plan.stages[plan.stages.length - 1]!.depth;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
