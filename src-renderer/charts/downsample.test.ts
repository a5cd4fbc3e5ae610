// Display downsampling keeps the shape that matters: first and last points, and every bucket's extremes.
import { describe, expect, it } from 'vitest';
import { downsamplePairs, emaSmooth, minMaxIndices } from './downsample';

describe('downsampling', () => {
  it('reduces a 200k-point series and keeps first, last, global min and max', () => {
    const n = 200_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => 3 + Math.sin(i / 500) * 0.2);
    ys[123_457] = 9; // an insertion spike
    ys[77_777] = -1;
    const pairs = downsamplePairs(xs, ys, 2000);
    expect(pairs.length).toBeLessThanOrEqual(2000);
    expect(pairs[0]).toEqual([0, ys[0]]);
    expect(pairs.at(-1)).toEqual([n - 1, ys[n - 1]]);
    expect(pairs).toContainEqual([123_457, 9]);
    expect(pairs).toContainEqual([77_777, -1]);
    const order = pairs.map((p) => p[0]);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('leaves short series alone and ignores NaN when choosing extremes', () => {
    expect(minMaxIndices([1, 2, 3], 10)).toEqual([0, 1, 2]);
    const ys = [1, NaN, NaN, NaN, 5, 0, 2, 3, 4, 1];
    const idx = minMaxIndices(ys, 4);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(9);
    expect(idx.every((i) => !Number.isNaN(ys[i]))).toBe(true);
  });

  it('smooths with a debiased EMA', () => {
    expect(emaSmooth([2, 2, 2], 0.9)).toEqual([2, 2, 2].map((v) => expect.closeTo(v, 10)));
    expect(emaSmooth([1, 3], 0)).toEqual([1, 3]);
  });
});
