// Builds a vocabulary from corpora: specials, 256 bytes, every code point that occurs (by code point), then the
// top-K whitespace-free n-grams of 2–5 code points (the paper's bvv241 recipe).
import { UserError } from '../../common/errors';
import { FIRST_TEXT_ID, MAX_NGRAM, SPECIAL_TEXTS, fixedPieces } from './layout';
import { type CorpusSample, type SampleOptions, sampleCorpusFiles } from './corpus-stream';
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

function checkOptions(opts: BuildOptions): { k: number; minCount: number } {
  const k = opts.ngrams;
  if (!Number.isInteger(k) || k < 0)
    throw new UserError(`the number of n-grams must be a non-negative integer, got ${k}`);
  const minCount = opts.minCount ?? 2;
  if (!Number.isInteger(minCount) || minCount < 1)
    throw new UserError(`minCount must be a positive integer, got ${minCount}`);
  return { k, minCount };
}

export interface FileBuild {
  tokenizer: Tokenizer;
  /** What was read and counted (the sample's code points are consumed by the build). */
  sample: Omit<CorpusSample, 'seq' | 'seen'>;
}

/**
 * Builds from corpus files, streamed: memory is bounded by `budget` (code points counted for n-grams), not by the
 * corpus size. When the corpus fits the budget the result equals buildTokenizer on the files' texts, bit for bit.
 */
export function buildTokenizerFromFiles(
  paths: readonly string[],
  opts: BuildOptions &
    SampleOptions & {
      /** A total vocabulary size instead of a count of n-grams: K = size − 260 fixed − the corpus's characters. */
      size?: number;
      onStage?: (stage: 'reading' | 'counting') => void;
    },
): FileBuild {
  const { minCount } = checkOptions(opts);
  let k = opts.ngrams;
  opts.onStage?.('reading');
  const sample = sampleCorpusFiles(paths, opts);
  const monograms: number[] = [];
  for (let cp = 0; cp < sample.seen.length; cp++) if (sample.seen[cp]) monograms.push(cp);
  if (opts.size !== undefined) {
    k = opts.size - FIRST_TEXT_ID - monograms.length;
    if (k < 0)
      throw new UserError(
        `a vocabulary of ${opts.size} tokens cannot hold the ${FIRST_TEXT_ID} fixed tokens and the corpus's ${monograms.length} characters`,
      );
  }
  opts.onStage?.('counting');
  const tokenizer = tokenizerFromSequence(sample.seq, monograms, k, minCount);
  if (opts.size !== undefined && tokenizer.size < opts.size)
    throw new UserError(
      `only ${tokenizer.size - FIRST_TEXT_ID - monograms.length} n-grams occur at least ${minCount} times in the counted text, so the vocabulary has ${tokenizer.size} tokens, not ${opts.size}: give a larger corpus${sample.sampled ? ' or raise --sample-chars' : ''}`,
    );
  const { seq: _seq, seen: _seen, ...rest } = sample;
  return { tokenizer, sample: rest };
}

/** Builds the tokenizer. Deterministic: the same corpora (in the same order) and options give the same id. */
export function buildTokenizer(corpora: readonly string[], opts: BuildOptions): Tokenizer {
  const { k, minCount } = checkOptions(opts);

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

  return tokenizerFromSequence(seq.subarray(0, n), monograms, k, minCount);
}

/**
 * The shared second half of a build: `seq` holds code points and -1 barriers (it is rewritten in place into
 * symbol ids); `monograms` are the code points that become single-character tokens, in any order.
 */
export function tokenizerFromSequence(seq: Int32Array, monograms: number[], k: number, minCount: number): Tokenizer {
  // Monograms in code point order; dense symbol ids in the same order so symbol order = code point order.
  monograms.sort((a, b) => a - b);
  const symbolOf = new Int32Array(0x110000);
  monograms.forEach((cp, s) => (symbolOf[cp] = s));
  const barrier = monograms.map((cp) => WHITESPACE.test(String.fromCodePoint(cp)));
  const symbols = seq;
  for (let i = 0; i < symbols.length; i++) {
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
