// Merges of experts: compatibility, preview, head tuning, save.
import { z } from 'zod';
import { Id, MergeMode, ModelEntry } from '../domain';
import { Name } from './common';

export const mergeChannels = {
  /**
   * Compatibility against the first id: `incompatible` maps every other id that cannot join expertIds[0]
   * to the reason (which of substrate / tokenizer ids differ); `reason` summarises the whole set.
   */
  'merge.check': {
    req: z.object({ expertIds: z.array(Id).min(1) }).strict(),
    res: z.object({
      compatible: z.boolean(),
      reason: z.string().nullable(),
      incompatible: z.record(z.string(), z.string()),
    }),
  },
  'merge.preview': {
    req: z
      .object({
        expertIds: z.array(Id).min(2).max(8),
        mode: MergeMode.default('logits'),
        weights: z.array(z.number().nonnegative()).optional(),
        datasetIds: z.array(Id).min(1),
        sampleText: z.string().max(2000).default(''),
      })
      .strict(),
    res: z.object({ runId: Id }),
  },
  /**
   * Tunes a saved merge's output heads (the paper's brief head training after averaging) on the datasets: each
   * dataset's fixed hold-out (its last 10%) measures the zero-shot and the tuned merge, the rest trains. The run's
   * result is MergeTuneResult; the tuned heads are kept with the merge and used whenever it is loaded.
   */
  'merge.tune': {
    req: z
      .object({
        mergeId: Id,
        datasetIds: z.array(Id).min(1).max(16),
        steps: z.number().int().min(1).max(10_000).default(100),
      })
      .strict(),
    res: z.object({ runId: Id }),
  },
  'merge.save': {
    req: z
      .object({
        name: Name,
        expertIds: z.array(Id).min(2).max(8),
        mode: MergeMode.default('logits'),
        weights: z.array(z.number().nonnegative()).optional(),
      })
      .strict(),
    res: ModelEntry,
  },
} as const;
