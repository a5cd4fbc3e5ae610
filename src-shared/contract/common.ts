// Small request and response shapes every domain's channels share.
import { z } from 'zod';
import { Id } from '../domain';

export const Empty = z.object({}).strict();
export const Ok = z.object({ ok: z.literal(true) });
export const ProjectRef = z.object({ projectId: Id }).strict();
export const ById = z.object({ id: Id }).strict();
export const Name = z.string().trim().min(1).max(200);
