// String helpers that match Python's semantics, so metrics agree with the reference scripts (sacreBLEU, SQuAD).

/** Python's str.isspace() set: what `str.split()` with no argument splits on (JS \s differs: it has \ufeff, lacks \x1c-\x1f and \x85). */
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS}]+`, 'gu');
const PY_WS_EDGE = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'gu');

/** Python `s.split()`: splits on runs of whitespace, drops empty pieces. */
export function pySplit(s: string): string[] {
  return s.split(PY_WS_RUN).filter((w) => w.length > 0);
}

/** Python `s.strip()`. */
export function pyStrip(s: string): string {
  return s.replace(PY_WS_EDGE, '');
}

/** Python `s.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(new RegExp(`[${PY_WS}]+$`, 'u'), '');
}

/** Python `''.join(s.split())`: every whitespace character removed. */
export function removeWhitespace(s: string): string {
  return s.replace(PY_WS_RUN, '');
}

/** Characters as Python counts them (code points, not UTF-16 units). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

const ENCODER = new TextEncoder();
export function utf8Length(s: string): number {
  return ENCODER.encode(s).length;
}

/** Counts items of a list into a map (Python's Counter). */
export function counter(items: Iterable<string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(it, (m.get(it) ?? 0) + 1);
  return m;
}

/** Sum over keys of min(a[k], b[k]): the size of Counter(a) & Counter(b). */
export function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let n = 0;
  for (const [k, ca] of a) {
    const cb = b.get(k);
    if (cb !== undefined) n += Math.min(ca, cb);
  }
  return n;
}
