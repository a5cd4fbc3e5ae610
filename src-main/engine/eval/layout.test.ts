// Prompt layouts: each protocol asks in the given layout, records its name, and QA's taught no-answer word
// counts as abstaining; without a layout the paper's prompts (and result hashes) are unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import type { McItem, QaItem } from './data-types';
import type { McLayout, QaLayout, TranslationLayout } from './layout';
import { evalMcLoglik } from './mc-loglik';
import { evalQaPaper, evalQaSquad } from './qa';
import { boostedBigrams, CharTokenizer } from '../../../test/support/eval';
import { evalTranslation } from './translate';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:?!)\n'-#>");
const { bigram, disposeAll } = boostedBigrams(tok, 256);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
afterAll(disposeAll);

const qa = (id: string, answers: string[], impossible = false): QaItem => ({
  id,
  file: 'mem',
  line: 1,
  context: 'ctx',
  question: 'q?',
  answers,
  impossible,
});

describe('QA layouts', () => {
  // The layout ends its prompt with ">": after it this model says "no", then a line break.
  const layout: QaLayout = {
    name: 'arrow',
    template: '{context} {question} >',
    prompt: (it) => `${it.context} ${it.question} >`,
    noAnswer: 'no',
  };
  const answering = () =>
    bigram([
      ['>', 'n', 30],
      ['n', 'o', 30],
      ['o', '\n', 30],
      [':', 'x', 30],
      ['x', '\n', 30],
    ]);

  it('SQuAD EM/F1: the no-answer word is an abstention (right on unanswerable items, wrong elsewhere)', async () => {
    const model = answering();
    const items = [qa('a', [], true), qa('b', ['no']), qa('c', [], true)];
    const r = await evalQaSquad({ model, tokenizer: tok }, items, { layout });
    expect((r.items as { pred: string; said?: string }[]).map((x) => [x.pred, x.said])).toEqual([
      ['', 'no'],
      ['', 'no'],
      ['', 'no'],
    ]);
    expect(r.metrics['NoAns_exact']).toBe(100);
    expect(r.metrics['HasAns_exact']).toBe(0);
    expect(r.settings).toMatchObject({
      layout: 'arrow',
      prompt: '{context} {question} >',
      noAnswer: '"no" counts as no answer',
    });
    // The paper's prompt ends in ":", where this model says "x".
    const plain = await evalQaSquad({ model, tokenizer: tok }, items);
    expect((plain.items as { pred: string }[])[0]!.pred).toBe('x');
    expect(plain.settings['layout']).toBeUndefined();
  });

  it('paper protocol asks in the layout', async () => {
    const model = answering();
    const r = await evalQaPaper({ model, tokenizer: tok }, [qa('a', ['no']), qa('b', ['x'])], { layout, runs: 2 });
    // As many tokens as the answer has characters: "no" (2) and "n" (1).
    expect((r.items as { outputs: string[] }[]).map((x) => x.outputs)).toEqual([
      ['no', 'no'],
      ['n', 'n'],
    ]);
    expect(r.metrics['acc']).toBe(0.5);
    expect(r.settings['layout']).toBe('arrow');
  });
});

describe('multiple-choice and translation layouts', () => {
  const mc = (answer: number): McItem => ({
    id: 'm',
    file: 'mem',
    line: 1,
    question: 'q',
    choices: ['a', 'b', 'c', 'd'],
    labels: ['A', 'B', 'C', 'D'],
    answer,
    template: 'mmlu',
  });

  it("loglik scores the layout's continuations after the layout's prompt", async () => {
    const layout: McLayout = {
      name: 'letters',
      template: '{question} #',
      prompt: (it) => `${it.question} #`,
      choice: (it, k) => it.labels[k]!,
    };
    const model = bigram([
      ['#', ' ', 30],
      [' ', 'C', 5],
    ]);
    const r = await evalMcLoglik({ model, tokenizer: tok }, [mc(2), mc(0)], { layout });
    expect((r.items as { pred: number }[]).map((x) => x.pred)).toEqual([2, 2]);
    expect(r.metrics['acc']).toBe(0.5);
    expect(r.settings).toMatchObject({
      layout: 'letters',
      prompt: '{question} #',
      continuation: '" " + choice per layout',
    });
  });

  it('translation asks in the layout and records it', async () => {
    const layout: TranslationLayout = {
      name: 'tagged',
      template: 'EN: {src}\\nRU: ',
      prompt: (src) => `EN: ${src}\nRU> `,
    };
    const model = bigram([
      ['>', ' ', 30],
      [' ', 'x', 30],
      ['x', '\n', 30],
    ]);
    const r = await evalTranslation(
      { model, tokenizer: tok },
      [{ file: 'mem', line: 1, src: 'hi', ref: 'x' }],
      { src: 'en', tgt: 'ru' },
      { layout },
    );
    expect((r.items as { hyp: string }[])[0]!.hyp).toBe('x');
    expect(r.settings).toMatchObject({ layout: 'tagged', prompt: 'EN: {src}\\nRU: ' });
  });
});
