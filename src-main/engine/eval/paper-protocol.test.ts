// The paper's protocols as the author's benchmarking script defines them (expected prompts written by hand from
// reading its template functions), the harness's acc_norm by characters, and the per-item BLEU against sacreBLEU.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { requirePython } from '../../../test/helpers/python';
import { initBackend } from '../backend';
import type { BigramLM } from '../../../test/oracles/bigram';
import type { McItem, QaItem } from './data-types';
import { loadMcJsonl } from './load-mc-jsonl';
import { loadMmlu } from './load-mmlu';
import { accNormPrediction, evalMcLoglik, HARNESS_MMLU_LAYOUT } from './mc-loglik';
import { evalMcPaper, paperMcCorrect } from './mc-paper';
import { evalQaPaper } from './qa';
import { boostedBigrams, CharTokenizer } from '../../../test/support/eval';
import { evalTranslation, paperItemBleu } from './translate';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:?!)(\n'-+");
const { bigram, disposeAll } = boostedBigrams(tok, 512);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(disposeAll);

const dir = mkdtempSync(join(tmpdir(), 'espalier-paper-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const prompts = (r: { items: unknown[] }): string[] => (r.items as { prompt: string }[]).map((x) => x.prompt);

describe("the author's prompts, byte for byte", () => {
  const model = (): BigramLM => bigram([[':', ' ', 20]]);

  it('MMLU: options on one line, "A) …" separated by single spaces', async () => {
    const items = loadMmlu(file('astronomy_test.csv', 'What is 2+2?,3,4,five,6,B\n'));
    const r = await evalMcPaper({ model: model(), tokenizer: tok }, items, { runs: 1 });
    expect(prompts(r)).toEqual(['Question: What is 2+2?\nOptions: A) 3 B) 4 C) five D) 6\nAnswer:']);
  });

  it('ARC (numeric labels as in the data) and CommonsenseQA (five options): an "Options:" line, one option per line', async () => {
    const arc = JSON.stringify({
      question: 'Which is a gas?',
      choices: { text: ['ice', 'steam', 'rock', 'wood'], label: ['1', '2', '3', '4'] },
      answerKey: '2',
    });
    const csqa = JSON.stringify({
      question: 'Where is a pen kept?',
      choices: { text: ['desk', 'sea', 'sky', 'moon', 'sun'], label: ['A', 'B', 'C', 'D', 'E'] },
      answerKey: 'A',
    });
    const items = loadMcJsonl(file('mc.jsonl', `${arc}\n${csqa}\n`));
    const r = await evalMcPaper({ model: model(), tokenizer: tok }, items, { runs: 1 });
    expect(prompts(r)).toEqual([
      'Question: Which is a gas?\nOptions:\n1) ice\n2) steam\n3) rock\n4) wood\nAnswer:',
      'Question: Where is a pen kept?\nOptions:\nA) desk\nB) sea\nC) sky\nD) moon\nE) sun\nAnswer:',
    ]);
  });

  it('SQuAD: "Context: …\\nQuestion: …\\nAnswer:"', async () => {
    const item: QaItem = {
      id: 'q',
      file: 'mem',
      line: 1,
      context: 'Paris is in France.',
      question: 'Where is Paris?',
      answers: ['France'],
      impossible: false,
    };
    const r = await evalQaPaper({ model: model(), tokenizer: tok }, [item], { runs: 1 });
    expect(prompts(r)).toEqual(['Context: Paris is in France.\nQuestion: Where is Paris?\nAnswer:']);
  });

  it('OPUS: "Translate from English to Russian:\\n{src}\\nAnswer:" with the pair\'s language names', async () => {
    const items = [{ file: 'mem', line: 1, src: 'Good morning.', ref: 'x' }];
    const ru = await evalTranslation({ model: model(), tokenizer: tok }, items, { src: 'en', tgt: 'ru' }, { runs: 1 });
    const zh = await evalTranslation({ model: model(), tokenizer: tok }, items, { src: 'en', tgt: 'zh' }, { runs: 1 });
    expect([...prompts(ru), ...prompts(zh)]).toEqual([
      'Translate from English to Russian:\nGood morning.\nAnswer:',
      'Translate from English to Chinese:\nGood morning.\nAnswer:',
    ]);
  });
});

describe("the paper's scoring", () => {
  it('strips and upper-cases the continuation, then compares its first character', () => {
    expect(paperMcCorrect(' b', 'B')).toBe(true);
    expect(paperMcCorrect('\nb) two', 'B')).toBe(true);
    expect(paperMcCorrect(' c', 'B')).toBe(false);
    expect(paperMcCorrect('  ', 'B')).toBe(false);
  });

  it('a model that answers with a lower-case letter is counted correct', async () => {
    const model = bigram([
      [':', ' ', 30],
      [' ', 'c', 30],
    ]);
    const items = loadMmlu(file('lower_test.csv', 'q1,w,x,y,z,C\nq2,w,x,y,z,A\n'));
    const r = await evalMcPaper({ model, tokenizer: tok }, items, { runs: 2 });
    expect((r.items as { parsed: string[] }[])[0]!.parsed).toEqual(['C', 'C']);
    expect(r.metrics['acc']).toBe(0.5);
  });

  it('QA and BLEU report 10 sampled runs with mean ± 1.96σ/√10', async () => {
    // After ":" and after every x, y or space the model says "x", "y" or " " with equal odds: runs differ.
    const model = bigram(
      [':', 'x', 'y', ' '].flatMap((p): [string, string, number][] =>
        ['x', 'y', ' '].map((n): [string, string, number] => [p, n, 20]),
      ),
    );
    const qa: QaItem[] = Array.from({ length: 8 }, (_, i) => ({
      id: `q${i}`,
      file: 'mem',
      line: i + 1,
      context: 'c',
      question: 'q',
      answers: ['x'],
      impossible: false,
    }));
    const bleu = Array.from({ length: 6 }, (_, i) => ({
      file: 'mem',
      line: i + 1,
      src: 's',
      ref: i % 2 ? 'x y xx y x yy x' : 'y x y xy x y x',
    }));
    for (const r of [
      await evalQaPaper({ model, tokenizer: tok }, qa),
      await evalTranslation({ model, tokenizer: tok }, bleu, { src: 'en', tgt: 'ru' }),
    ]) {
      expect(r.runs).toBe(10);
      const runs = r.details!['runAccuracies'] ?? r.details!['runScores'];
      const xs = runs as number[];
      expect(xs).toHaveLength(10);
      const m = xs.reduce((a, b) => a + b, 0) / 10;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / 10);
      expect(sd).toBeGreaterThan(0);
      expect(r.ci95).toBeCloseTo((1.96 * sd) / Math.sqrt(10), 12);
      expect(r.metrics['ci95']).toBe(r.ci95);
    }
  });

  it('BLEU generates min(len(ref), 100) tokens and keeps the standard corpus BLEU/chrF apart', async () => {
    const model = bigram([
      [':', 'x', 30],
      ['x', 'x', 30],
    ]);
    const items = [
      { file: 'mem', line: 1, src: 'a', ref: 'xxx' },
      { file: 'mem', line: 2, src: 'b', ref: 'x'.repeat(130) },
    ];
    const r = await evalTranslation({ model, tokenizer: tok }, items, { src: 'en', tgt: 'ru' }, { runs: 1 });
    expect((r.items as { outputs: string[] }[]).map((x) => x.outputs[0]!.length)).toEqual([3, 100]);
    expect(r.metrics).toHaveProperty('corpus_bleu');
    expect(r.metrics).toHaveProperty('chrf');
    expect(String(r.settings['bleu'])).toContain('paper');
    expect(String(r.settings['corpus_bleu'])).toContain('standard');
  });
});

describe('lm-evaluation-harness acc_norm', () => {
  it('divides each summed log-likelihood by the choice length in characters, not bytes of " " + choice', () => {
    // Recorded per-choice log-likelihoods where characters and UTF-8 bytes of " " + choice disagree: by characters
    // "house" wins (−5/5 = −1 vs −3.3/3 = −1.1); by bytes "дом" would (−5/6 ≈ −0.83 vs −3.3/7 ≈ −0.47).
    const reference = (lls: number[], cs: string[]): number => {
      const norm = lls.map((v, k) => v / Array.from(cs[k]!).length);
      return norm.indexOf(Math.max(...norm));
    };
    const ru = ['house', 'дом'];
    expect(accNormPrediction([-5, -3.3], ru)).toBe(reference([-5, -3.3], ru));
    expect(accNormPrediction([-5, -3.3], ru)).toBe(0);
    // "cat" vs "大熊猫": 3 characters each, 4 vs 10 bytes with the space.
    const zh = ['cat', '大熊猫'];
    expect(accNormPrediction([-3, -3.5], zh)).toBe(reference([-3, -3.5], zh));
    expect(accNormPrediction([-3, -3.5], zh)).toBe(0);
  });

  it('records per choice the log-likelihood, characters and tokens; acc_norm recomputed from them agrees', async () => {
    const model = bigram([
      [' ', 'z', 2],
      ['y', 'y', 5],
    ]);
    const item: McItem = {
      id: 'i',
      file: 'mem',
      line: 1,
      question: 'q',
      choices: ['z', 'yyyy', 'zy'],
      labels: ['A', 'B', 'C'],
      answer: 1,
      template: 'lines',
    };
    const r = await evalMcLoglik({ model, tokenizer: tok }, [item]);
    const rec = (
      r.items as { prompt: string; logprobs: number[]; chars: number[]; tokens: number[]; predNorm: number }[]
    )[0]!;
    expect(rec.prompt).toBe('Question: q\nAnswer:');
    expect(rec.chars).toEqual([1, 4, 2]);
    expect(rec.tokens).toEqual([2, 5, 3]);
    const norm = rec.logprobs.map((v, k) => v / rec.chars[k]!);
    expect(rec.predNorm).toBe(norm.indexOf(Math.max(...norm)));
    expect(r.settings['layout']).toBe('cloze');
  });

  it('the mmlu layout shows lettered options and scores " A" … " D"', async () => {
    const item: McItem = {
      id: 'i',
      file: 'mem',
      line: 1,
      question: '  Why?  ',
      choices: ['p', 'q', 'r', 's'],
      labels: ['A', 'B', 'C', 'D'],
      answer: 2,
      template: 'mmlu',
    };
    expect(HARNESS_MMLU_LAYOUT.prompt(item)).toBe('Why?\nA. p\nB. q\nC. r\nD. s\nAnswer:');
    const model = bigram([[' ', 'C', 8]]);
    const r = await evalMcLoglik({ model, tokenizer: tok }, [item], { layout: HARNESS_MMLU_LAYOUT });
    const rec = (r.items as { choices: string[]; chars: number[]; pred: number }[])[0]!;
    expect(rec.choices).toEqual(['A', 'B', 'C', 'D']);
    expect(rec.chars).toEqual([1, 1, 1, 1]);
    expect(rec.pred).toBe(2);
    expect(r.settings['layout']).toBe('mmlu');
  });
});

describe("the paper's per-item BLEU equals sacreBLEU's corpus_bleu([h.upper()], [[r.upper()]])", () => {
  /** Russian and Chinese sentences from the demo world's text (test/helpers/fixtures). */
  function faqLines(lang: 'ru' | 'zh', n: number): string[] {
    return corpusText(`${lang}.txt`)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 20 && !/^[\d.]+ /.test(l))
      .slice(40, 40 + n);
  }

  it('on Russian and Chinese hypotheses (dropped and swapped words, changed case)', () => {
    const py = requirePython(['sacrebleu']);
    const refs = [...faqLines('ru', 12), ...faqLines('zh', 12)];
    const hyps = refs.map((r, i) => {
      const w = r.split(' ');
      if (i % 3 === 0) return w.slice(1).join(' ').toLowerCase();
      if (i % 3 === 1) return [...w.slice(Math.floor(w.length / 2)), ...w.slice(0, Math.floor(w.length / 2))].join(' ');
      return r.slice(0, Math.max(1, Math.floor(r.length * 0.7)));
    });
    const script =
      'import json,sys,sacrebleu\nd=json.load(sys.stdin)\nprint(json.dumps([sacrebleu.corpus_bleu([h.upper()],[[r.upper()]]).score for h,r in zip(d["h"],d["r"])]))';
    const out = spawnSync(py, ['-c', script], { input: JSON.stringify({ h: hyps, r: refs }), encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const expected = JSON.parse(out.stdout) as number[];
    const got = hyps.map((h, i) => paperItemBleu(h, refs[i]!));
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 9));
    expect(new Set(expected.map((x) => Math.round(x))).size).toBeGreaterThan(3);
  });
});
