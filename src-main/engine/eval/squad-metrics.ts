// SQuAD v2 exact match and F1 exactly as the official evaluate-v2.0.py defines them (normalisation included).
import { counter, overlap, pySplit } from './text';

/** string.punctuation: ASCII only, as in the official script. */
const PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
/** Python's \b(a|an|the)\b with re.UNICODE: a word character is a letter, digit or underscore of any script. */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** Lower-case, strip punctuation, remove articles, collapse whitespace — in the official order. */
export function normalizeAnswer(s: string): string {
  let t = s.toLowerCase();
  t = Array.from(t)
    .filter((c) => !PUNCT.has(c))
    .join('');
  t = t.replace(ARTICLES, ' ');
  return pySplit(t).join(' ');
}

function tokens(s: string): string[] {
  return s ? pySplit(normalizeAnswer(s)) : [];
}

export function exactMatch(gold: string, pred: string): number {
  return normalizeAnswer(gold) === normalizeAnswer(pred) ? 1 : 0;
}

export function f1Score(gold: string, pred: string): number {
  const g = tokens(gold);
  const p = tokens(pred);
  // If either is a no-answer, F1 is 1 when they agree and 0 otherwise.
  if (g.length === 0 || p.length === 0) return g.length === p.length ? 1 : 0;
  const same = overlap(counter(g), counter(p));
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Best EM and F1 over the gold answers. Gold answers that normalise to nothing are dropped; a question left
 * with none (unanswerable) has the single gold answer "", so only an empty prediction scores.
 */
export function scoreQa(goldAnswers: readonly string[], pred: string): { em: number; f1: number } {
  let golds = goldAnswers.filter((a) => normalizeAnswer(a) !== '');
  if (golds.length === 0) golds = [''];
  return {
    em: Math.max(...golds.map((g) => exactMatch(g, pred))),
    f1: Math.max(...golds.map((g) => f1Score(g, pred))),
  };
}
