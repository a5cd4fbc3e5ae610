// The symmetric eigen-solver: residuals, orthonormality, ordering, degenerate spectra and bit-identical reruns.
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { symmetricEigen } from './eigen';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  return a;
}

function check(a: Float64Array, n: number, tol: number) {
  const { values, vectors } = symmetricEigen(a, n);
  let residual = 0;
  let orth = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * vectors[k * n + j]!;
      residual = Math.max(residual, Math.abs(s - values[k]! * vectors[k * n + i]!));
    }
    for (let l = 0; l <= k; l++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += vectors[k * n + j]! * vectors[l * n + j]!;
      orth = Math.max(orth, Math.abs(s - (k === l ? 1 : 0)));
    }
  }
  expect(residual).toBeLessThan(tol);
  expect(orth).toBeLessThan(tol);
  for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
  return { values, vectors };
}

describe('symmetricEigen', () => {
  it('decomposes random symmetric matrices', () => {
    for (const n of [1, 2, 3, 17, 80]) check(randomSymmetric(n, n), n, 1e-11);
  });

  it('recovers a known spectrum, including repeated and zero eigenvalues', () => {
    // A = Q diag(λ) Qᵀ with Q from a random matrix's eigenvectors.
    const n = 24;
    const q = symmetricEigen(randomSymmetric(n, 7), n).vectors;
    const lambda = Array.from({ length: n }, (_, i) => (i < 6 ? 5 : i < 12 ? 0 : 3 - i * 0.25));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        for (let k = 0; k < n; k++) a[i * n + j] = a[i * n + j]! + q[k * n + i]! * lambda[k]! * q[k * n + j]!;
    const { values } = check(a, n, 1e-12);
    const sorted = [...lambda].sort((x, y) => y - x);
    for (let k = 0; k < n; k++) expect(values[k]!).toBeCloseTo(sorted[k]!, 12);
  });

  it('handles diagonal, identity and zero matrices (nothing to reduce)', () => {
    const n = 5;
    const diag = new Float64Array(n * n);
    [3, -1, 4, 1, 5].forEach((v, i) => (diag[i * n + i] = v));
    expect([...check(diag, n, 1e-15).values]).toEqual([5, 4, 3, 1, -1]);
    const zero = check(new Float64Array(n * n), n, 1e-15);
    expect([...zero.values]).toEqual([0, 0, 0, 0, 0]);
  });

  it('gives bit-identical results on every run and leaves its input alone', () => {
    const a = randomSymmetric(40, 3);
    const copy = Float64Array.from(a);
    const r1 = symmetricEigen(a, 40);
    const r2 = symmetricEigen(a, 40);
    expect(a).toEqual(copy);
    expect(Buffer.from(r1.vectors.buffer).equals(Buffer.from(r2.vectors.buffer))).toBe(true);
    expect(Buffer.from(r1.values.buffer).equals(Buffer.from(r2.values.buffer))).toBe(true);
  });
});
