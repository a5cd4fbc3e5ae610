// Two small, dependency-free SVG charts for the study report: overlaid lines (loss curves) and bars with 95% CI
// error bars. Plain SVG 1.1 with inline styles, so the files render in browsers, Markdown viewers and editors.

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 640;
const H = 360;
const M = { left: 64, right: 16, top: 36, bottom: 48 };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4)));

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text x="14" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})">${escapeXml(yLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function yAxis(lo: number, hi: number, y: (v: number) => number): string[] {
  return niceTicks(lo, hi).map(
    (t) =>
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#dddddd"/><text x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`,
  );
}

export interface LineSeries {
  name: string;
  points: readonly (readonly [number, number])[];
}

/** Overlaid polylines with a legend; non-finite points are dropped. */
export function lineChart(o: { title: string; xLabel: string; yLabel: string; series: readonly LineSeries[] }): string {
  const series = o.series
    .map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) }))
    .filter((s) => s.points.length > 0);
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  if (xs.length === 0)
    return frame(o.title, o.xLabel, o.yLabel, [`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const x = (v: number) => M.left + ((v - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const body = [
    ...yAxis(y0, y1, y),
    ...niceTicks(x0, x1).map(
      (t) => `<text x="${x(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(t)}</text>`,
    ),
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333333"/>`,
    ...series.map(
      (s, i) =>
        `<polyline fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.5" points="${s.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"><title>${escapeXml(s.name)}</title></polyline>`,
    ),
    ...series.map(
      (s, i) =>
        `<rect x="${W - M.right - 190}" y="${M.top + 4 + i * 16}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/><text x="${W - M.right - 175}" y="${M.top + 13 + i * 16}">${escapeXml(s.name)}</text>`,
    ),
  ];
  return frame(o.title, o.xLabel, o.yLabel, body);
}

export interface Bar {
  label: string;
  value: number;
  /** Half-width of the error bar (95% CI); null draws none. */
  ci: number | null;
}

/** Vertical bars from the axis minimum, each with its CI whisker; the value is printed above. */
export function barChart(o: { title: string; yLabel: string; bars: readonly Bar[] }): string {
  const bars = o.bars.filter((b) => Number.isFinite(b.value));
  if (bars.length === 0)
    return frame(o.title, '', o.yLabel, [`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`]);
  const lows = bars.map((b) => b.value - (b.ci ?? 0));
  const highs = bars.map((b) => b.value + (b.ci ?? 0));
  let lo = Math.min(0, ...lows);
  let hi = Math.max(0, ...highs);
  // Losses sit far from zero: start the axis near the data so differences stay visible (the axis is labelled).
  if (lo === 0 && Math.min(...lows) > 0)
    lo = Math.max(0, Math.min(...lows) - (Math.max(...highs) - Math.min(...lows)) * 0.5);
  if (hi === lo) hi = lo + 1;
  const y = (v: number) => H - M.bottom - ((v - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const slot = (W - M.left - M.right) / bars.length;
  const base = y(Math.max(lo, Math.min(0, hi)));
  const body = [
    ...yAxis(lo, hi, y),
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333333"/>`,
  ];
  bars.forEach((b, i) => {
    const cx = M.left + slot * (i + 0.5);
    const w = Math.min(60, slot * 0.6);
    const top = y(b.value);
    body.push(
      `<rect x="${(cx - w / 2).toFixed(1)}" y="${Math.min(top, base).toFixed(1)}" width="${w.toFixed(1)}" height="${Math.abs(base - top).toFixed(1)}" fill="${PALETTE[i % PALETTE.length]}" fill-opacity="0.8"><title>${escapeXml(`${b.label}: ${fmt(b.value)}${b.ci !== null ? ` ± ${fmt(b.ci)}` : ''}`)}</title></rect>`,
    );
    if (b.ci !== null) {
      const [a, c] = [y(b.value - b.ci), y(b.value + b.ci)];
      body.push(
        `<path d="M${cx.toFixed(1)} ${a.toFixed(1)}V${c.toFixed(1)}M${(cx - 6).toFixed(1)} ${a.toFixed(1)}h12M${(cx - 6).toFixed(1)} ${c.toFixed(1)}h12" stroke="#000000" stroke-width="1.2" fill="none"/>`,
      );
    }
    body.push(
      `<text x="${cx.toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(b.label)}</text>`,
    );
  });
  return frame(o.title, '', o.yLabel, body);
}
