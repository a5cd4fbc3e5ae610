// Input hygiene every request shares, checked before its channel's schema (contract.ts parseRequest): what no
// field of any channel may carry, whatever the schema says.

/** The longest string any request field carries, except upload bytes (base64, bounded by their own schema). */
export const MAX_REQUEST_STRING = 65_536;

/**
 * Input hygiene every channel shares, before its schema: no NUL character anywhere (names, paths and ids end up
 * in file names and C strings) and no string beyond MAX_REQUEST_STRING. The reply names the field, never echoes it.
 */
export function badString(
  value: unknown,
  path: (string | number)[] = [],
  depth = 0,
): { field: string; problem: string } | null {
  if (typeof value === 'string') {
    const key = path[path.length - 1];
    if (value.length > MAX_REQUEST_STRING && key !== 'base64')
      return {
        field: path.join('.'),
        problem: `is ${value.length} characters long; the limit is ${MAX_REQUEST_STRING}`,
      };
    if (value.includes('\u0000'))
      return { field: path.join('.'), problem: 'contains a NUL character (\\0), which no field accepts' };
    return null;
  }
  if (typeof value !== 'object' || value === null || depth > 32) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes('\u0000') || k.length > 200)
      return { field: path.join('.'), problem: 'has a field name that is too long or contains a NUL character' };
    const bad = badString(v, [...path, Array.isArray(value) ? Number(k) : k], depth + 1);
    if (bad) return bad;
  }
  return null;
}
