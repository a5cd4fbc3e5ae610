// Projects: list, create (the demo too), rename, delete, and the project's substrate choice.
import { z } from 'zod';
import { Id, Project } from '../domain';
import { ById, Empty, Name, Ok } from './common';

export const projectChannels = {
  'projects.list': { req: Empty, res: z.array(Project) },
  'projects.create': {
    req: z.object({ name: Name, description: z.string().max(2000).default('') }).strict(),
    res: Project,
  },
  'projects.createDemo': {
    req: z
      .object({ name: Name, scale: z.enum(['quick', 'default']).default('quick'), seed: z.number().int().default(1) })
      .strict(),
    res: z.object({ project: Project, runId: Id }),
  },
  'projects.rename': { req: z.object({ id: Id, name: Name }).strict(), res: Project },
  'projects.delete': { req: ById, res: Ok },
  /** Added for the renderer: the project's substrate choice (its tokenizer follows the substrate); null clears it. */
  'projects.setSubstrate': { req: z.object({ id: Id, substrateId: Id.nullable() }).strict(), res: Project },
} as const;
