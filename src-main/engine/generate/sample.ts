// Picks the next token from one row of logits: greedy, temperature, top-k and top-p (nucleus) sampling.
import type { Rng } from '../util/rng';

export interface SamplingOptions {
  /** 0 (or below 1e-6) means greedy. */
  temperature: number;
  /** Keep only the k most likely tokens; 0 = no limit. */
  topK: number;
  /** Keep the smallest set whose probability reaches p; 1 = no limit. */
  topP: number;
}

export const GREEDY: SamplingOptions = { temperature: 0, topK: 0, topP: 1 };

export function argmax(row: ArrayLike<number>): number {
  let best = 0;
  let bestV = -Infinity;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (v > bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

/** Samples one token id. `banned` ids (e.g. padding) get probability zero. */
export function sampleToken(
  logits: ArrayLike<number>,
  opts: SamplingOptions,
  rng: Rng,
  banned: readonly number[] = [],
): number {
  const n = logits.length;
  const masked = Float64Array.from(logits as ArrayLike<number>);
  for (const b of banned) if (b >= 0 && b < n) masked[b] = -Infinity;
  if (opts.temperature < 1e-6) return argmax(masked);
  const t = opts.temperature;
  let order = Array.from({ length: n }, (_, i) => i).filter((i) => masked[i] !== -Infinity);
  order.sort((a, b) => masked[b]! - masked[a]! || a - b);
  if (opts.topK > 0 && order.length > opts.topK) order = order.slice(0, opts.topK);
  const maxL = masked[order[0]!]! / t;
  let probs = order.map((i) => Math.exp(masked[i]! / t - maxL));
  let sum = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / sum);
  if (opts.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < probs.length) {
      cum += probs[keep]!;
      keep++;
      if (cum >= opts.topP) break;
    }
    order = order.slice(0, keep);
    probs = probs.slice(0, keep);
    sum = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / sum);
  }
  const u = rng.next();
  let acc = 0;
  for (let i = 0; i < order.length; i++) {
    acc += probs[i]!;
    if (u < acc) return order[i]!;
  }
  return order[order.length - 1]!;
}
