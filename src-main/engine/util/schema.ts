// Parsing a JSON value read from a file through a zod schema, so a damaged or hand-edited file is refused with the
// file and the field named, instead of being cast and failing later somewhere else.
import type { z } from 'zod';
import { UserError } from '../../common/errors';

/** `source` names the file (and the part of it) in the message. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? `"${issue.path.join('.')}"` : 'the value';
  throw new UserError(`${source}: ${field}: ${issue.message}`);
}
