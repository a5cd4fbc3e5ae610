// The validation hold-out of a text: its last 10%, contiguous, starting at a document boundary (a blank line)
// when the text has documents. It depends on the text alone — never on a seed — so every stage, baseline and
// seed trained on the same data is validated on the same tokens, and the split is recorded with the model.
import { sha256Hex } from '../util/hash';
import { makeWindows, type Windows } from './data';

export const HOLDOUT_FRACTION = 0.1;

export interface HoldoutRecord {
  rule: 'tail';
  fraction: number;
  /** Character offset (UTF-16) where the hold-out starts, and whether it was moved to a document boundary. */
  startChar: number;
  documentBoundary: boolean;
  /** SHA-256 of the held-out text, to check that two models were validated on the same text. */
  sha256: string;
}

export interface HoldoutSplit {
  train: string;
  val: string;
  record: HoldoutRecord;
}

/** Splits text into training text and the held-out tail (at least one character each when possible). */
export function holdoutSplit(text: string, fraction = HOLDOUT_FRACTION): HoldoutSplit {
  const target = Math.max(1, Math.min(text.length - 1, Math.floor(text.length * (1 - fraction))));
  // Prefer the first document start at or after the target cut, if the tail still keeps half its size.
  const para = /\n[ \t]*\n/g;
  para.lastIndex = target;
  const m = para.exec(text);
  const docStart = m ? m.index + m[0].length : -1;
  const useDoc = docStart > 0 && text.length - docStart >= (text.length - target) / 2;
  let start = useDoc ? docStart : target;
  // Never split a surrogate pair.
  if (start > 0 && start < text.length && /[\uDC00-\uDFFF]/.test(text[start]!)) start++;
  const val = text.slice(start);
  return {
    train: text.slice(0, start),
    val,
    record: { rule: 'tail', fraction, startChar: start, documentBoundary: useDoc, sha256: sha256Hex(val) },
  };
}

/** Training and validation windows of one text by the fixed hold-out (no seed), with the record to save. */
export function holdoutWindows(
  text: string,
  encode: (t: string) => Int32Array,
  T: number,
  source: string,
): { train: Windows; val: Windows; holdout: HoldoutRecord } {
  const split = holdoutSplit(text);
  const train = makeWindows(encode(split.train), T, source);
  const val = makeWindows(
    encode(split.val),
    T,
    `${source} (held-out last ${Math.round(split.record.fraction * 100)}%)`,
  );
  return { train, val, holdout: split.record };
}
