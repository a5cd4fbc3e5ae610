// The n-gram BPE: the merge list's order, and the fast encoder against a plain re-statement of Hugging Face's
// rule (lowest rank first, leftmost among equals) on real text, random small-alphabet text and hand cases.
import { describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { Rng } from '../util/rng';
import { BYTE_BASE, Tokenizer, buildTokenizer } from './index';
import { fixedPieces } from './layout';
import type { TokenPiece } from './types';
import { writeUtf8 } from './utf8';

function fromTexts(texts: string[]): Tokenizer {
  return new Tokenizer([...fixedPieces(), ...texts.map((text): TokenPiece => ({ kind: 'text', text }))]);
}

/** BPE as the HF docs state it, quadratic and obvious: merge the lowest-ranked adjacent pair, leftmost first. */
function referenceBpe(tok: Tokenizer, text: string): number[] {
  const rank = new Map<string, number>();
  tok.merges().forEach((m, r) => {
    const key = `${m.left},${m.right}`;
    if (!rank.has(key)) rank.set(key, r);
  });
  const syms: number[] = [];
  for (const ch of text) {
    const id = tok.pieceId(ch);
    if (id !== undefined) syms.push(id);
    else {
      const buf = new Int32Array(4);
      const n = writeUtf8(ch.codePointAt(0)!, buf, 0, BYTE_BASE);
      syms.push(...buf.subarray(0, n));
    }
  }
  for (;;) {
    let best = -1;
    let at = -1;
    for (let k = 0; k + 1 < syms.length; k++) {
      const r = rank.get(`${syms[k]},${syms[k + 1]}`);
      if (r !== undefined && (best < 0 || r < best)) {
        best = r;
        at = k;
      }
    }
    if (best < 0) return syms;
    syms.splice(at, 2, tok.merges()[best]!.result);
  }
}

describe('n-gram merge list', () => {
  it('has every split into two pieces, longest n-gram first, then by code points, then by split point', () => {
    const tok = fromTexts([
      'a',
      'b',
      'c',
      'd',
      'ab',
      'bc',
      'cd',
      'abc',
      'bcd',
      'abcd',
      '\uffff',
      '😀',
      '\uffff😀',
      '😀\uffff',
    ]);
    const name = (id: number) => (tok.pieces[id] as { text: string }).text;
    const pairs = tok.merges().map((m) => `${name(m.left)}+${name(m.right)}=${name(m.result)}`);
    expect(pairs).toEqual([
      'a+bcd=abcd',
      'ab+cd=abcd',
      'abc+d=abcd',
      'a+bc=abc',
      'ab+c=abc',
      'b+cd=bcd',
      'bc+d=bcd',
      'a+b=ab',
      'b+c=bc',
      'c+d=cd',
      // Code point order puts U+FFFF before U+1F600 (UTF-16 order would not).
      '\uffff+😀=\uffff😀',
      '😀+\uffff=😀\uffff',
    ]);
  });
});

describe('n-gram BPE encoding', () => {
  it('merges the lexicographically first pair, then grows it to the longest n-gram before anything shorter', () => {
    const tok = fromTexts(['a', 'b', 'c', 'd', 'ab', 'bc', 'bcd']);
    const id = (t: string) => tok.pieceId(t)!;
    // 'ab' ranks before 'bc' and wins; 'bcd' is then out of reach (greedy longest match would also take ab).
    expect(Array.from(tok.encode('abcd'))).toEqual([id('ab'), id('c'), id('d')]);
    // Without the competing 'a' the 2-gram grows into the 3-gram at once.
    expect(Array.from(tok.encode('bcd'))).toEqual([id('bcd')]);
    // Unknown characters become UTF-8 bytes and split nothing else.
    expect(Array.from(tok.encode('x bcd😀'))).toEqual([
      BYTE_BASE + 0x78,
      BYTE_BASE + 0x20,
      id('bcd'),
      ...[0xf0, 0x9f, 0x98, 0x80].map((b) => BYTE_BASE + b),
    ]);
  });

  it('equals the plain statement of the rule on real text in three languages', () => {
    const texts = (['en', 'ru', 'zh'] as const).map((l) => corpusText(`${l}.txt`));
    const tok = buildTokenizer(
      texts.map((t) => t.slice(0, 50_000)),
      { ngrams: 1500 },
    );
    for (const t of texts) {
      for (const line of t.slice(60_000, 90_000).split('\n'))
        expect(Array.from(tok.encode(line))).toEqual(referenceBpe(tok, line));
    }
  });

  it('equals the plain statement of the rule on random small-alphabet text (many overlapping n-grams)', () => {
    const rng = new Rng(7);
    const alphabet = ['a', 'b', 'c', ' ', '😀', 'é'];
    const draw = (n: number) =>
      Array.from({ length: n }, () => alphabet[Math.floor(rng.next() * alphabet.length)]!).join('');
    const tok = buildTokenizer([draw(5000)], { ngrams: 60 });
    for (let k = 0; k < 300; k++) {
      const s = `${draw(Math.floor(rng.next() * 80))}xé\u0000`;
      expect(Array.from(tok.encode(s))).toEqual(referenceBpe(tok, s));
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });

  it('gives the same ids from the cache as from a cold encoder', () => {
    const tok = buildTokenizer(['banana bandana banana'], { ngrams: 20 });
    const cold = new Tokenizer(tok.pieces);
    const line = 'bandana banana bananas';
    const first = Array.from(tok.encode(line));
    expect(Array.from(tok.encode(line))).toEqual(first);
    expect(Array.from(cold.encode(line))).toEqual(first);
  });
});
