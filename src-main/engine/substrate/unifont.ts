// Reads GNU Unifont `.hex` files (plain or gzip): one glyph per line, "XXXX:" then 32 (8×16) or 64 (16×16) hex digits.
// The font is the paper's: every substrate bitmap starts from these rows.
import { UserError, atLine } from '../../common/errors';
import { gunzipCapped, READ_LIMITS, readFileCapped } from '../util/read-capped';
import { sha256Hex } from '../util/hash';

/** One Unifont glyph: 16 rows, each row's pixels in the low `width` bits (most significant bit = leftmost pixel). */
export interface Glyph {
  width: 8 | 16;
  rows: Uint16Array;
}

export interface UnifontFont {
  /** Where the font was read from (for messages and metadata). */
  readonly source: string;
  /** SHA-256 of the file's bytes as stored (compressed or not): identifies exactly the font a substrate used. */
  readonly sha256: string;
  readonly glyphs: ReadonlyMap<number, Glyph>;
}

const LINE = /^([0-9A-Fa-f]{4,6}):([0-9A-Fa-f]{32}|[0-9A-Fa-f]{64})$/;

/**
 * Parses the text of a `.hex` file. Blank lines are skipped; a code point that appears twice keeps its
 * last glyph, so a user may append override glyphs to a stock file. Anything else that is not a glyph
 * line is an error naming the line, because a half-read font would silently change every substrate.
 */
export function parseUnifontHex(text: string, source: string): Map<number, Glyph> {
  const glyphs = new Map<number, Glyph>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) {
      // The line itself is not shown: the path may name any file on the host (a secret, in browser mode).
      throw atLine(
        source,
        i + 1,
        `not a GNU Unifont .hex file (expected "XXXX:" and 32 or 64 hex digits on every line)`,
      );
    }
    const cp = parseInt(m[1]!, 16);
    if (cp > 0x10ffff) throw atLine(source, i + 1, `code point ${m[1]} is beyond U+10FFFF`);
    const digits = m[2]!;
    const width = digits.length === 32 ? 8 : 16;
    const perRow = width / 4;
    const rows = new Uint16Array(16);
    for (let r = 0; r < 16; r++) rows[r] = parseInt(digits.slice(r * perRow, (r + 1) * perRow), 16);
    glyphs.set(cp, { width, rows });
  }
  return glyphs;
}

/** True when the bytes start with the gzip magic number; we trust content over the file extension. */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Loads a `.hex` or `.hex.gz` Unifont file; every failure is a UserError naming the file. */
export function loadUnifont(path: string): UnifontFont {
  const bytes = readFileCapped(path, READ_LIMITS.font, 'font file');
  const sha256 = sha256Hex(bytes);
  const raw = isGzip(bytes) ? gunzipCapped(bytes, READ_LIMITS.font, path, 'font file') : bytes;
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  const glyphs = parseUnifontHex(text, path);
  if (glyphs.size === 0) throw new UserError(`${path}: not a GNU Unifont .hex file (it holds no glyph lines)`);
  return { source: path, sha256, glyphs };
}
