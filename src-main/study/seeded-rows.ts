// A seeded signed permutation of a substrate's columns: an orthogonal change of coordinates, so every row keeps its
// norm and every pair its cosine, yet two seeds give two different tables — "different inits" for glyph and
// binary-id rows, whose canonical table has no seed of its own.

/** mulberry32: a small deterministic 32-bit generator (the quality a shuffle needs). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Column j of the result is ±column perm[j] of `matrix` ([rows, dim] row-major). */
export function seededColumns(matrix: Float32Array, rows: number, dim: number, seed: number): Float32Array {
  const next = rng(seed);
  const perm = Array.from({ length: dim }, (_, i) => i);
  for (let i = dim - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const sign = perm.map(() => (next() < 0.5 ? -1 : 1));
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    for (let j = 0; j < dim; j++) out[o + j] = sign[j]! * matrix[o + perm[j]!]!;
  }
  return out;
}
