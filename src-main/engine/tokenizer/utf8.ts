// UTF-8 for the byte-fallback tokens: a decoder for byte runs that never throws (and restores lone surrogates
// written as WTF-8), plus a strict validator that says where a corpus file stops being UTF-8.

const REPLACEMENT = 0xfffd;

/**
 * Reads one sequence starting at bytes[i] (i < end). Returns `codePoint * 8 + length` for a well-formed
 * sequence, or `-length` for an ill-formed one, where length is the WHATWG "maximal subpart" (the bytes
 * that one U+FFFD replaces). With `wtf8`, ED A0..BF xx (a UTF-16 surrogate) counts as well-formed.
 */
function step(bytes: ArrayLike<number>, i: number, end: number, wtf8: boolean): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return b0 * 8 + 1;
  if (b0 < 0xc2) return -1;
  if (b0 < 0xe0) {
    const b1 = i + 1 < end ? bytes[i + 1]! : -1;
    return (b1 & 0xc0) === 0x80 ? (((b0 & 0x1f) << 6) | (b1 & 0x3f)) * 8 + 2 : -1;
  }
  if (b0 < 0xf0) {
    // The second byte's range is narrowed to rule out overlong forms (E0) and, in strict UTF-8, surrogates (ED).
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed && !wtf8 ? 0x9f : 0xbf;
    const b1 = i + 1 < end ? bytes[i + 1]! : -1;
    if (b1 < lo || b1 > hi) return -1;
    const b2 = i + 2 < end ? bytes[i + 2]! : -1;
    if ((b2 & 0xc0) !== 0x80) return -2;
    return (((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f)) * 8 + 3;
  }
  if (b0 < 0xf5) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const b1 = i + 1 < end ? bytes[i + 1]! : -1;
    if (b1 < lo || b1 > hi) return -1;
    const b2 = i + 2 < end ? bytes[i + 2]! : -1;
    if ((b2 & 0xc0) !== 0x80) return -2;
    const b3 = i + 3 < end ? bytes[i + 3]! : -1;
    if ((b3 & 0xc0) !== 0x80) return -3;
    return (((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f)) * 8 + 4;
  }
  return -1;
}

/**
 * Decodes bytes[start, end) leniently: well-formed UTF-8 and WTF-8 surrogates become their code units,
 * every ill-formed maximal subpart becomes one U+FFFD. Never throws, whatever the bytes.
 */
export function decodeWtf8(bytes: ArrayLike<number>, start = 0, end = bytes.length): string {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const r = step(bytes, i, end, true);
    if (r < 0) {
      units.push(REPLACEMENT);
      i -= r;
      continue;
    }
    const cp = Math.floor(r / 8);
    i += r & 7;
    if (cp < 0x10000) units.push(cp);
    else units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
  }
  return unitsToString(units);
}

/** Builds a string from UTF-16 code units in chunks (spreading a huge array into one call overflows the stack). */
export function unitsToString(units: readonly number[]): string {
  const CHUNK = 8192;
  if (units.length <= CHUNK) return String.fromCharCode(...units);
  let s = '';
  for (let i = 0; i < units.length; i += CHUNK) s += String.fromCharCode(...units.slice(i, i + CHUNK));
  return s;
}

/** Offset of the first byte that is not strict UTF-8 (surrogates and overlongs rejected), or -1 when all is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  // The native decoder answers the common (valid) case quickly; the scan only runs to locate an error.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    let i = 0;
    while (i < bytes.length) {
      const r = step(bytes, i, bytes.length, false);
      if (r < 0) return i;
      i += r & 7;
    }
    return -1;
  }
}

/** Number of UTF-8 (WTF-8 for lone surrogates) bytes of a code point. */
export function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Writes the UTF-8 bytes of a code point, each plus `offset`, at out[pos...]; returns the count. */
export function writeUtf8(cp: number, out: Int32Array | number[], pos: number, offset = 0): number {
  if (cp < 0x80) {
    out[pos] = offset + cp;
    return 1;
  }
  if (cp < 0x800) {
    out[pos] = offset + (0xc0 | (cp >> 6));
    out[pos + 1] = offset + (0x80 | (cp & 0x3f));
    return 2;
  }
  // Lone surrogates (D800–DFFF) take this branch too: that is exactly their WTF-8 form.
  if (cp < 0x10000) {
    out[pos] = offset + (0xe0 | (cp >> 12));
    out[pos + 1] = offset + (0x80 | ((cp >> 6) & 0x3f));
    out[pos + 2] = offset + (0x80 | (cp & 0x3f));
    return 3;
  }
  out[pos] = offset + (0xf0 | (cp >> 18));
  out[pos + 1] = offset + (0x80 | ((cp >> 12) & 0x3f));
  out[pos + 2] = offset + (0x80 | ((cp >> 6) & 0x3f));
  out[pos + 3] = offset + (0x80 | (cp & 0x3f));
  return 4;
}
