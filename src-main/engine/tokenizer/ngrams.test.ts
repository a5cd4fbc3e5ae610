// The pruned n-gram counter must give exactly what brute-force counting gives, ties and cut included.
import { describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { Rng } from '../util/rng';
import { buildTokenizer } from './build';
import { FIRST_TEXT_ID } from './layout';

/** Reference: count every whitespace-free 2–5-code-point substring in a Map and sort (count, longer, code points). */
function bruteForceRanking(corpora: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const text of corpora) {
    // Lone surrogates act as barriers, like whitespace.
    const cps = Array.from(text, (c) => ((c.length === 1 && c >= '\ud800' && c <= '\udfff') || /\s/u.test(c) ? '' : c));
    for (let i = 0; i < cps.length; i++) {
      let key = cps[i]!;
      for (let n = 2; n <= 5 && i + n <= cps.length && key !== ''; n++) {
        const c = cps[i + n - 1]!;
        if (c === '') break;
        key += c;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const lex = (x: number[], y: number[]) => {
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  return [...counts.entries()]
    .filter(([g]) => !['<pad>', '<bos>', '<eos>', '<unk>'].includes(g))
    .map(([g, c]) => ({ g, c, cps: Array.from(g, (ch) => ch.codePointAt(0)!) }))
    .sort((a, b) => b.c - a.c || b.cps.length - a.cps.length || lex(a.cps, b.cps))
    .map(({ g, c }): [string, number] => [g, c]);
}

function cut(ranking: [string, number][], k: number, minCount: number): string[] {
  return ranking
    .filter(([, c]) => c >= minCount)
    .slice(0, k)
    .map(([g]) => g);
}

function builtNgrams(corpora: string[], k: number, minCount: number): string[] {
  const tok = buildTokenizer(corpora, { ngrams: k, minCount });
  return tok.pieces.slice(FIRST_TEXT_ID + tok.monograms).map((p) => (p.kind === 'text' ? p.text : '?'));
}

describe('top-K n-grams', () => {
  it('equals brute force on slices of the real corpora, for several K', () => {
    const corpora = (['en', 'ru', 'zh'] as const).map((l) => corpusText(`${l}.txt`).slice(20_000, 35_000));
    const ranking = bruteForceRanking(corpora);
    for (const k of [1, 50, 700, 5000]) {
      for (const minCount of [1, 2]) expect(builtNgrams(corpora, k, minCount)).toEqual(cut(ranking, k, minCount));
    }
  });

  it('equals brute force on random small-alphabet text (many ties at the cut)', () => {
    const rng = new Rng(7);
    const alphabet = ['a', 'b', 'c', ' ', 'ж', '😀', '\ud800'];
    for (let trial = 0; trial < 20; trial++) {
      const corpora = Array.from({ length: 1 + (trial % 3) }, () =>
        Array.from({ length: 50 + rng.int(300) }, () => alphabet[rng.int(alphabet.length)]).join(''),
      );
      const k = 1 + rng.int(60);
      const ranking = bruteForceRanking(corpora);
      expect(builtNgrams(corpora, k, 1)).toEqual(cut(ranking, k, 1));
      expect(builtNgrams(corpora, k, 2)).toEqual(cut(ranking, k, 2));
    }
  });

  it('never crosses whitespace or corpus boundaries, and skips special-token spellings', () => {
    const tok = buildTokenizer(['ab ab\tab\nab', 'cd', 'cd', '<pad><pad>'], { ngrams: 100, minCount: 1 });
    const grams = tok.pieces.slice(FIRST_TEXT_ID + tok.monograms).map((p) => (p.kind === 'text' ? p.text : ''));
    expect(grams[0]).toBe('ab');
    expect(grams).not.toContain('dc'); // 'cd' + 'cd' are separate corpora
    expect(grams.some((g) => /\s/.test(g))).toBe(false);
    expect(grams).not.toContain('<pad>');
    expect(grams).toContain('<pad');
  });
});
