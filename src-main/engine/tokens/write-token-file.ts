// Tokenizes a text file into a token file in bounded memory: one pass to validate and measure the text, the
// fixed hold-out cut found as holdoutSplit finds it, then chunks cut after a character no multi-character piece
// contains (so chunked ids equal whole-text ids), written as they come; a partial file resumes where it stopped.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { UserError } from '../../common/errors';
import type { TokenizerLike } from '../tokenizer/types';
import { firstInvalidUtf8 } from '../tokenizer/utf8';
import { HOLDOUT_FRACTION } from '../train/holdout';
import { TOKEN_FILE_FORMAT, bytesPer, dtypeFor, headerPath, readHeader, type TokenFileHeader } from './token-file';

const DEFAULT_CHUNK = 4 << 20;
/** A run of text with no safe cut longer than this is refused (one "line" of 256 MiB is not a corpus). */
const MAX_UNCUT = 256 << 20;

export interface TokenizeProgress {
  phase: 'scan' | 'tokenize';
  done: number;
  total: number;
}

export interface TokenizeOptions {
  onProgress?: (p: TokenizeProgress) => void;
  /** Bytes read at a time (default 4 MiB; tests make it small to put many chunk edges in a short text). */
  chunkBytes?: number;
  /** For tests: stop (as a crash would) after this many tokenize chunks. */
  stopAfterChunks?: number;
}

function readAt(fd: number, buf: Buffer, len: number, pos: number): number {
  let got = 0;
  while (got < len) {
    const r = readSync(fd, buf, got, len - got, pos + got);
    if (r === 0) break;
    got += r;
  }
  return got;
}

/** Length of the longest prefix of buf[0, n) that ends on a UTF-8 character boundary. */
function completePrefix(buf: Buffer, n: number): number {
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}

/** UTF-16 units of valid UTF-8 bytes: one per character, two for 4-byte characters. */
function utf16Units(buf: Buffer, from: number, to: number): number {
  let u = 0;
  for (let i = from; i < to; i++) {
    const b = buf[i]!;
    if ((b & 0xc0) !== 0x80) u += b >= 0xf0 ? 2 : 1;
  }
  return u;
}

interface Scan {
  bytes: number;
  mtimeMs: number;
  bomBytes: number;
  utf16Length: number;
  sha256: string;
  /** (byte, utf16) at each chunk start, to seek the hold-out cut without another full pass. */
  marks: { byte: number; u16: number }[];
}

function scanSource(path: string, fd: number, opts: TokenizeOptions): Scan {
  const CHUNK = Math.max(4, opts.chunkBytes ?? DEFAULT_CHUNK);
  const st = fstatSync(fd);
  const buf = Buffer.allocUnsafe(CHUNK);
  const h = createHash('sha256');
  let pos = 0;
  let u16 = 0;
  let bom = 0;
  const marks: Scan['marks'] = [];
  for (;;) {
    const n = readAt(fd, buf, CHUNK, pos);
    if (n === 0) break;
    let from = 0;
    if (pos === 0 && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = bom = 3;
    const end = n < CHUNK ? n : completePrefix(buf, n);
    const bad = firstInvalidUtf8(buf.subarray(from, end));
    if (bad >= 0 || (n < CHUNK && end < n)) {
      const at = bad >= 0 ? pos + from + bad : pos + end;
      const b = bad >= 0 ? buf[from + bad]! : buf[end]!;
      throw new UserError(
        `${path}: not valid UTF-8 at byte offset ${at} (byte 0x${b.toString(16).toUpperCase().padStart(2, '0')}); convert the corpus to UTF-8`,
      );
    }
    marks.push({ byte: pos + from, u16 });
    h.update(buf.subarray(from, end));
    u16 += utf16Units(buf, from, end);
    pos += end;
    opts.onProgress?.({ phase: 'scan', done: pos, total: st.size });
    if (n < CHUNK) break;
  }
  if (u16 === 0) throw new UserError(`${path}: the corpus file is empty${bom ? ' (only a byte-order mark)' : ''}`);
  return { bytes: st.size, mtimeMs: st.mtimeMs, bomBytes: bom, utf16Length: u16, sha256: h.digest('hex'), marks };
}

/** The hold-out start exactly as holdoutSplit picks it, as a source byte offset and a UTF-16 offset. */
function findCut(
  fd: number,
  s: Scan,
  CHUNK = DEFAULT_CHUNK,
): { cutByte: number; startChar: number; documentBoundary: boolean } {
  const L = s.utf16Length;
  const target = Math.max(1, Math.min(L - 1, Math.floor(L * (1 - HOLDOUT_FRACTION))));
  const limit = L - (L - target) / 2; // a document start must leave the tail at least half its size
  let m = 0;
  while (m + 1 < s.marks.length && s.marks[m + 1]!.u16 <= target) m++;
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = s.marks[m]!.byte;
  let u = s.marks[m]!.u16;
  // Plain cut: the first character boundary at or after target (after a surrogate pair it would split).
  let plain: { cutByte: number; startChar: number } | null = null;
  let state = 0; // 1: inside "\n[ \t]*" that began at or after target
  while (pos < s.bytes) {
    const n = readAt(fd, buf, CHUNK, pos);
    if (n === 0) break;
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      const lead = (b & 0xc0) !== 0x80;
      if (lead && plain === null && u >= target) plain = { cutByte: pos + i, startChar: u };
      if (lead) {
        if (state === 1) {
          if (b === 0x0a) {
            const docStart = u + 1;
            if (docStart > 0 && docStart <= limit)
              return { cutByte: pos + i + 1, startChar: docStart, documentBoundary: true };
            return { ...plain!, documentBoundary: false };
          }
          if (b !== 0x20 && b !== 0x09) state = 0;
        }
        if (state === 0 && b === 0x0a && u >= target) state = 1;
        u += b >= 0xf0 ? 2 : 1;
        if (plain !== null && u > limit + 2) return { ...plain, documentBoundary: false };
      }
    }
    pos += n;
  }
  if (plain === null) plain = { cutByte: s.bytes, startChar: L };
  return { ...plain, documentBoundary: false };
}

function hashRange(fd: number, from: number, to: number, CHUNK = DEFAULT_CHUNK): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  for (let pos = from; pos < to;) {
    const n = readAt(fd, buf, Math.min(CHUNK, to - pos), pos);
    if (n === 0) break;
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest('hex');
}

/** ASCII bytes after which a cut never changes the ids: characters that no piece of two or more characters contains. */
export function safeCutBytes(tok: TokenizerLike): Set<number> {
  const safe = new Set([0x0a, 0x20, 0x09, 0x0d]);
  for (const p of tok.pieces) {
    if (p.kind !== 'text' || [...p.text].length < 2) continue;
    for (const c of safe) if (p.text.includes(String.fromCharCode(c))) safe.delete(c);
  }
  return safe;
}

function writeHeader(path: string, h: TokenFileHeader): void {
  const hp = headerPath(path);
  writeFileSync(`${hp}.tmp`, `${JSON.stringify(h, null, 2)}\n`);
  renameSync(`${hp}.tmp`, hp);
}

/**
 * Makes (or finishes) the token file `out` for the text file `source`. Returns its header. A header for the same
 * source (size, time, tokenizer) that is not complete is continued from its recorded source byte.
 */
export function writeTokenFile(
  source: string,
  out: string,
  tok: TokenizerLike,
  opts: TokenizeOptions = {},
): TokenFileHeader {
  let src: number;
  try {
    src = openSync(source, 'r');
  } catch (err) {
    throw new UserError(`${source}: cannot read the corpus (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const st = fstatSync(src);
    if (!st.isFile()) throw new UserError(`${source}: not a regular file`);
    const dtype = dtypeFor(tok.size);
    let h = readHeader(out);
    const same =
      h &&
      existsSync(out) &&
      h.tokenizerId === tok.id &&
      h.source.bytes === st.size &&
      h.source.mtimeMs === st.mtimeMs &&
      h.dtype === dtype;
    if (h && same && h.complete) return h;
    if (!h || !same) {
      const scan = scanSource(source, src, opts);
      const cut = findCut(src, scan);
      h = {
        format: TOKEN_FILE_FORMAT,
        version: 1,
        dtype,
        tokenizerId: tok.id,
        vocabSize: tok.size,
        source: {
          file: source,
          bytes: scan.bytes,
          mtimeMs: scan.mtimeMs,
          utf16Length: scan.utf16Length,
          sha256: scan.sha256,
          bomBytes: scan.bomBytes,
        },
        cutByte: cut.cutByte,
        holdout: {
          rule: 'tail',
          fraction: HOLDOUT_FRACTION,
          startChar: cut.startChar,
          documentBoundary: cut.documentBoundary,
          sha256: hashRange(src, cut.cutByte, scan.bytes),
        },
        trainTokens: 0,
        valTokens: 0,
        sourceByte: scan.bomBytes,
        complete: false,
      };
      writeFileSync(out, '');
      writeHeader(out, h);
    }
    return tokenizeRest(source, src, out, tok, h, opts);
  } finally {
    closeSync(src);
  }
}

function tokenizeRest(
  source: string,
  src: number,
  out: string,
  tok: TokenizerLike,
  h: TokenFileHeader,
  opts: TokenizeOptions,
): TokenFileHeader {
  const w = bytesPer(h.dtype);
  let written = (h.trainTokens + h.valTokens) * w;
  const have = statSync(out, { throwIfNoEntry: false })?.size ?? -1;
  if (have < written)
    throw new UserError(
      `${out}: shorter (${have} bytes) than its header's progress (${written} bytes); delete ${out} and ${headerPath(out)} and run again`,
    );
  const fd = openSync(out, 'r+');
  try {
    ftruncateSync(fd, written); // drop ids written after the last recorded step
    const safe = safeCutBytes(tok);
    if (safe.size === 0)
      throw new UserError(
        `${source}: the tokenizer has pieces spanning every whitespace character, so the text cannot be tokenized in chunks`,
      );
    const CHUNK = Math.max(4, opts.chunkBytes ?? DEFAULT_CHUNK);
    let buf = Buffer.allocUnsafe(CHUNK);
    let chunks = 0;
    const total = h.source.bytes - h.source.bomBytes;
    while (h.sourceByte < h.source.bytes) {
      const inTrain = h.sourceByte < h.cutByte;
      const end = inTrain ? h.cutByte : h.source.bytes;
      let want = Math.min(CHUNK, end - h.sourceByte);
      let n: number;
      let cut: number;
      for (;;) {
        if (buf.length < want) buf = Buffer.allocUnsafe(want);
        n = readAt(src, buf, want, h.sourceByte);
        if (n < want)
          throw new UserError(
            `${source}: shorter than when the token file was started (changed while tokenizing); run again`,
          );
        if (h.sourceByte + n === end) {
          cut = n;
          break;
        }
        cut = n;
        while (cut > 0 && !safe.has(buf[cut - 1]!)) cut--;
        if (cut > 0) break;
        if (want >= MAX_UNCUT)
          throw new UserError(
            `${source}: ${MAX_UNCUT >> 20} MiB without a line break or space from byte ${h.sourceByte}; the text cannot be tokenized in chunks`,
          );
        want = Math.min(want * 2, end - h.sourceByte);
      }
      const ids = tok.encode(buf.toString('utf8', 0, cut));
      const outBuf = Buffer.allocUnsafe(ids.length * w);
      if (w === 2) for (let i = 0; i < ids.length; i++) outBuf.writeUInt16LE(ids[i]!, 2 * i);
      else for (let i = 0; i < ids.length; i++) outBuf.writeUInt32LE(ids[i]!, 4 * i);
      for (let off = 0; off < outBuf.length;) off += writeSync(fd, outBuf, off, outBuf.length - off, written + off);
      written += outBuf.length;
      if (inTrain) h.trainTokens += ids.length;
      else h.valTokens += ids.length;
      h.sourceByte += cut;
      h.complete = h.sourceByte >= h.source.bytes;
      writeHeader(out, h);
      opts.onProgress?.({ phase: 'tokenize', done: h.sourceByte - h.source.bomBytes, total });
      if (opts.stopAfterChunks !== undefined && ++chunks >= opts.stopAfterChunks && !h.complete) return h;
    }
    if (!h.complete) {
      h.complete = true;
      writeHeader(out, h);
    }
    return h;
  } finally {
    closeSync(fd);
  }
}
