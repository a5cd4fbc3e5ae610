// Messages between the job supervisor (main side) and the worker process that runs one job.
import { z } from 'zod';

export const ToWorker = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    jobId: z.string(),
    kind: z.string(),
    params: z.record(z.string(), z.unknown()),
    workspace: z.string(),
    /** Checkpoint to resume from (pause/resume, crash recovery). */
    resumeFrom: z.string().nullable(),
  }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('pause') }),
]);
export type ToWorker = z.infer<typeof ToWorker>;

export const WorkerMetric = z.object({ step: z.number(), name: z.string(), value: z.number(), t: z.number() });
export type WorkerMetric = z.infer<typeof WorkerMetric>;

export const FromWorker = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('progress'), fraction: z.number(), message: z.string() }),
  z.object({ type: z.literal('metrics'), points: z.array(WorkerMetric) }),
  z.object({ type: z.literal('log'), line: z.string() }),
  /** `step`: the global step the checkpoint holds, where its path does not say (a growth run folder). */
  z.object({ type: z.literal('checkpoint'), path: z.string(), step: z.number().int().nonnegative().optional() }),
  /** Free-form structured state for the UI (e.g. growth stage layout); merged into the run's result. */
  z.object({ type: z.literal('state'), state: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('done'), result: z.unknown() }),
  z.object({ type: z.literal('paused'), checkpoint: z.string().nullable() }),
  z.object({ type: z.literal('cancelled') }),
  z.object({ type: z.literal('error'), message: z.string(), user: z.boolean() }),
]);
export type FromWorker = z.infer<typeof FromWorker>;
