// Windows, the seeded train/validation split, the epoch sampler (and its saved position), unigram entropy, the schedule.
import { describe, expect, it } from 'vitest';
import { learningRate } from './adamw';
import { batchOf, makeWindows, Sampler, unigramEntropy } from './data';

const stream = Int32Array.from({ length: 101 }, (_, i) => i);

describe('data', () => {
  it('cuts non-overlapping windows of T+1 tokens with shifted targets', () => {
    const w = makeWindows(stream, 10);
    expect(Array.from(w.starts)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const b = batchOf(w, [2]);
    expect(Array.from(b.inputs)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(Array.from(b.targets)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(() => makeWindows(stream.subarray(0, 5), 10, 'tiny.txt')).toThrow(
      /tiny\.txt: 5 tokens is too short for context 10/,
    );
  });

  it('visits every window once per epoch and resumes from a saved position', () => {
    const w = makeWindows(stream, 10);
    const s = new Sampler(w, 3);
    const epoch = [...s.next(4).windows, ...s.next(4).windows, ...s.next(2).windows];
    expect([...epoch].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    s.next(3);
    const saved = s.state();
    const next = s.next(5).windows;
    expect(new Sampler(w, 3, saved).next(5).windows).toEqual(next);
  });

  it('computes the unigram entropy of the targets', () => {
    const two = makeWindows(Int32Array.from([0, 1, 0, 1, 0]), 4);
    expect(unigramEntropy(two)).toBeCloseTo(Math.log(2), 10);
  });

  it('warms up linearly, then decays by cosine to the floor', () => {
    expect(learningRate(5, 100, 1, 10, 0.1)).toBeCloseTo(0.5);
    expect(learningRate(10, 100, 1, 10, 0.1)).toBeCloseTo(1);
    expect(learningRate(55, 100, 1, 10, 0.1)).toBeCloseTo(0.55);
    expect(learningRate(100, 100, 1, 10, 0.1)).toBeCloseTo(0.1);
  });
});
