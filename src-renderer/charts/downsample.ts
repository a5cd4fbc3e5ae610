// Display-side reduction of long metric series: min/max bucketing keeps first and last points and every
// bucket's extremes, so loss spikes after a block insertion survive; EMA smoothing like TensorBoard's slider.

/** Columnar series as the runs store holds it (steps ascending). */
export interface Series {
  steps: number[];
  values: number[];
  t: number[];
}

/** Indices to keep: all when short, else first, last and each bucket's min and max (in index order). */
export function minMaxIndices(ys: ArrayLike<number>, maxPoints: number): number[] {
  const n = ys.length;
  if (n <= Math.max(maxPoints, 2)) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const inner = n - 2;
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = ys[i]!;
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < ys[lo]!) lo = i;
      if (hi < 0 || v > ys[hi]!) hi = i;
    }
    if (lo < 0) continue;
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}

/** [x, y] pairs ready for an ECharts line series, at most about maxPoints long. */
export function downsamplePairs(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number): [number, number][] {
  return minMaxIndices(ys, maxPoints).map((i) => [xs[i]!, ys[i]!]);
}

/** Halves a stored series in place of unbounded growth; used by the store when a run streams for days. */
export function compactSeries(s: Series, maxPoints: number): Series {
  const idx = minMaxIndices(s.values, maxPoints);
  return { steps: idx.map((i) => s.steps[i]!), values: idx.map((i) => s.values[i]!), t: idx.map((i) => s.t[i]!) };
}

/** Debiased exponential moving average; weight 0 returns the input. NaN passes through without poisoning. */
export function emaSmooth(ys: ArrayLike<number>, weight: number): number[] {
  const out = new Array<number>(ys.length);
  if (weight <= 0) {
    for (let i = 0; i < ys.length; i++) out[i] = ys[i]!;
    return out;
  }
  let acc = 0;
  let k = 0;
  for (let i = 0; i < ys.length; i++) {
    const v = ys[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    acc = acc * weight + (1 - weight) * v;
    k++;
    out[i] = acc / (1 - weight ** k);
  }
  return out;
}
