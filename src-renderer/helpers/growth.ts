// Pure derivations for the Growth view: the run's stage plan from its typed params, the current stage (from the
// streamed 'stage' metric, else from steps), each tier's state, stage boundaries, block insertions and ETA.
import { GrowParams, ModelShape, RUN_METRICS, TrainParams } from '../../src-shared/contract';
import type { Run, RunOf } from '../../src-shared/runs';
import type { Series } from '../charts/downsample';
import type { RunSeries } from '../stores/runs';

export type TierState = 'frozen' | 'lora' | 'training' | 'paused' | 'stopped' | 'pending';

export interface Tier {
  /** 1-based stage number; tier 1 sits on the substrate. */
  stage: number;
  blocks: number;
  state: TierState;
}

export interface GrowPlan {
  kind: 'grow' | 'train';
  stages: number;
  blocksPerStage: number;
  stepsPerStage: number;
  totalSteps: number;
  loraRank: number;
  loraFromStage: number;
  tokensPerStep: number;
}

/** A run the Growth view draws: a growth run (tiers of blocks) or a plain training run (one tier). */
export type TrainingRun = RunOf<'train'> | RunOf<'grow'>;

export function isTrainingRun(r: Run): r is TrainingRun {
  return r.kind === 'train' || r.kind === 'grow';
}

/** The name a run was started with; runs `espalier demo` registered carry none. */
export function runName(r: Run): string | null {
  return 'name' in r.params && typeof r.params.name === 'string' ? r.params.name : null;
}

/** The contract's default for a field the request omitted (demo-registered runs record no schedule). */
const DEFAULT = {
  stepsPerStage: GrowParams.shape.stepsPerStage.parse(undefined),
  loraFromStage: GrowParams.shape.loraFromStage.parse(undefined),
  batch: TrainParams.shape.batch.parse(undefined),
  context: ModelShape.shape.context.parse(undefined),
};

/** The stage plan, from the run's typed params. */
export function planOf(run: TrainingRun): GrowPlan {
  if (run.kind === 'train') {
    const p = run.params;
    return {
      kind: 'train',
      stages: 1,
      blocksPerStage: p.layers,
      stepsPerStage: p.steps,
      totalSteps: p.steps,
      loraRank: 0,
      loraFromStage: DEFAULT.loraFromStage,
      tokensPerStep: p.batch * p.shape.context,
    };
  }
  const p = run.params;
  if ('demo' in p) {
    const stepsPerStage = p.stepsPerStage ?? DEFAULT.stepsPerStage;
    const tokensPerStep = DEFAULT.batch * DEFAULT.context;
    return {
      kind: 'grow',
      stages: p.stages,
      blocksPerStage: 1,
      stepsPerStage,
      totalSteps: p.stages * stepsPerStage,
      loraRank: 0,
      loraFromStage: DEFAULT.loraFromStage,
      tokensPerStep,
    };
  }
  return {
    kind: 'grow',
    stages: p.stages,
    blocksPerStage: p.blocksPerStage,
    stepsPerStage: p.stepsPerStage,
    totalSteps: p.stages * p.stepsPerStage,
    loraRank: p.loraRank,
    loraFromStage: p.loraFromStage,
    tokensPerStep: p.batch * p.shape.context,
  };
}

function lastOf(s: Series | undefined): number | null {
  return s && s.values.length > 0 ? s.values[s.values.length - 1]! : null;
}
function lastStepOf(s: Series | undefined): number | null {
  return s && s.steps.length > 0 ? s.steps[s.steps.length - 1]! : null;
}

/** 1-based stage the run is in (or ended in). */
export function currentStage(run: Run, plan: GrowPlan, series: RunSeries): number {
  const clamp = (s: number) => Math.min(plan.stages, Math.max(1, Math.round(s)));
  if (run.status === 'done') return plan.stages;
  const streamed = lastOf(series[RUN_METRICS.stage]);
  if (streamed !== null) return clamp(streamed);
  const step = lastStepOf(series[RUN_METRICS.trainLoss]);
  if (step !== null) return clamp(Math.floor(step / plan.stepsPerStage) + 1);
  return clamp(Math.floor(run.progress.fraction * plan.stages) + 1);
}

export function tiersOf(run: Run, plan: GrowPlan, stage: number): Tier[] {
  const tiers: Tier[] = [];
  const adapted = plan.loraRank > 0 && stage >= plan.loraFromStage;
  for (let s = 1; s <= plan.stages; s++) {
    let state: TierState;
    if (s < stage) state = adapted ? 'lora' : 'frozen';
    else if (s > stage) state = 'pending';
    else if (run.status === 'running') state = 'training';
    else if (run.status === 'paused') state = 'paused';
    else if (run.status === 'queued') state = 'pending';
    else if (run.status === 'done') state = 'frozen';
    else state = 'stopped';
    tiers.push({ stage: s, blocks: plan.blocksPerStage, state });
  }
  return tiers;
}

/** Steps at which a new stage began (a block was inserted). */
export function stageBoundaries(plan: GrowPlan, series: RunSeries): number[] {
  if (plan.kind !== 'grow' || plan.stages < 2) return [];
  const st = series[RUN_METRICS.stage];
  if (st && st.values.length > 0) {
    const out: number[] = [];
    for (let i = 1; i < st.values.length; i++) if (st.values[i]! > st.values[i - 1]!) out.push(st.steps[i]!);
    return out;
  }
  const last = lastStepOf(series[RUN_METRICS.trainLoss]) ?? 0;
  const out: number[] = [];
  for (let k = 1; k < plan.stages; k++) if (k * plan.stepsPerStage <= last) out.push(k * plan.stepsPerStage);
  return out;
}

/** A stage's block insertion: the validation loss just before and just after the block was stacked. */
export interface Insertion {
  stage: number;
  /** The run's step at which the block was stacked (the previous stage's last step). */
  step: number;
  before: number;
  after: number;
}

/** Insertions the run logged (stages 2…N), in stage order. */
export function insertionsOf(plan: GrowPlan, series: RunSeries): Insertion[] {
  const before = series[RUN_METRICS.insertLossBefore];
  const after = series[RUN_METRICS.insertLossAfter];
  if (!before || !after || plan.kind !== 'grow') return [];
  const out: Insertion[] = [];
  for (let i = 0; i < before.steps.length; i++) {
    const step = before.steps[i]!;
    const j = lowerBound(after.steps, step);
    if (after.steps[j] !== step) continue;
    out.push({
      stage: Math.round(step / plan.stepsPerStage) + 1,
      step,
      before: before.values[i]!,
      after: after.values[j]!,
    });
  }
  return out.sort((a, b) => a.stage - b.stage);
}

export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Steps per second of the current attempt: over the points after the last pause (a gap in the clock far longer
 * than a step), so a resumed run is timed from its resume, not from the start with the pause in between.
 */
export function stepRate(loss: Series | undefined): number | null {
  if (!loss || loss.steps.length < 2) return null;
  const n = loss.steps.length;
  const recent: number[] = [];
  for (let i = Math.max(1, n - 50); i < n; i++) recent.push(loss.t[i]! - loss.t[i - 1]!);
  const median = [...recent].sort((a, b) => a - b)[recent.length >> 1]!;
  const gap = Math.max(10, 20 * median);
  let from = n - 1;
  while (from > 0 && loss.t[from]! - loss.t[from - 1]! <= gap) from--;
  const steps = loss.steps[n - 1]! - loss.steps[from]!;
  const seconds = loss.t[n - 1]! - loss.t[from]!;
  return steps > 0 && seconds > 0 ? steps / seconds : null;
}

/** Seconds left for a running run, from its step rate since it (re)started; null when not running or unknown. */
export function etaSeconds(run: Run, plan: GrowPlan, loss: Series | undefined): number | null {
  if (run.status !== 'running') return null;
  const step = lastStepOf(loss);
  const rate = stepRate(loss);
  if (step === null || rate === null) return null;
  return Math.max(0, (plan.totalSteps - step) / rate);
}

/** The ETA cell: what a paused, queued or finished run shows instead of a countdown. */
export function etaText(run: Run, eta: number | null): string {
  if (run.status === 'done') return 'finished';
  if (run.status === 'paused') return 'paused';
  if (run.status === 'queued') return 'queued';
  if (run.status !== 'running') return '—';
  return eta === null ? 'measuring…' : formatDuration(eta);
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Where a run's validation loss comes from: its validation datasets, else the fixed hold-out of its training text. */
export function valSource(valDatasetIds: readonly string[], names: readonly { id: string; name: string }[]): string {
  if (valDatasetIds.length === 0)
    return 'Validation: no validation dataset, so the fixed hold-out — the last 10% of each training text (from a blank line where it has documents), never trained on.';
  return `Validation: ${valDatasetIds.map((id) => names.find((d) => d.id === id)?.name ?? 'a deleted dataset').join(', ')}`;
}

/** "1 stage", "3 stages". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
