// Evaluations: start one, list the results, page through an evaluation's items.
import { z } from 'zod';
import { EvalItemRecord, EvalResult, Id } from '../domain';
import { EvalStartParams } from '../params';
import { ProjectRef } from './common';

export const evalChannels = {
  'evals.start': {
    req: EvalStartParams,
    res: z.object({ runId: Id }),
  },
  'evals.list': { req: ProjectRef, res: z.array(EvalResult) },
  /** A page of an evaluation's items: the scored ones, or the ones a filter left out (with reasons). */
  'evals.items': {
    req: z
      .object({
        evalId: Id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        view: z.enum(['scored', 'left-out']).default('scored'),
      })
      .strict(),
    res: z.object({ total: z.number().int(), items: z.array(EvalItemRecord) }),
  },
} as const;
