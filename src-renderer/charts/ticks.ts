// Axis tick labels: ECharts prints a zoomed or data-bound axis end as the raw float (0.546837218935656,
// 11,980.894548455222); every value axis formats its ticks through here to a few significant digits instead.

/** A tick value as a person writes it: thousands separated and whole from 1,000 up, else 4 significant digits. */
export function tickLabel(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en');
  if (a === 0) return '0';
  // toPrecision then Number() drops trailing zeros and float noise (0.30000000000000004 → 0.3).
  const n = Number(v.toPrecision(4));
  return a < 1e-4 ? n.toExponential() : String(n);
}

/** An axis end rounded outwards to 2 significant digits of the span, so the end label is a round number. */
export function niceEnd(v: number, span: number, dir: 'down' | 'up'): number {
  if (!Number.isFinite(v)) return v;
  const step =
    span > 0 ? 10 ** (Math.floor(Math.log10(span)) - 1) : 10 ** (Math.floor(Math.log10(Math.abs(v) || 1)) - 1);
  const r = dir === 'down' ? Math.floor(v / step) * step : Math.ceil(v / step) * step;
  return Number(r.toPrecision(12));
}
