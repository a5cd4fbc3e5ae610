// Streams corpus files for the vocabulary builder in bounded memory. Every byte is read once, in fixed-size blocks:
// the whole corpus is checked (UTF-8) and contributes its code points (the monograms), while the n-gram counter sees
// at most `budget` code points — all of them when the corpus fits, otherwise blocks spread evenly over it. Counting
// costs ~30 bytes per counted code point, so the budget, not the corpus size, bounds the build's memory.
import { closeSync, readSync } from 'node:fs';
import { UserError } from '../../common/errors';
import { openRegularFile } from '../util/read-capped';
import { describeReadError } from './hf-json';
import { firstInvalidUtf8 } from './utf8';

/** Default code points counted for n-grams: 16 Mi (≈ 0.5 GB of counting memory at most). */
export const DEFAULT_SAMPLE_CHARS = 16 * 1024 * 1024;
/** Bytes read (and sampled) at a time. */
export const CORPUS_BLOCK = 1024 * 1024;
/** Characters kept as text for measuring compression after the build. */
export const COMPRESSION_SAMPLE_CHARS = 2 * 1024 * 1024;

export interface CorpusSample {
  /** Code points of the counted text; -1 is a barrier (end of a file or of a non-adjacent block). */
  seq: Int32Array;
  /** Every code point that occurs anywhere in the corpus (the whole of it, not only the sample). */
  seen: Uint8Array;
  /** Code points in the whole corpus, and how many of them the n-gram counter sees. */
  totalChars: number;
  countedChars: number;
  totalBytes: number;
  /** True when part of the corpus was left out of the n-gram counts (it exceeded the budget). */
  sampled: boolean;
  /** Up to COMPRESSION_SAMPLE_CHARS characters of the counted text, for a compression estimate. */
  compressionText: string[];
}

export interface SampleOptions {
  /** Most code points the n-gram counter sees (the memory bound). */
  budget?: number;
  /** Block size in bytes (tests use small blocks to exercise sampling on small files). */
  block?: number;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

interface OpenCorpus {
  path: string;
  fd: number;
  size: number;
}

function openAll(paths: readonly string[]): OpenCorpus[] {
  const open: OpenCorpus[] = [];
  try {
    for (const path of paths) {
      const { fd, size } = openRegularFile(path, 'corpus file');
      open.push({ path, fd, size });
      if (size === 0) throw new UserError(`${path}: the corpus file is empty`);
    }
  } catch (err) {
    for (const f of open) closeSync(f.fd);
    throw err;
  }
  return open;
}

/**
 * Reads the corpus files block by block. Blocks are chosen for counting by an even stride over all blocks of all
 * files (block b is kept when ⌊(b+1)·f⌋ > ⌊b·f⌋, f = budget / bytes), so a large corpus is sampled across its
 * whole length, not just its start. Deterministic: the same files and budget give the same sample.
 */
export function sampleCorpusFiles(paths: readonly string[], opts: SampleOptions = {}): CorpusSample {
  const budget = opts.budget ?? DEFAULT_SAMPLE_CHARS;
  // A block no larger than the budget, so that even a small budget keeps at least one block.
  const block = Math.min(opts.block ?? CORPUS_BLOCK, Math.max(4096, budget));
  if (!Number.isInteger(budget) || budget < 1) throw new UserError(`the sample budget must be ≥ 1, got ${budget}`);
  const files = openAll(paths);
  try {
    const totalBytes = files.reduce((a, f) => a + f.size, 0);
    // Code points never outnumber bytes, so a corpus of at most `budget` bytes (+ one barrier a file) fits whole.
    const whole = totalBytes + files.length <= budget;
    const fraction = whole ? 1 : budget / totalBytes;
    const capacity = whole ? totalBytes + files.length : budget;
    const seq = new Int32Array(capacity);
    const seen = new Uint8Array(0x110000);
    const compressionText: string[] = [];
    let compressionChars = 0;
    let n = 0;
    let counted = 0;
    let totalChars = 0;
    let done = 0;
    let blockIndex = 0;
    let sampled = !whole;
    const buf = Buffer.allocUnsafe(block);
    for (const f of files) {
      const decoder = new TextDecoder('utf-8', { fatal: true }); // drops a leading byte-order mark
      let pos = 0;
      let fileChars = 0;
      let lastKept = true;
      for (;;) {
        let got: number;
        try {
          got = readSync(f.fd, buf, 0, block, pos);
        } catch (err) {
          throw new UserError(`${f.path}: ${describeReadError(err)} (corpus file)`);
        }
        const last = got === 0 || pos + got >= f.size;
        let text: string;
        try {
          text = decoder.decode(buf.subarray(0, got), { stream: !last });
        } catch {
          const at = firstInvalidUtf8(buf.subarray(0, got));
          const offset = pos + Math.max(0, at);
          const hex = at >= 0 ? ` (byte 0x${buf[at]!.toString(16).toUpperCase().padStart(2, '0')})` : '';
          throw new UserError(`${f.path}: not valid UTF-8 at byte offset ${offset}${hex}; convert the corpus to UTF-8`);
        }
        const keep = Math.floor((blockIndex + 1) * fraction) > Math.floor(blockIndex * fraction);
        blockIndex++;
        // A barrier where counted text jumps over skipped blocks, so no n-gram spans the gap.
        if (keep && !lastKept && n > 0 && seq[n - 1] !== -1 && n < capacity) seq[n++] = -1;
        lastKept = keep;
        let taken = 0;
        for (let i = 0; i < text.length; i++) {
          let cp = text.charCodeAt(i);
          if (cp >= 0xd800 && cp <= 0xdbff) {
            cp = ((cp - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
            i++;
          }
          seen[cp] = 1;
          fileChars++;
          if (keep) {
            // The capacity is a hard cap: text past it is left out (and reported as sampled).
            if (n < capacity) {
              seq[n++] = cp;
              counted++;
              taken = i + 1;
            } else sampled = true;
          }
        }
        if (keep && taken > 0 && compressionChars < COMPRESSION_SAMPLE_CHARS) {
          compressionText.push(text.slice(0, taken));
          compressionChars += taken;
        }
        pos += got;
        done += got;
        opts.onProgress?.(done, totalBytes);
        if (last) break;
      }
      if (fileChars === 0) throw new UserError(`${f.path}: the corpus file is empty (only a byte-order mark)`);
      totalChars += fileChars;
      if (n < capacity) seq[n++] = -1;
      else if (n > 0 && seq[n - 1] !== -1) {
        seq[n - 1] = -1; // full: the last counted character gives way to the file's barrier
        counted--;
      }
    }
    return {
      seq: seq.subarray(0, n),
      seen,
      totalChars,
      countedChars: counted,
      totalBytes,
      sampled,
      compressionText,
    };
  } finally {
    for (const f of files) closeSync(f.fd);
  }
}
