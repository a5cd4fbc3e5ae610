// Training data from token files: `--data` naming a token file is read window by window; a text over the
// in-memory size (or any text with --token-file) is first tokenized, resumably, into the run folder.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenizerLike } from '../../engine/tokenizer/types';
import { headerPath, openTokenFile, type OpenTokenFile } from '../../engine/tokens/token-file';
import { writeTokenFile } from '../../engine/tokens/write-token-file';
import type { CommandContext } from '../command';

/** Texts larger than this are tokenized to a token file instead of being read whole. */
export const STREAM_ABOVE_BYTES = 256 * 2 ** 20;
export const RUN_TOKEN_FILE = 'data.tokens';

export function isTokenFile(path: string): boolean {
  return existsSync(headerPath(path));
}

/** Tokenizes `source` into `out` (continuing a partial one) with progress on stderr. */
export function makeTokenFile(source: string, out: string, tok: TokenizerLike, ctx: CommandContext): void {
  const t0 = performance.now();
  const h = writeTokenFile(source, out, tok, {
    onProgress: (p) => {
      const s = (performance.now() - t0) / 1000;
      const mb = p.done / 2 ** 20;
      ctx.progress(
        p.phase === 'scan' ? 'check text' : 'tokenize',
        Math.round(mb),
        Math.round(p.total / 2 ** 20),
        `MiB ${(mb / Math.max(s, 1e-3)).toFixed(1)} MiB/s`,
      );
    },
  });
  ctx.progressDone();
  ctx.log(`${out}: ${h.trainTokens} training + ${h.valTokens} held-out ${h.dtype} tokens of ${source}`);
}

/**
 * The token file to train from, or null to read the text in memory: `dataPath` itself when it is a token
 * file, else `<runDir>/data.tokens` made from the text when it is large or `force` asks.
 */
export function tokenFileFor(
  dataPath: string,
  runDir: string,
  tok: TokenizerLike,
  force: boolean,
  ctx: CommandContext,
): OpenTokenFile | null {
  if (isTokenFile(dataPath)) return openTokenFile(dataPath, { tokenizerId: tok.id, vocabSize: tok.size });
  const size = statSync(dataPath, { throwIfNoEntry: false })?.size ?? 0;
  if (!force && size <= STREAM_ABOVE_BYTES) return null;
  mkdirSync(runDir, { recursive: true });
  const out = join(runDir, RUN_TOKEN_FILE);
  makeTokenFile(dataPath, out, tok, ctx);
  return openTokenFile(out, { tokenizerId: tok.id, vocabSize: tok.size });
}
