// Substrates: build, label, delete, and look a token up in one.
import { z } from 'zod';
import { Id, Substrate } from '../domain';
import { SubstrateBuildParams } from '../params';
import { ById, Ok, ProjectRef } from './common';

export const substrateChannels = {
  'substrates.list': { req: ProjectRef, res: z.array(Substrate) },
  'substrates.build': {
    req: SubstrateBuildParams,
    res: z.object({ runId: Id }),
  },
  /** The user's own name for a substrate ('' clears it); pickers show it before kind, grid, dim, vocabulary and date. */
  'substrates.setLabel': {
    req: z.object({ projectId: Id, id: Id, label: z.string().max(120) }).strict(),
    res: Substrate,
  },
  /** Deletes a substrate no model uses and no project has chosen (row and file); refused otherwise, naming why. */
  'substrates.delete': { req: ById, res: Ok.extend({ freedBytes: z.number().int().nonnegative() }) },
  'substrates.lookup': {
    req: z.object({ substrateId: Id, token: z.string().min(1).max(64) }).strict(),
    res: z.object({
      tokenIds: z.array(z.number().int()),
      bitmap: z.array(z.array(z.number().int().min(0).max(1))),
      nearest: z.array(z.object({ token: z.string(), cosine: z.number() })),
    }),
  },
} as const;
