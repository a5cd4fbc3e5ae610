// Mean, standard deviation, Student-t 95% intervals and paired differences against values computed by hand.
import { describe, expect, it } from 'vitest';
import { pairedDifference, summarize, tQuantile975 } from './stats';

describe('study statistics', () => {
  it('mean ± 95% CI of four values: t(3) = 3.182, sd = √(5/3)', () => {
    const s = summarize([1, 2, 3, 4])!;
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(1.2909944, 6);
    expect(s.ci95).toBeCloseTo((3.182 * 1.2909944) / 2, 5); // 2.05397
    expect(s.n).toBe(4);
  });

  it('two seeds: t(1) = 12.706 and sd = |a − b|/√2, so the half-width is 12.706·|a − b|/2', () => {
    const s = summarize([4.5, 4.7])!;
    expect(s.mean).toBeCloseTo(4.6, 12);
    expect(s.ci95).toBeCloseTo(12.706 * 0.1, 9);
  });

  it('one value has no interval; non-finite values are left out; none at all gives null', () => {
    expect(summarize([3])).toEqual({ mean: 3, sd: null, ci95: null, n: 1 });
    expect(summarize([1, Number.NaN, 3])!.n).toBe(2);
    expect(summarize([Number.NaN])).toBeNull();
  });

  it('t quantiles: the table, then the expansion close to the exact values', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(30)).toBe(2.042);
    expect(tQuantile975(40)).toBeCloseTo(2.0211, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.9799, 3);
    expect(() => tQuantile975(0)).toThrow(/positive integer/);
  });

  it('paired differences use only the seeds both arms have', () => {
    const a = new Map([
      [1, 5],
      [2, 7],
      [3, 9],
    ]);
    const b = new Map([
      [1, 4],
      [2, 5],
      [4, 100],
    ]);
    const d = pairedDifference(a, b)!;
    // seeds 1 and 2: differences 1 and 2 → mean 1.5, sd √0.5, half-width 12.706·√0.5/√2 = 6.353
    expect(d.mean).toBe(1.5);
    expect(d.n).toBe(2);
    expect(d.ci95).toBeCloseTo(6.353, 6);
  });
});
