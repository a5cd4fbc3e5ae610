// Number and record formatting shared by tables (parameter counts, metric values, provenance entries).
export function fmtCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** Bytes on disk, in binary units as file managers show them ("540.2 MB"). */
export function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function fmtMetric(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}

/** One short line per entry; nested values as compact JSON, cut so a table cell stays a cell. */
export function fmtEntries(rec: Record<string, unknown>, max = 80): { key: string; value: string }[] {
  return Object.entries(rec).map(([key, v]) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return { key, value: s.length > max ? `${s.slice(0, max - 1)}…` : s };
  });
}

export function fmtDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
