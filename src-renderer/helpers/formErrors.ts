// Form validation with the contract's own zod schemas: one message per dotted field path, so forms refuse
// to send what the main side would reject and say which input is wrong.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; value: z.infer<S>; errors: FieldErrors } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (!errors[key]) errors[key] = friendly(issue);
  }
  return { ok: false, errors };
}

/** Zod's messages are written for developers; a form says the same thing in the user's terms. */
export function friendly(issue: z.core.$ZodIssue): string {
  const i = issue as {
    code: string;
    origin?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    inclusive?: boolean;
    expected?: string;
    message: string;
  };
  if (i.code === 'invalid_type' && i.expected === 'number') return 'Enter a number.';
  if (i.code === 'too_small') {
    if (i.origin === 'string') return Number(i.minimum) <= 1 ? 'Required.' : `At least ${i.minimum} characters.`;
    if (i.origin === 'array') return `Choose at least ${i.minimum}.`;
    if (i.origin === 'number')
      return i.inclusive === false ? `Must be more than ${i.minimum}.` : `At least ${i.minimum}.`;
  }
  if (i.code === 'too_big') {
    if (i.origin === 'string') return `At most ${i.maximum} characters.`;
    if (i.origin === 'array') return `At most ${i.maximum}.`;
    if (i.origin === 'number')
      return i.inclusive === false ? `Must be less than ${i.maximum}.` : `At most ${i.maximum}.`;
  }
  if (i.code === 'invalid_type' && i.expected === 'int') return 'Enter a whole number.';
  return i.message;
}

/** Number inputs give '' when cleared; NaN makes zod say "expected number" next to the right field. */
export function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return Number.NaN;
}
