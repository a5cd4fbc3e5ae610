// How study numbers read, in the report and the app alike: a mean and its CI to the same decimals, set by the CI's
// two significant digits (−0.0007 ± 0.3988 reads −0.00 ± 0.40), signed differences with a true minus sign.

/** Decimals that show two significant digits of `x` (0…6). */
export function decimalsFor(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 4;
  return Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(Math.abs(x)))));
}

const minus = (s: string) => s.replace(/^-/, '−');

/** A plain number: 4 significant digits; integers as they are; large counts in exponent form. */
export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 1e6) return v.toExponential(2);
  if (Number.isInteger(v)) return minus(String(v));
  return minus(
    v
      .toPrecision(4)
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, ''),
  );
}

/** "2.07 ± 0.13": the mean to the CI's decimals; "2.074 (one seed)" style without a CI. */
export function fmtMeanCi(
  mean: number | null | undefined,
  ci: number | null | undefined,
  opts: { signed?: boolean } = {},
): string {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return '—';
  // Counts (tokens, FLOPs) and values every seed agrees on read as plain numbers.
  if (Math.abs(mean) >= 1e6 || ci === 0)
    return `${opts.signed && mean > 0 ? '+' : ''}${fmtNum(mean)}${ci !== null && ci !== undefined ? ` ± ${fmtNum(ci)}` : ''}`;
  const d =
    ci !== null && ci !== undefined && Number.isFinite(ci) && ci > 0 ? decimalsFor(ci) : Math.max(decimalsFor(mean), 3);
  let m = mean.toFixed(d);
  if (/^-0(\.0*)?$/.test(m)) m = m.slice(1); // no "−0.00"
  const sign = opts.signed && !m.startsWith('-') && Number(m) !== 0 ? '+' : '';
  return `${sign}${minus(m)}${ci !== null && ci !== undefined && Number.isFinite(ci) ? ` ± ${ci.toFixed(d)}` : ''}`;
}
