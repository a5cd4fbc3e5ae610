// How the loss moved when a growth stage stacked its new block (measured before training it), as every surface
// words it: "5.0491 → 5.0493 (+0.0002)". A near-identity block moves it by less than the 3 decimals a loss shows.

/** The signed change, with enough digits to be seen: "+0.0123", "−2.1e-5", "±0". */
export function lossChange(before: number, after: number): string {
  const d = after - before;
  if (d === 0) return '±0';
  const sign = d > 0 ? '+' : '−';
  return Math.abs(d) < 5e-5 ? `${sign}${Math.abs(d).toExponential(1)}` : `${sign}${Math.abs(d).toFixed(4)}`;
}

/** "before → after (change)"; a first stage has nothing inserted below it, so no loss before. */
export function insertionText(before: number | null, after: number): string {
  if (before === null || !Number.isFinite(before)) return `— → ${after.toFixed(4)}`;
  return `${before.toFixed(4)} → ${after.toFixed(4)} (${lossChange(before, after)})`;
}
