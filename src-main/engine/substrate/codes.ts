// Font-free frozen tables for the paper's ablations: the token id's binary code, and seeded Gaussian rows.
// Both are L2-normalised like the glyph table, so only the information in the rows differs, not their scale.
import { Rng } from '../util/rng';

export type BinaryValues = 'pm1' | '01';

/**
 * Row t holds the `bits`-bit binary code of t, least significant bit first, tiled to `dim` columns:
 * column k = bit (k mod bits) of t. With 'pm1' a set bit is +1 and a clear bit −1, so every row has norm √dim
 * before normalisation; with '01' bits stay 0/1 and token 0's all-zero row stays zero (it cannot be normalised).
 */
export function binaryIdMatrix(vocabSize: number, dim: number, bits = 16, values: BinaryValues = 'pm1'): Float32Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 31)
    throw new Error(`binary-id bits must be an integer in 1…31, got ${bits}`);
  if (vocabSize > 2 ** bits) {
    throw new Error(`a ${bits}-bit code distinguishes ${2 ** bits} tokens but the vocabulary has ${vocabSize}`);
  }
  const out = new Float32Array(vocabSize * dim);
  const row = new Float64Array(dim);
  for (let t = 0; t < vocabSize; t++) {
    let ss = 0;
    for (let k = 0; k < dim; k++) {
      const bit = (t >>> (k % bits)) & 1;
      const v = values === 'pm1' ? (bit ? 1 : -1) : bit;
      row[k] = v;
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < dim; k++) out[t * dim + k] = row[k]! * inv;
  }
  return out;
}

/** Seeded standard-normal rows (drawn row by row from one stream), each L2-normalised. */
export function randomMatrix(vocabSize: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(vocabSize * dim);
  const row = new Float64Array(dim);
  for (let t = 0; t < vocabSize; t++) {
    let ss = 0;
    for (let k = 0; k < dim; k++) {
      const v = rng.normal();
      row[k] = v;
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let k = 0; k < dim; k++) out[t * dim + k] = row[k]! * inv;
  }
  return out;
}
