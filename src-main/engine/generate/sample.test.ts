// Token sampling: seeded determinism, greedy, and the top-k / top-p / banned filters.
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { argmax, GREEDY, sampleToken } from './sample';

const logits = [2, 1.5, 1, 0.5, 0, -1];

function draws(seed: number, opts = { temperature: 1, topK: 0, topP: 1 }, n = 200): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sampleToken(logits, opts, rng));
}

describe('sampleToken', () => {
  it('repeats exactly with the same seed and differs with another', () => {
    expect(draws(11)).toEqual(draws(11));
    expect(draws(11)).not.toEqual(draws(12));
  });
  it('is argmax when greedy, skipping banned ids', () => {
    expect(sampleToken(logits, GREEDY, new Rng(0))).toBe(argmax(logits));
    expect(sampleToken(logits, GREEDY, new Rng(0), [0])).toBe(1);
  });
  it('keeps only the top k, and the nucleus for top-p', () => {
    expect(new Set(draws(5, { temperature: 1, topK: 2, topP: 1 }))).toEqual(new Set([0, 1]));
    // p(0) ≈ 0.42, p(0)+p(1) ≈ 0.67: top-p 0.5 keeps tokens 0 and 1 only.
    expect(new Set(draws(5, { temperature: 1, topK: 0, topP: 0.5 }))).toEqual(new Set([0, 1]));
    expect(new Set(draws(5, { temperature: 1, topK: 0, topP: 1 }, 2000)).size).toBe(6);
  });
});
