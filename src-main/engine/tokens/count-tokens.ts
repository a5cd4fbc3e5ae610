// Counts a text file's tokens in bounded memory: read in blocks, each encoded up to its last "safe" byte (a
// character no multi-character piece contains, so cutting after it never changes the ids) and the rest carried
// over. The count equals encoding the whole text at once, without holding the text or its ids.
import { closeSync, readSync } from 'node:fs';
import { UserError } from '../../common/errors';
import type { TokenizerLike } from '../tokenizer/types';
import { openRegularFile } from '../util/read-capped';
import { safeCutBytes } from './write-token-file';

/** A run of text with no safe cut longer than this is refused rather than held whole. */
const MAX_UNCUT = 256 << 20;

export interface CountOptions {
  /** Bytes read at a time (default 4 MiB). */
  chunkBytes?: number;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export function countTokensStreaming(
  path: string,
  tok: Pick<TokenizerLike, 'encode' | 'pieces'>,
  opts: CountOptions = {},
): number {
  const chunk = opts.chunkBytes ?? 4 << 20;
  const safe = safeCutBytes(tok as TokenizerLike);
  const { fd, size } = openRegularFile(path, 'dataset text');
  try {
    let carry = Buffer.alloc(0);
    let pos = 0;
    let tokens = 0;
    const buf = Buffer.allocUnsafe(chunk);
    for (;;) {
      const got = readSync(fd, buf, 0, chunk, pos);
      pos += got;
      const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, got)]) : buf.subarray(0, got);
      let cut = data.length;
      if (got > 0) {
        cut = 0;
        for (let i = data.length - 1; i >= 0; i--)
          if (safe.has(data[i]!)) {
            cut = i + 1;
            break;
          }
      }
      if (cut > 0) tokens += tok.encode(data.toString('utf8', 0, cut)).length;
      carry = Buffer.from(data.subarray(cut));
      if (carry.length > MAX_UNCUT)
        throw new UserError(
          `${path}: ${MAX_UNCUT >> 20} MiB of text without a line break or space; it cannot be counted in bounded memory`,
        );
      opts.onProgress?.(Math.min(pos, size), size);
      if (got === 0) break;
    }
    return tokens;
  } finally {
    closeSync(fd);
  }
}
