// Training data for 'train' (and 'grow') jobs: extracted dataset texts → one token stream → fixed windows,
// with validation from the chosen held-out texts or, without any, a seeded 5% of the training windows.
import { readFileSync } from 'node:fs';
import { makeWindows, splitWindows, type Windows } from '../../engine/train';
import type { Tokenizer } from '../../engine/tokenizer';

/** Documents are joined with <eos>, so no window pretends one file continues into the next. */
export function encodeFiles(tok: Tokenizer, files: readonly string[]): Int32Array {
  const parts = files.map((f) => tok.encode(readFileSync(f, 'utf8')));
  const out = new Int32Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    out[at++] = tok.specials.eos;
  }
  return out;
}

export function trainingWindows(tok: Tokenizer, train: readonly string[], val: readonly string[], context: number, seed: number): { train: Windows; val: Windows } {
  const all = makeWindows(encodeFiles(tok, train), context, 'the training datasets');
  if (val.length > 0) return { train: all, val: makeWindows(encodeFiles(tok, val), context, 'the validation datasets') };
  return splitWindows(all, 0.05, seed, 'the training datasets');
}
