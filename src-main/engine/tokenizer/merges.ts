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
  // Pieces in rank order first (longest, then code points); splits are then found in split-point order.
  const ngrams: { id: number; text: string; cps: number[] }[] = [];
  texts.forEach((t, id) => {
    if (t === undefined || t.length < 2) return;
    const cps: number[] = [];
    for (const ch of t) cps.push(ch.codePointAt(0)!);
    if (cps.length >= 2) ngrams.push({ id, text: t, cps });
  });
  ngrams.sort((a, b) => b.cps.length - a.cps.length || compareCodePoints(a.cps, b.cps));
  const merges: Merge[] = [];
  for (const { id, text, cps } of ngrams) {
    let at = 0;
    for (let k = 1; k < cps.length; k++) {
      at += cps[k - 1]! > 0xffff ? 2 : 1;
      const left = idOf.get(text.slice(0, at));
      const right = left === undefined ? undefined : idOf.get(text.slice(at));
      if (left !== undefined && right !== undefined) merges.push({ left, right, result: id });
    }
  }
  return merges;
}
