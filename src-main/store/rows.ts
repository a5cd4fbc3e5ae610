// Shared row-mapping helpers: ids, JSON columns validated with zod, and friendly constraint errors.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../common/errors';

// 32 symbols without look-alikes (no l, o, 0, 1): ids are read aloud and typed from logs.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A short random id such as `mdl_k3x9qv2tp8ha` (60 bits); also safe as a folder name. */
export function newId(prefix: string): string {
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += ALPHABET[b & 31];
  return `${prefix}_${s}`;
}

/** Ids become folder names under the workspace, so nothing that could climb out of it. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
export const idSchema = z.string().regex(ID_PATTERN, 'ids may contain only letters, digits, "_" and "-"');

/** Free-form JSON objects (configs, provenance, params): validated as objects, contents left to their owners. */
export const jsonObject = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof jsonObject>;

/** A TEXT column holding JSON, parsed and then validated by `inner`. */
export function jsonColumn<T extends z.ZodType>(inner: T) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'column holds invalid JSON' });
        return z.NEVER;
      }
    })
    .pipe(inner);
}

/** Validates a raw row; a failure means the file was edited by hand or a migration is missing. */
export function parseRow<T extends z.ZodType>(schema: T, row: unknown, what: string): z.output<T> {
  const r = schema.safeParse(row);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    throw new Error(`the ${what} row is corrupt${where}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

/** Validates input from services before it reaches SQL, naming the field at fault. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new UserError(`invalid ${what}: ${where}${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? {});
}

/** True for SQLite's UNIQUE / FOREIGN KEY failures, which users can cause and fix. */
export function isConstraint(err: unknown, kind: 'UNIQUE' | 'PRIMARYKEY' | 'FOREIGNKEY' | 'CHECK'): boolean {
  const code = (err as { code?: unknown })?.code;
  // ON DELETE RESTRICT reports itself as a trigger constraint, with the foreign-key message.
  if (kind === 'FOREIGNKEY' && code === 'SQLITE_CONSTRAINT_TRIGGER') return /FOREIGN KEY/.test((err as Error).message);
  return code === `SQLITE_CONSTRAINT_${kind}`;
}
