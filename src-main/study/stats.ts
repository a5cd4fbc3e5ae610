// Summary statistics over seeds: mean, sample standard deviation and the 95% confidence half-width from
// Student's t (n − 1 degrees of freedom), and the paired difference of two arms run on the same seeds.

/** Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** t₀.₉₇₅ with `df` degrees of freedom: the table up to 30, then the Cornish–Fisher expansion (error < 1e-3). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new Error(`tQuantile975: degrees of freedom must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  sd: number | null;
  /** Half-width of the 95% confidence interval of the mean; null for a single value. */
  ci95: number | null;
  n: number;
}

/** Mean ± 95% CI of finite values; null when there are none. */
export function summarize(values: readonly number[]): Summary | null {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, sd: null, ci95: null, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, sd, ci95: (tQuantile975(n - 1) * sd) / Math.sqrt(n), n };
}

/** Mean ± 95% CI of (a − b) over the keys both have finite values for (pairing by seed removes seed noise). */
export function pairedDifference(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): Summary | null {
  const diffs: number[] = [];
  for (const [k, x] of a) {
    const y = b.get(k);
    if (y !== undefined && Number.isFinite(x) && Number.isFinite(y)) diffs.push(x - y);
  }
  return summarize(diffs);
}
