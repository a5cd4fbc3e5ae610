// chrF (Popović 2015) with sacreBLEU's defaults: character 6-grams, β = 2, whitespace ignored, effective-order averaging.
import { codePoints, counter, removeWhitespace } from './text';

export const CHRF_ORDER = 6;
export const CHRF_BETA = 2;

/** [hyp n-grams, ref n-grams, matches] for each order 1..6, flattened (sums over a corpus). */
export function chrfStats(hyp: string, ref: string, order = CHRF_ORDER): number[] {
  const h = codePoints(removeWhitespace(hyp));
  const r = codePoints(removeWhitespace(ref));
  const stats: number[] = [];
  for (let n = 1; n <= order; n++) {
    const hc = counter(charNgrams(h, n));
    const rc = counter(charNgrams(r, n));
    let hypCount = 0;
    let match = 0;
    for (const [g, k] of hc) {
      hypCount += k;
      match += Math.min(k, rc.get(g) ?? 0);
    }
    let refCount = 0;
    for (const k of rc.values()) refCount += k;
    // sacreBLEU does not count hypothesis n-grams of an order the reference has none of.
    stats.push(rc.size > 0 ? hypCount : 0, refCount, match);
  }
  return stats;
}

function charNgrams(chars: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}

/** F-β (0–100) from average precision and recall over the orders where both sides have n-grams. */
export function computeChrf(stats: readonly number[], beta = CHRF_BETA): number {
  const order = stats.length / 3;
  let prec = 0;
  let rec = 0;
  let eff = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i]!, stats[3 * i + 1]!, stats[3 * i + 2]!];
    if (nHyp > 0 && nRef > 0) {
      prec += nMatch / nHyp;
      rec += nMatch / nRef;
      eff++;
    }
  }
  if (eff === 0) return 0;
  prec /= eff;
  rec /= eff;
  if (prec + rec === 0) return 0;
  const f = beta * beta;
  return (100 * ((1 + f) * prec * rec)) / (f * prec + rec);
}

export function corpusChrf(
  hyps: readonly string[],
  refs: readonly string[],
  order = CHRF_ORDER,
  beta = CHRF_BETA,
): number {
  if (hyps.length !== refs.length)
    throw new Error(`corpusChrf: ${hyps.length} hypotheses but ${refs.length} references`);
  const acc = new Array<number>(order * 3).fill(0);
  hyps.forEach((h, i) => chrfStats(h, refs[i]!, order).forEach((v, j) => (acc[j]! += v)));
  return computeChrf(acc, beta);
}

export function sentenceChrf(hyp: string, ref: string, order = CHRF_ORDER, beta = CHRF_BETA): number {
  return computeChrf(chrfStats(hyp, ref, order), beta);
}
