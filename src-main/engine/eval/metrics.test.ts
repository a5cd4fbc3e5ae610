// BLEU, chrF, their tokenisers, SQuAD EM/F1 and run statistics against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { computeBleu, corpusBleu, segmentStats, sentenceBleu } from './bleu';
import { tokenize13a, tokenizeZh, tokenizerForLang } from './bleu-tokenize';
import { chrfStats, corpusChrf, sentenceChrf } from './chrf';
import { exactMatch, f1Score, normalizeAnswer, scoreQa } from './squad-metrics';
import { ci95, mean, populationStd, summarizeRuns } from './stats';

describe('13a tokenisation (mteval-v13a as sacreBLEU)', () => {
  it.each([
    ['Hello, world!', 'Hello , world !'],
    ['It costs $3.50, ok.', 'It costs $ 3.50 , ok .'],
    ['pages 1-2 and a-b', 'pages 1 - 2 and a-b'],
    ["don't (a+b)=c", "don't ( a + b ) = c"],
    ['&quot;hi&quot; &amp; <skipped>x', '" hi " & x'],
    ['  spaced\tout  \n', 'spaced out'],
    ['1,000.5 vs a.b', '1,000.5 vs a . b'],
  ])('%j → %j', (input, out) => {
    expect(tokenize13a(input)).toBe(out);
  });
});

describe('zh tokenisation', () => {
  it('splits CJK characters and punctuation, then applies the 13a regexes', () => {
    expect(tokenizeZh('我爱北京。')).toBe('我 爱 北 京 。');
    expect(tokenizeZh('GPT-4模型很好!')).toBe('GPT-4 模 型 很 好 !');
    expect(tokenizeZh('你好，世界')).toBe('你 好 ， 世 界');
    expect(tokenizeZh('版本3.14')).toBe('版 本 3.14');
  });
  it("reproduces sacreBLEU's range quirk: general punctuation U+2001–U+2A6D counts as Chinese", () => {
    expect(tokenizeZh('“引号”')).toBe('“ 引 号 ”');
    expect(tokenizeZh('a—b')).toBe('a — b');
    expect(tokenize13a('a—b')).toBe('a—b');
  });
  it('picks zh for Chinese targets and 13a otherwise', () => {
    expect(tokenizerForLang('zh')).toBe('zh');
    expect(tokenizerForLang('zh_cn')).toBe('zh');
    expect(tokenizerForLang('ru')).toBe('13a');
  });
});

describe('BLEU (sacreBLEU defaults)', () => {
  it('counts clipped n-grams per order', () => {
    const s = segmentStats('the cat sat on the mat', 'the cat is on the mat');
    // 1-grams: the×2 cat on mat match (5 of 6); 2-grams: "the cat", "on the", "the mat" (3 of 5);
    // 3-grams: "on the mat" (1 of 4); 4-grams: none of 3.
    expect(s).toEqual({ sysLen: 6, refLen: 6, correct: [5, 3, 1, 0], total: [6, 5, 4, 3] });
  });
  it('smooths a zero 4-gram precision with exp (1/2 pseudo-count) and takes the geometric mean', () => {
    // p = 500/6, 60, 25, 100/(2·3); product = 100^4 · (5/6 · 0.6 · 0.25 · 1/6) = 100^4 / 48.
    const b = corpusBleu(['the cat sat on the mat'], ['the cat is on the mat']);
    expect(b.precisions[3]).toBeCloseTo(100 / 6, 12);
    expect(b.bp).toBe(1);
    expect(b.score).toBeCloseTo(100 * Math.pow(1 / 48, 0.25), 10);
  });
  it('halves the pseudo-count at each further order without matches', () => {
    // 1-grams a c e: 3/5 = 60; 2-grams 0/4 → 100/(2·4) = 12.5; 3-grams 0/3 → 100/(4·3); 4-grams 0/2 → 100/(8·2) = 6.25.
    const b = corpusBleu(['a b c d e'], ['a x c y e']);
    expect(b.precisions).toEqual([60, 12.5, 100 / 12, 6.25]);
    expect(b.score).toBeCloseTo(Math.pow(60 * 12.5 * (100 / 12) * 6.25, 0.25), 10);
  });
  it('applies the brevity penalty, and corpus BLEU is 0 without 3-grams while sentence BLEU uses the effective order', () => {
    // hyp 2 tokens, ref 6: bp = exp(1 − 6/2); 1- and 2-gram precision 100; no 3-grams at all.
    expect(corpusBleu(['the cat'], ['the cat sat on the mat']).score).toBe(0);
    const s = sentenceBleu('the cat', 'the cat sat on the mat');
    expect(s.bp).toBeCloseTo(Math.exp(-2), 12);
    expect(s.score).toBeCloseTo(100 * Math.exp(-2), 10);
  });
  it('sums statistics over the corpus before scoring', () => {
    // [5,3,1,0]/[6,5,4,3] + [2,1,0,0]/[2,1,0,0]; lengths 8 vs 12.
    const b = corpusBleu(['the cat sat on the mat', 'the cat'], ['the cat is on the mat', 'the cat sat on the mat']);
    expect(b.counts).toEqual([7, 4, 1, 0]);
    expect(b.totals).toEqual([8, 6, 4, 3]);
    const expected = Math.exp(1 - 12 / 8) * Math.pow(87.5 * (400 / 6) * 25 * (100 / 6), 0.25);
    expect(b.score).toBeCloseTo(expected, 10);
  });
  it('scores 0 with no matches and 100 for an exact long match', () => {
    expect(corpusBleu(['x y z w'], ['a b c d']).score).toBe(0);
    expect(corpusBleu(['one two three four five'], ['one two three four five']).score).toBeCloseTo(100, 10);
    expect(corpusBleu([''], ['a b']).score).toBe(0);
  });
  it('tokenises Chinese targets per character with zh', () => {
    // 13a would see one token per sentence; zh sees 4 characters: 我 爱 北 京 vs 我 爱 上 海.
    const b = computeBleu(segmentStats('我爱北京', '我爱上海', { tokenize: 'zh' }), { effectiveOrder: true });
    // 1-grams 2/4, 2-grams 1/3 ("我 爱"), 3-grams 0/2 → 100/(2·2) = 25; 4-grams 0/1 → 100/(4·1) = 25.
    expect(b.precisions).toEqual([50, 100 / 3, 25, 25]);
    expect(b.score).toBeCloseTo(Math.pow(50 * (100 / 3) * 25 * 25, 0.25), 10);
  });
});

describe('chrF (β = 2, character 6-grams)', () => {
  it('averages precision and recall over the orders both sides have', () => {
    // hyp "ab", ref "abc": order 1 P 2/2 R 2/3; order 2 P 1/1 R 1/2; order 3 hyp has none.
    // P = 1, R = 7/12, F2 = 5·P·R / (4P + R) = 7/11.
    expect(chrfStats('ab', 'abc').slice(0, 9)).toEqual([2, 3, 2, 1, 2, 1, 0, 1, 0]);
    expect(sentenceChrf('ab', 'abc')).toBeCloseTo((100 * 7) / 11, 10);
  });
  it('ignores whitespace and scores identical text 100, disjoint text 0', () => {
    expect(sentenceChrf('a b', 'ab')).toBeCloseTo(100, 12);
    expect(sentenceChrf('xyz', 'abc')).toBe(0);
  });
  it('does not count hypothesis n-grams of an order the reference lacks, then sums over the corpus', () => {
    // "abcd" vs "ab": order 3 hyp count forced to 0 (ref has no 3-grams). "xyz" vs "xyzw".
    // Sum: o1 (7,6,5), o2 (5,4,3), o3 (1,2,1), o4 (0,1,0).
    const p = (5 / 7 + 3 / 5 + 1) / 3;
    const r = (5 / 6 + 3 / 4 + 1 / 2) / 3;
    expect(corpusChrf(['abcd', 'xyz'], ['ab', 'xyzw'])).toBeCloseTo((100 * 5 * p * r) / (4 * p + r), 10);
  });
});

describe('SQuAD EM and F1 (official definitions)', () => {
  it('normalises case, punctuation, articles and whitespace', () => {
    expect(normalizeAnswer('The  Quick, brown fox!')).toBe('quick brown fox');
    expect(normalizeAnswer('theater a-b')).toBe('theater ab');
    expect(normalizeAnswer('An apple')).toBe('apple');
    // Article boundaries are Unicode-aware: the "a" in "éa" is part of a word.
    expect(normalizeAnswer('café a éa')).toBe('café éa');
  });
  it('exact match after normalisation', () => {
    expect(exactMatch('an apple', 'Apple.')).toBe(1);
    expect(exactMatch('apple', 'apples')).toBe(0);
  });
  it('F1 over token multisets', () => {
    expect(f1Score('the cat sat', 'cat sat down')).toBeCloseTo(0.8, 12);
    expect(f1Score('x y y', 'y y y')).toBeCloseTo(2 / 3, 12);
    expect(f1Score('x', 'y')).toBe(0);
  });
  it('takes the best gold answer, and only an empty prediction answers an unanswerable question', () => {
    expect(scoreQa(['Denver Broncos', 'Broncos'], 'the Broncos')).toEqual({ em: 1, f1: 1 });
    expect(scoreQa([], '')).toEqual({ em: 1, f1: 1 });
    expect(scoreQa([], 'something')).toEqual({ em: 0, f1: 0 });
    // Gold answers that normalise to nothing count as no answer.
    expect(scoreQa(['the'], '')).toEqual({ em: 1, f1: 1 });
  });
});

describe('run statistics (paper protocol)', () => {
  it('mean, population σ and 1.96σ/√runs', () => {
    const xs = [0.2, 0.3, 0.25, 0.25];
    expect(mean(xs)).toBeCloseTo(0.25, 15);
    // σ² = (0.05² + 0.05² + 0 + 0) / 4 = 0.00125
    expect(populationStd(xs)).toBeCloseTo(Math.sqrt(0.00125), 15);
    expect(ci95(xs)).toBeCloseTo((1.96 * Math.sqrt(0.00125)) / 2, 15);
    expect(summarizeRuns([0.5, 0.5])).toEqual({ mean: 0.5, std: 0, ci95: 0, runs: [0.5, 0.5] });
  });
});
