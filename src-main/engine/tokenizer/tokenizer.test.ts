// Tokenizer behaviour: lossless round trips (real corpora, adversarial strings, fuzz), longest-match priority,
// robust decoding of arbitrary ids, vocabulary layout and the identity of the vocabulary.
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { Rng } from '../util/rng';
import {
  BYTE_BASE,
  FIRST_TEXT_ID,
  Tokenizer,
  VocabularyError,
  buildTokenizer,
  compression,
  vocabularyId,
} from './index';
import type { EncodingRule } from './identity';
import { fixedPieces } from './layout';
import type { TokenPiece } from './types';

const LANGS = ['en', 'ru', 'zh'] as const;
const corpus = Object.fromEntries(LANGS.map((l) => [l, corpusText(`${l}.txt`)])) as Record<
  (typeof LANGS)[number],
  string
>;

function fromTexts(texts: string[], rule?: EncodingRule): Tokenizer {
  return new Tokenizer([...fixedPieces(), ...texts.map((text): TokenPiece => ({ kind: 'text', text }))], rule);
}

const ADVERSARIAL = [
  '',
  '\0',
  '\0\0a\0',
  '\u0001\u0007\u001b[31m\u007f\u0085',
  '\ud800',
  '\udc00',
  '\udc00\ud800',
  'a\ud83d',
  '\ud83db',
  '\ud83d\ud83d\ude00',
  '😀👍🏽👨‍👩‍👧‍👦🇺🇦',
  'e\u0301 a\u0308\u0308\u0308 \u0915\u094d\u0937',
  '\ufeffBOM\ufffe\uffff\ufffd',
  '\u{10ffff}\u{e0001}\u{f0000}',
  '\r\n\t\v\f \u00a0\u2028\u2029\u3000',
  '<pad><bos><eos><unk><0x41>',
  '$& $1 $$ \\u0000 "quoted"',
  'Ж'.repeat(1000),
];

describe('round trip', () => {
  let tok: Tokenizer;
  beforeAll(() => {
    tok = buildTokenizer([corpus.en, corpus.ru, corpus.zh], { ngrams: 2000 });
  });

  it('is lossless on the English, Russian and Chinese corpora and compresses them', () => {
    for (const l of LANGS) {
      const ids = tok.encode(corpus[l]);
      expect(tok.decode(ids) === corpus[l]).toBe(true);
      // No byte fallback needed: every code point of the corpora is in the vocabulary.
      expect(ids.every((id) => id >= FIRST_TEXT_ID)).toBe(true);
      expect(ids.length).toBeLessThan(corpus[l].length);
    }
    expect(compression(tok, [corpus.en, corpus.ru, corpus.zh])).toBeGreaterThan(1.5);
  });

  it('is lossless through byte fallback for text outside the vocabulary', () => {
    const ruOnly = buildTokenizer([corpus.ru], { ngrams: 200 });
    const zh = corpus.zh.slice(0, 20_000);
    const ids = ruOnly.encode(zh);
    expect(ids.some((id) => id >= BYTE_BASE && id < FIRST_TEXT_ID)).toBe(true);
    expect(ruOnly.decode(ids)).toBe(zh);
  });

  it('is lossless on adversarial strings', () => {
    for (const s of ADVERSARIAL) {
      expect(tok.decode(tok.encode(s))).toBe(s);
      expect(tok.decode(tok.encode(`Debian ${s} пакет ${s}中文`))).toBe(`Debian ${s} пакет ${s}中文`);
    }
  });

  it('encodes lone surrogates as 3-byte WTF-8 and astral code points as 4 UTF-8 bytes', () => {
    expect(Array.from(tok.encode('\ud800'), (id) => id - BYTE_BASE)).toEqual([0xed, 0xa0, 0x80]);
    expect(Array.from(tok.encode('\u{1f600}'), (id) => id - BYTE_BASE)).toEqual([0xf0, 0x9f, 0x98, 0x80]);
  });

  it('is lossless on random UTF-16 (any code unit, surrogates included)', () => {
    const rng = new Rng(2024);
    const sample = Array.from(corpus.ru.slice(0, 400));
    for (let t = 0; t < 300; t++) {
      const units: string[] = [];
      const n = rng.int(40);
      for (let i = 0; i < n; i++) {
        const r = rng.int(4);
        if (r === 0) units.push(String.fromCharCode(rng.int(0x10000)));
        else if (r === 1) units.push(String.fromCharCode(0xd800 + rng.int(0x800)));
        else if (r === 2) units.push(String.fromCodePoint(rng.int(0x110000)));
        else units.push(sample[rng.int(sample.length)]!);
      }
      const s = units.join('');
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });
});

describe('longest match (the first format)', () => {
  const greedy = (texts: string[]) => fromTexts(texts, 'greedy-longest-match');
  it('prefers the longest piece at each position, up to 5 code points', () => {
    const tok = greedy(['a', 'b', 'c', 'd', 'e', 'ab', 'abc', 'abcd', 'abcde', 'bcde']);
    const id = (t: string) => tok.pieceId(t)!;
    expect(Array.from(tok.encode('abcdeabcdabcab'))).toEqual([id('abcde'), id('abcd'), id('abc'), id('ab')]);
    expect(Array.from(tok.encode('xabcde'))).toEqual([BYTE_BASE + 0x78, id('abcde')]);
  });

  it('is greedy from the left, not a fewest-tokens segmentation', () => {
    const tok = greedy(['a', 'b', 'c', 'd', 'ab', 'bcd']);
    // Fewest tokens would be a|bcd; greedy takes ab first.
    expect(Array.from(tok.encode('abcd'))).toEqual(['ab', 'c', 'd'].map((t) => tok.pieceId(t)!));
  });

  it('treats astral code points as one unit when matching', () => {
    const tok = greedy(['😀', 'x', '😀x', 'x😀x']);
    expect(Array.from(tok.encode('x😀x😀x'))).toEqual([tok.pieceId('x😀x')!, tok.pieceId('😀x')!]);
  });

  it('a built tokenizer encodes its frequent words as single n-grams', () => {
    const built = buildTokenizer(['Debian Debian Debian Debian apt apt'], { ngrams: 100 });
    const tok = new Tokenizer(built.pieces, 'greedy-longest-match');
    expect(Array.from(tok.encode('Debian'))).toEqual([tok.pieceId('Debia')!, tok.pieceId('n')!]);
    expect(Array.from(tok.encode('apt'))).toEqual([tok.pieceId('apt')!]);
  });
});

describe('decode of arbitrary ids', () => {
  const tok = fromTexts(['a', 'b', 'ab']);
  const b = (byte: number) => BYTE_BASE + byte;

  it('skips <pad>, <bos>, <eos> and turns <unk> and unknown ids into U+FFFD', () => {
    const a = tok.pieceId('a')!;
    expect(tok.decode([1, a, 2, 0, 0])).toBe('a');
    expect(tok.decode([3])).toBe('\ufffd');
    expect(tok.decode([-1, tok.size, 1.5, NaN, Infinity, 2 ** 40, a])).toBe('\ufffd'.repeat(6) + 'a');
  });

  it('decodes byte runs as UTF-8 and replaces ill-formed runs', () => {
    expect(tok.decode([b(0xe2), b(0x82), b(0xac)])).toBe('€');
    expect(tok.decode([b(0xff), tok.pieceId('a')!])).toBe('\ufffda');
    expect(tok.decode([b(0xe2), b(0x82), tok.pieceId('a')!, b(0xac)])).toBe('\ufffda\ufffd');
  });

  it('never throws on random id sequences', () => {
    const rng = new Rng(99);
    for (let t = 0; t < 500; t++) {
      const ids = Array.from({ length: rng.int(30) }, () => rng.int(tok.size + 10) - 5);
      expect(typeof tok.decode(ids)).toBe('string');
      expect(typeof tok.decode(Int32Array.from(ids))).toBe('string');
    }
  });
});

describe('vocabulary layout and identity', () => {
  it('lays out specials, 256 bytes, code points (sorted), then n-grams', () => {
    const tok = buildTokenizer(['ba ba ba 😀 ж'], { ngrams: 1 });
    expect(tok.pieces.slice(0, 4)).toEqual(
      ['<pad>', '<bos>', '<eos>', '<unk>'].map((text) => ({ kind: 'special', text })),
    );
    expect(tok.specials).toEqual({ pad: 0, bos: 1, eos: 2, unk: 3 });
    expect(tok.pieces[BYTE_BASE + 0x41]).toEqual({ kind: 'byte', byte: 0x41 });
    expect(tok.pieces.slice(FIRST_TEXT_ID).map((p) => (p.kind === 'text' ? p.text : ''))).toEqual([
      ' ',
      'a',
      'b',
      'ж',
      '😀',
      'ba',
    ]);
    expect([tok.size, tok.monograms, tok.ngrams]).toEqual([FIRST_TEXT_ID + 6, 5, 1]);
  });

  it('rejects vocabularies that break the layout', () => {
    const fixed = fixedPieces();
    expect(() => new Tokenizer(fixed.slice(1))).toThrow(VocabularyError);
    expect(() => fromTexts(['a', 'a'])).toThrow(/appears twice/);
    expect(() => fromTexts([''])).toThrow(/empty/);
    expect(() => fromTexts(['\ud800'])).toThrow(/surrogate/);
    expect(() => fromTexts(['<eos>'])).toThrow(/special or byte-token name/);
    expect(() => new Tokenizer([...fixed.slice(0, 10), fixed[11]!, fixed[10]!, ...fixed.slice(12)])).toThrow(
      /byte token/,
    );
  });

  it('gives the same id for the same vocabulary and a different one otherwise', () => {
    const a = buildTokenizer([corpus.ru.slice(0, 30_000)], { ngrams: 300 });
    const again = buildTokenizer([corpus.ru.slice(0, 30_000)], { ngrams: 300 });
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(again.id).toBe(a.id);
    expect(buildTokenizer([corpus.ru.slice(0, 30_000)], { ngrams: 301 }).id).not.toBe(a.id);
    // Same vocabulary from differently ordered corpora: same id.
    expect(buildTokenizer(['xy xy', 'q'], { ngrams: 5 }).id).toBe(buildTokenizer(['q', 'xy xy'], { ngrams: 5 }).id);
    // Order matters, and piece boundaries cannot be confused.
    expect(fromTexts(['a', 'b']).id).not.toBe(fromTexts(['b', 'a']).id);
    expect(fromTexts(['ab', 'c']).id).not.toBe(fromTexts(['a', 'bc']).id);
    expect(fromTexts(['x']).id).toBe(vocabularyId([...fixedPieces(), { kind: 'text', text: 'x' }], 'ngram-bpe'));
    // The rule is part of the identity: one vocabulary under two rules encodes differently.
    expect(fromTexts(['x'], 'greedy-longest-match').id).not.toBe(fromTexts(['x']).id);
    expect(fromTexts(['x'], 'greedy-longest-match').id).toBe(
      vocabularyId([...fixedPieces(), { kind: 'text', text: 'x' }], 'greedy-longest-match'),
    );
  });

  it('validates the n-gram count', () => {
    expect(() => buildTokenizer(['abc'], { ngrams: -1 })).toThrow(/non-negative integer/);
    expect(() => buildTokenizer(['abc'], { ngrams: 1.5 })).toThrow(/non-negative integer/);
    expect(buildTokenizer([''], { ngrams: 10 }).size).toBe(FIRST_TEXT_ID);
  });

  it('computes compression as code points per token', () => {
    const tok = fromTexts(['a', 'aa', '😀']);
    expect(compression(tok, ['aaaa', '😀😀'])).toBe(6 / 4);
    expect(compression(tok, [''])).toBe(0);
  });
});
