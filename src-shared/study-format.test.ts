// Study numbers read at the precision their CI supports (issue 28 item 8: "Δ -0.0007239 ± 0.3988").
import { describe, expect, it } from 'vitest';
import { decimalsFor, fmtMeanCi, fmtNum } from './study-format';

describe('study number formatting', () => {
  it('mean and CI share the decimals of the CI to two significant digits', () => {
    expect(fmtMeanCi(-0.0007239, 0.3988, { signed: true })).toBe('0.00 ± 0.40');
    expect(fmtMeanCi(0.0651, 0.0493, { signed: true })).toBe('+0.065 ± 0.049');
    expect(fmtMeanCi(4.5616, 0.0412)).toBe('4.562 ± 0.041');
    expect(fmtMeanCi(-0.239, 0.032, { signed: true })).toBe('−0.239 ± 0.032');
    expect(fmtMeanCi(104.2, 60.3)).toBe('104 ± 60');
  });
  it('no interval: the mean alone at 3+ decimals; counts every seed agrees on as plain numbers', () => {
    expect(fmtMeanCi(2.07412, null)).toBe('2.074');
    expect(fmtMeanCi(24576, 0)).toBe('24576 ± 0');
    expect(fmtMeanCi(9.01e9, 0)).toBe('9.01e+9 ± 0');
    expect(fmtMeanCi(Number.NaN, 1)).toBe('—');
  });
  it('plain numbers: 4 significant digits, true minus, integers kept', () => {
    expect(fmtNum(-0.00072391)).toBe('−0.0007239');
    expect(fmtNum(4.56161)).toBe('4.562');
    expect(fmtNum(12)).toBe('12');
    expect(fmtNum(null)).toBe('—');
    expect(decimalsFor(0.3988)).toBe(2);
    expect(decimalsFor(12.7)).toBe(0);
  });
});
