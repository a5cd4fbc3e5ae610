// The paper's merge list, generated from the vocabulary: every n-gram split every way into two pieces that are
// both in the vocabulary, ranked longest n-gram first, then by the n-gram's code points, then by split point.

/** One merge: the pair (left, right) of token ids becomes `result`. Its rank is its index in the list. */
export interface Merge {
  left: number;
  right: number;
  result: number;
}

/** Compares by Unicode code point (JS `<` compares UTF-16 units, which orders U+E000–U+FFFF after astral ones). */
export function compareCodePoints(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * `texts[id]` is the text of each text piece (undefined for specials and bytes). Pieces of one code point are
 * the BPE alphabet; each longer piece gets one merge per split point whose two halves are pieces. A piece with no
 * such split is unreachable (BPE never produces it); the builder's top-K counts make that rare (a prefix occurs at
 * least as often as the n-gram), and it costs nothing but the vocabulary slot.
 */
export function ngramMerges(texts: readonly (string | undefined)[]): Merge[] {
  const idOf = new Map<string, number>();
  texts.forEach((t, id) => {
    if (t !== undefined) idOf.set(t, id);
  });
  const rows: { cps: number[]; split: number; merge: Merge }[] = [];
  texts.forEach((t, id) => {
    if (t === undefined) return;
    const chars = Array.from(t);
    if (chars.length < 2) return;
    const cps = chars.map((c) => c.codePointAt(0)!);
    for (let k = 1; k < chars.length; k++) {
      const left = idOf.get(chars.slice(0, k).join(''));
      const right = idOf.get(chars.slice(k).join(''));
      if (left !== undefined && right !== undefined) rows.push({ cps, split: k, merge: { left, right, result: id } });
    }
  });
  rows.sort((a, b) => b.cps.length - a.cps.length || compareCodePoints(a.cps, b.cps) || a.split - b.split);
  return rows.map((r) => r.merge);
}
