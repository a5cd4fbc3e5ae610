// What a growth run reports and how a caller (CLI, the app's job handler) steers it: progress per step,
// stage start/end, and a stop request honoured at safe points (after a step, with a checkpoint written).
import type { ParamReport } from '../model/param-report';
import type { ProgressEvent } from '../train/trainer-options';
import type { StageRecord } from './records';

/** Which training run inside a growth run: a growth stage or a baseline's (stage of) training. */
export interface UnitRef {
  /** 'growth' stages; 'monolithic' and 'trainable-embedding' are the baselines. */
  phase: 'growth' | 'monolithic' | 'trainable-embedding';
  /** Folder of the unit relative to the run folder, e.g. "stage-2" or "baseline-monolithic". */
  unit: string;
  /** 1-based stage within its phase (the monolithic baseline is one stage). */
  stage: number;
  stages: number;
  depth: number;
}

/** A unit's training progress: the trainer's own event (step, losses, rate, ETA) and which unit it is. */
export interface GrowthProgress extends UnitRef, ProgressEvent {
  /** Seconds of this unit so far (across resumes). */
  elapsed: number;
}

export interface StageStart extends UnitRef {
  steps: number;
  /** > 0 when the unit resumes from a checkpoint. */
  resumedAtStep: number;
  trainableParams: number;
  frozenParams: number;
  /** The one parameter-count definition (param-report.ts): trainable, frozen blocks, frozen substrate, total. */
  params: ParamReport;
  lossBeforeInsert: number | null;
  lossAfterInsert: number;
  prefixCache: boolean;
}

export interface GrowthHooks {
  onProgress?(e: GrowthProgress): void;
  onStageStart?(e: StageStart): void;
  onStageEnd?(record: StageRecord): void;
  /** Where a finished unit's model folder goes (default: the unit's folder in the run folder, beside its checkpoint). */
  exportDir?(unit: UnitRef): string | undefined;
  /** A unit's resumable checkpoint was written after its `step`-th step (a resume continues after it). */
  onCheckpoint?(unit: UnitRef, step: number): void;
  /** Polled before every step; true stops the run after writing a checkpoint (pause and cancel alike). */
  shouldStop?(): boolean;
  signal?: AbortSignal;
}
