// Corpus and sentence BLEU with sacreBLEU's defaults (4-grams, exp smoothing, brevity penalty, one reference).
import { type BleuTokenizerName, bleuTokenize } from './bleu-tokenize';
import { counter, pyRstrip, pySplit } from './text';

export const MAX_ORDER = 4;

/** Sufficient statistics of one segment (or, summed, of a corpus). */
export interface BleuStats {
  sysLen: number;
  refLen: number;
  /** Clipped n-gram matches per order 1..4. */
  correct: number[];
  /** Hypothesis n-grams per order 1..4. */
  total: number[];
}

export interface BleuScore {
  /** 0–100, like sacreBLEU. */
  score: number;
  /** 0–100 per order, after smoothing. */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
  counts: number[];
  totals: number[];
}

export type SmoothMethod = 'exp' | 'none' | 'floor' | 'add-k';

export interface BleuOptions {
  tokenize?: BleuTokenizerName;
  smooth?: SmoothMethod;
  /** For floor (default 0.1) and add-k (default 1). */
  smoothValue?: number;
  /** Average only over orders the hypothesis has n-grams for (sacreBLEU's sentence-level default). */
  effectiveOrder?: boolean;
  lowercase?: boolean;
}

function ngrams(tokens: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

function prepare(s: string, opts: BleuOptions): string[] {
  const t = opts.lowercase ? s.toLowerCase() : s;
  // sacreBLEU right-strips each segment before tokenising it.
  return pySplit(bleuTokenize(pyRstrip(t), opts.tokenize ?? '13a'));
}

export function segmentStats(hyp: string, ref: string, opts: BleuOptions = {}): BleuStats {
  const h = prepare(hyp, opts);
  const r = prepare(ref, opts);
  const correct: number[] = [];
  const total: number[] = [];
  for (let n = 1; n <= MAX_ORDER; n++) {
    const hc = counter(ngrams(h, n));
    const rc = counter(ngrams(r, n));
    let c = 0;
    let t = 0;
    for (const [g, k] of hc) {
      t += k;
      c += Math.min(k, rc.get(g) ?? 0);
    }
    correct.push(c);
    total.push(t);
  }
  return { sysLen: h.length, refLen: r.length, correct, total };
}

export function sumStats(all: readonly BleuStats[]): BleuStats {
  const acc: BleuStats = {
    sysLen: 0,
    refLen: 0,
    correct: new Array(MAX_ORDER).fill(0),
    total: new Array(MAX_ORDER).fill(0),
  };
  for (const s of all) {
    acc.sysLen += s.sysLen;
    acc.refLen += s.refLen;
    for (let i = 0; i < MAX_ORDER; i++) {
      acc.correct[i]! += s.correct[i]!;
      acc.total[i]! += s.total[i]!;
    }
  }
  return acc;
}

/** sacreBLEU's log: log(0) is a huge negative number rather than -Infinity, so exp() gives exactly 0. */
function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

export function computeBleu(stats: BleuStats, opts: BleuOptions = {}): BleuScore {
  const smooth = opts.smooth ?? 'exp';
  const smoothValue = opts.smoothValue ?? (smooth === 'floor' ? 0.1 : 1);
  const { sysLen, refLen } = stats;
  const correct = [...stats.correct];
  const total = [...stats.total];
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(MAX_ORDER).fill(0);
  const result = (score: number): BleuScore => ({
    score,
    precisions,
    bp,
    sysLen,
    refLen,
    counts: correct,
    totals: total,
  });
  if (!correct.some((c) => c > 0)) return result(0);

  let smoothMteval = 1;
  let effOrder = MAX_ORDER;
  for (let n = 1; n <= MAX_ORDER; n++) {
    if (smooth === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smooth === 'exp') {
        // NIST/mteval smoothing: each further order with no match gets half the previous pseudo-count.
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]!);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
  return result(bp * Math.exp(logSum / effOrder));
}

/** Corpus BLEU: statistics summed over all segments, then one score (sacreBLEU `corpus_bleu` defaults). */
export function corpusBleu(hyps: readonly string[], refs: readonly string[], opts: BleuOptions = {}): BleuScore {
  if (hyps.length !== refs.length)
    throw new Error(`corpusBleu: ${hyps.length} hypotheses but ${refs.length} references`);
  return computeBleu(sumStats(hyps.map((h, i) => segmentStats(h, refs[i]!, opts))), { effectiveOrder: false, ...opts });
}

/** Sentence BLEU as sacreBLEU's `sentence_bleu` computes it by default: exp smoothing and effective order. */
export function sentenceBleu(hyp: string, ref: string, opts: BleuOptions = {}): BleuScore {
  return computeBleu(segmentStats(hyp, ref, opts), { effectiveOrder: true, ...opts });
}
