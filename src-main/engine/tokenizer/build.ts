// Builds a vocabulary from corpora: specials, 256 bytes, every code point that occurs (by code point), then the
// top-K whitespace-free n-grams of 2–5 code points (the paper's bvv241 recipe).
import { UserError } from '../../common/errors';
import { MAX_NGRAM, SPECIAL_TEXTS, fixedPieces } from './layout';
import { topNgrams } from './ngrams';
import { Tokenizer } from './tokenizer';
import type { TokenPiece } from './types';

export interface BuildOptions {
  /** How many n-grams to add (K). */
  ngrams: number;
  /**
   * N-grams seen fewer times are not added even when fewer than K qualify. Default 2: a string seen once is
   * not "frequent", and the floor keeps counting memory small when K exceeds the repeated n-grams.
   */
  minCount?: number;
}

const WHITESPACE = /\s/u;

/** Builds the tokenizer. Deterministic: the same corpora (in the same order) and options give the same id. */
export function buildTokenizer(corpora: readonly string[], opts: BuildOptions): Tokenizer {
  const k = opts.ngrams;
  if (!Number.isInteger(k) || k < 0)
    throw new UserError(`the number of n-grams must be a non-negative integer, got ${k}`);
  const minCount = opts.minCount ?? 2;
  if (!Number.isInteger(minCount) || minCount < 1)
    throw new UserError(`minCount must be a positive integer, got ${minCount}`);

  // Pass 1: code points per position (-1 = barrier: lone surrogates and the boundary after each corpus).
  let total = 0;
  for (const c of corpora) total += c.length + 1;
  const seq = new Int32Array(total);
  const seen = new Uint8Array(0x110000);
  const monograms: number[] = [];
  let n = 0;
  for (const text of corpora) {
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdfff) {
        const lo = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (cp <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        } else {
          // Lone surrogates stay out of the vocabulary (not valid UTF-8/JSON); byte fallback covers them.
          seq[n++] = -1;
          continue;
        }
      }
      seq[n++] = cp;
      if (!seen[cp]) {
        seen[cp] = 1;
        monograms.push(cp);
      }
    }
    seq[n++] = -1;
  }

  // Monograms in code point order; dense symbol ids in the same order so symbol order = code point order.
  monograms.sort((a, b) => a - b);
  const symbolOf = new Int32Array(0x110000);
  monograms.forEach((cp, s) => (symbolOf[cp] = s));
  const barrier = monograms.map((cp) => WHITESPACE.test(String.fromCodePoint(cp)));
  const symbols = seq.subarray(0, n);
  for (let i = 0; i < n; i++) {
    const cp = symbols[i]!;
    if (cp < 0) continue;
    const s = symbolOf[cp]!;
    symbols[i] = barrier[s] ? -1 : s;
  }

  // Ask for a few extra so that n-grams spelling a special token (which HF keys by string) can be dropped.
  const ranked = topNgrams(symbols, monograms.length, {
    k: k + SPECIAL_TEXTS.length,
    minLength: 2,
    maxLength: MAX_NGRAM,
    minCount,
  });
  const reserved = new Set<string>(SPECIAL_TEXTS);
  const pieces: TokenPiece[] = fixedPieces();
  for (const cp of monograms) pieces.push({ kind: 'text', text: String.fromCodePoint(cp) });
  let added = 0;
  for (const { gram } of ranked) {
    if (added >= k) break;
    const text = String.fromCodePoint(...Array.from(gram, (s) => monograms[s]!));
    if (reserved.has(text)) continue;
    pieces.push({ kind: 'text', text });
    added++;
  }
  return new Tokenizer(pieces);
}
