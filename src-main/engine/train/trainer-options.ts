// What a Trainer takes and reports: its options (with their defaults), the state a checkpoint saves, progress
// events, the run hooks and result, and the error a diverged run ends with. The loop itself is trainer.ts.
import type { GPT } from '../model/gpt';
import type { BlockAdapter } from '../model/adapter';
import { UserError } from '../../common/errors';
import type { RngState } from '../util/rng';
import type { AdamWState } from './adamw';
import type { SamplerState } from './data';

export interface TrainOptions {
  /** Total optimizer steps of the run (the schedule spans them, also across resumes). */
  steps: number;
  batchSize: number;
  lr: number;
  /** Default: a tenth of the steps, at most 100. */
  warmupSteps?: number;
  minLrRatio?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Global gradient-norm limit; 0 turns clipping off. */
  clipNorm?: number;
  /** Micro-batches per optimizer step. */
  accumulation?: number;
  /** Validate every N steps (and after the last). Default: a tenth of the steps. */
  evalEvery?: number;
  /** At most this many validation windows per evaluation (a fixed, evenly spread subset). */
  evalWindows?: number;
  seed?: number;
  /** Keep the frozen prefix's outputs per training window, so later epochs skip those blocks entirely. */
  cachePrefix?: boolean;
  /**
   * 'f16' (webgpu only): matrix products take float16 operands, accumulating in float32, with float32 master
   * weights and dynamic loss scaling. Default 'f32'.
   */
  precision?: Precision;
}

export type Precision = 'f32' | 'f16';

export type ResolvedTrainOptions = Required<TrainOptions>;

export function resolveTrainOptions(o: TrainOptions): ResolvedTrainOptions {
  const steps = o.steps;
  if (!Number.isInteger(steps) || steps < 1)
    throw new UserError(`training: steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
    throw new UserError(`training: batch size must be a positive integer, got ${o.batchSize}`);
  if (!(o.lr > 0)) throw new UserError(`training: learning rate must be positive, got ${o.lr}`);
  const r: ResolvedTrainOptions = {
    steps,
    batchSize: o.batchSize,
    lr: o.lr,
    warmupSteps: o.warmupSteps ?? Math.min(100, Math.round(steps / 10)),
    minLrRatio: o.minLrRatio ?? 0.1,
    weightDecay: o.weightDecay ?? 0.1,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.95,
    eps: o.eps ?? 1e-8,
    clipNorm: o.clipNorm ?? 1,
    accumulation: o.accumulation ?? 1,
    evalEvery: o.evalEvery ?? Math.max(1, Math.round(steps / 10)),
    evalWindows: o.evalWindows ?? 256,
    seed: o.seed ?? 0,
    cachePrefix: o.cachePrefix ?? false,
    precision: o.precision ?? 'f32',
  };
  if (r.precision !== 'f32' && r.precision !== 'f16')
    throw new UserError(`training: precision must be f32 or f16, got ${String(r.precision)}`);
  if (!Number.isInteger(r.accumulation) || r.accumulation < 1)
    throw new UserError(`training: accumulation must be a positive integer, got ${r.accumulation}`);
  return r;
}

export interface TrainerState {
  step: number;
  sampler: SamplerState;
  /** The dropout stream. */
  rng: RngState;
  optimizer: AdamWState;
  lastLoss: number | null;
  lastValLoss: number | null;
}

export interface ProgressEvent {
  step: number;
  steps: number;
  loss: number;
  /** The latest validation loss (null before the first evaluation). */
  valLoss: number | null;
  lr: number;
  gradNorm: number;
  tokensPerSec: number;
  /** Seconds since this run (not the whole training) started. */
  elapsed: number;
  eta: number;
}

/** Training stopped because the loss or a gradient was NaN/Inf; the weights are those before that step. */
export class TrainingDivergedError extends UserError {
  constructor(
    readonly step: number,
    what: string,
  ) {
    super(
      `training diverged at step ${step}: the ${what} became NaN or infinite; lower --lr, raise warmup or keep clipping on`,
    );
    this.name = 'TrainingDivergedError';
  }
}

/** Hooks of `Trainer.run`; all optional. */
export interface RunOptions {
  /** Stop after this step (default: opts.steps). */
  until?: number;
  onProgress?: (e: ProgressEvent) => void;
  /** Called after each validation (steps that are multiples of evalEvery, and the last). */
  onEvaluate?: (step: number, valLoss: number) => void;
  /** Called after each step, e.g. to write a checkpoint every N steps; may be async. */
  afterStep?: (step: number) => void | Promise<void>;
  /** Polled before every step; true ends the run there (like an aborted signal). */
  shouldStop?: () => boolean;
  signal?: AbortSignal;
}

/**
 * What a Trainer updates. The model's unfrozen parameters train (pick them with freezeBlock/setFrozen:
 * blocks, the final norm and head, and the embedding when the config makes it trainable); an `adapter`
 * (LoRA) adds its own parameters, which the blocks use through their adapter hook.
 */
export interface TrainableSet {
  model: GPT;
  adapter?: BlockAdapter | null;
}

export interface RunResult {
  step: number;
  trainLoss: number;
  valLoss: number | null;
  tokensPerSec: number;
  seconds: number;
}
