// Summary statistics for repeated runs: mean, population σ and the paper's 95% interval 1.96σ/√runs.

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation (divides by n, as numpy's default std does). */
export function populationStd(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / xs.length);
}

/** Half-width of the paper's interval: mean ± 1.96·σ/√runs. */
export function ci95(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : (1.96 * populationStd(xs)) / Math.sqrt(xs.length);
}

export interface RunSummary {
  mean: number;
  std: number;
  ci95: number;
  runs: number[];
}

export function summarizeRuns(xs: readonly number[]): RunSummary {
  return { mean: mean(xs), std: populationStd(xs), ci95: ci95(xs), runs: [...xs] };
}

/** Standard error of a proportion (for single-pass accuracies), sample variance as lm-evaluation-harness reports it. */
export function proportionStderr(correct: number, n: number): number {
  if (n < 2) return NaN;
  const p = correct / n;
  return Math.sqrt((p * (1 - p) * n) / (n - 1) / n);
}
