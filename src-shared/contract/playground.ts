// The Playground: sampling parameters, generation from up to three models, and its cancel.
import { z } from 'zod';
import { Id } from '../domain';

export const SamplingParams = z
  .object({
    maxTokens: z.number().int().min(1).max(4096).default(64),
    temperature: z.number().min(0).max(5).default(0.8),
    topK: z.number().int().min(0).max(100_000).default(40),
    topP: z.number().gt(0).max(1).default(0.95),
    seed: z.number().int().default(1),
  })
  .strict();

export const playgroundChannels = {
  /** requestId (chosen by the client) lets 'playground.cancel' stop this generation between tokens. */
  'playground.generate': {
    req: z
      .object({
        modelIds: z.array(Id).min(1).max(3),
        prompt: z.string().max(10_000),
        sampling: SamplingParams.default(SamplingParams.parse({})),
        requestId: z.string().min(1).max(100).optional(),
      })
      .strict(),
    /** stopped: cancelled before it finished; text is what was generated until then (empty if it never started). */
    res: z.object({
      outputs: z.array(
        z.object({
          modelId: Id,
          text: z.string(),
          tokensPerSec: z.number(),
          tokens: z.number().int().min(0),
          stopped: z.boolean(),
        }),
      ),
    }),
  },
  /** Stops the generation with this requestId; stopped is false when none is running under it. */
  'playground.cancel': {
    req: z
      .object({
        requestId: z.string().min(1).max(100),
        /** Only this model's generation (the others go on). */ modelId: Id.optional(),
      })
      .strict(),
    res: z.object({ stopped: z.boolean() }),
  },
} as const;
