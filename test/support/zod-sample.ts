// The smallest valid value of a zod schema (for the fuzz suite: a valid base request per channel, then one field
// broken at a time), plus what kind of value each top-level field takes. Covers the schema kinds the contract uses.
import type { z } from 'zod';

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function minLength(s: z.ZodType): number {
  const checks = (defOf(s)['checks'] as { _zod: { def: { check: string; minimum?: number } } }[] | undefined) ?? [];
  const min = checks.map((c) => c._zod.def).find((d) => d.check === 'min_length')?.minimum;
  return min ?? 0;
}

/** A valid value: required object fields filled, optional and defaulted ones left out. */
export function sample(s: z.ZodType): unknown {
  const d = defOf(s);
  switch (d.type) {
    case 'string': {
      const min = (s as unknown as { minLength: number | null }).minLength ?? 0;
      return 'x'.repeat(Math.max(1, min));
    }
    case 'number': {
      const n = s as unknown as { minValue: number | null; maxValue: number | null };
      return n.minValue !== null && Number.isFinite(n.minValue)
        ? Math.max(n.minValue, Math.min(1, n.maxValue ?? 1))
        : 1;
    }
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(d['entries'] as Record<string, string>)[0];
    case 'literal':
      return (d['values'] as unknown[])[0];
    case 'nullable':
      return null;
    case 'optional':
    case 'default':
    case 'prefault':
      return undefined;
    case 'array': {
      const n = minLength(s);
      const el = sample(d['element'] as z.ZodType);
      // Distinct items: some channels refuse duplicates (languages).
      return Array.from({ length: n }, (_, i) => (typeof el === 'string' ? `${el}${i}` : el));
    }
    case 'record':
      return {};
    case 'union':
      return sample((d['options'] as z.ZodType[])[0]!);
    case 'pipe':
      return sample(d['in'] as z.ZodType);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d['shape'] as Record<string, z.ZodType>)) {
        const x = sample(v);
        if (x !== undefined) out[k] = x;
      }
      return out;
    }
    default:
      throw new Error(`zod-sample: no sample for a ${d.type} schema`);
  }
}

export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'other';

/** The kind of value a field takes, looking through optional/default/nullable. */
export function kindOf(s: z.ZodType): FieldKind {
  const d = defOf(s);
  if (d.type === 'optional' || d.type === 'default' || d.type === 'nullable' || d.type === 'prefault')
    return kindOf(d['innerType'] as z.ZodType);
  if (d.type === 'pipe') return kindOf(d['in'] as z.ZodType);
  if (d.type === 'string' || d.type === 'enum') return 'string';
  if (d.type === 'number') return 'number';
  if (d.type === 'boolean') return 'boolean';
  if (d.type === 'array') return 'array';
  if (d.type === 'object' || d.type === 'record') return 'object';
  return 'other';
}

/** Top-level fields of an object schema (through refinements), or null for a non-object request. */
export function fieldsOf(s: z.ZodType): { name: string; schema: z.ZodType; required: boolean }[] | null {
  const d = defOf(s);
  if (d.type === 'pipe') return fieldsOf(d['in'] as z.ZodType);
  if (d.type !== 'object') return null;
  return Object.entries(d['shape'] as Record<string, z.ZodType>).map(([name, schema]) => ({
    name,
    schema,
    required: sample(schema) !== undefined,
  }));
}
