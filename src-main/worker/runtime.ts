// What a job handler sees inside the worker: progress/metric/log reporting and cooperative cancel/pause.

export interface JobSignal {
  /** True once the user cancelled: stop at the next safe point and throw JobCancelled. */
  readonly cancelled: boolean;
  /** True once the user paused: save a checkpoint at the next safe point and throw JobPaused. */
  readonly pauseRequested: boolean;
}

export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}

export class JobPaused extends Error {
  constructor(readonly checkpoint: string | null) {
    super('paused');
    this.name = 'JobPaused';
  }
}

export interface JobContext {
  jobId: string;
  workspace: string;
  resumeFrom: string | null;
  signal: JobSignal;
  progress(fraction: number, message: string): void;
  metric(step: number, name: string, value: number): void;
  log(line: string): void;
  /**
   * Announces a checkpoint that a crash recovery or resume can start from; `step` is the run's step it holds
   * when the path does not say so (a growth run folder), so a resume keeps every metric point before it.
   */
  checkpoint(path: string, step?: number): void;
  state(state: Record<string, unknown>): void;
  /** Throws JobCancelled / JobPaused(checkpoint) when requested; call at safe points. */
  checkpointIfAsked(saveCheckpoint: () => Promise<string> | string): Promise<void>;
  /**
   * For jobs without checkpoints (import, eval): throws JobCancelled, or JobPaused(null) on pause, so a
   * resumed run starts again from the beginning instead of being killed after the grace period.
   */
  stopIfAsked(): void;
}

export type JobHandler = (params: Record<string, unknown>, ctx: JobContext) => Promise<unknown>;
