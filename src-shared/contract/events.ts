// Event channels (main → renderer).
import { z } from 'zod';
import { Id, MetricPoint } from '../domain';
import { Run } from '../runs';
import { InstallTarget } from './system';

/** Every event channel (main → renderer). Metric events are batched and throttled in main (≤ ~10/s per run). */
export const eventChannels = {
  'run.updated': Run,
  'run.metrics': z.object({ runId: Id, points: z.array(MetricPoint) }),
  /** `seq` numbers the run's stored lines: a client that fetched up to N skips events at or below N. */
  'run.log': z.object({ runId: Id, line: z.string(), seq: z.number().int().positive().optional() }),
  'models.changed': z.object({ projectId: Id }),
  'datasets.changed': z.object({ projectId: Id }),
  /** A study was defined, changed status, finished a run (arm × seed) or was deleted. */
  'studies.changed': z.object({ projectId: Id, studyId: Id }),
  /** An install's output line; `fraction` when a download size is known. */
  'system.installProgress': z.object({
    target: InstallTarget,
    line: z.string().max(2000),
    fraction: z.number().min(0).max(1).nullable(),
  }),
} as const;
