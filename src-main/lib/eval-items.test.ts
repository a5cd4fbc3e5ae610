// The app's per-item view shows the exact prompt each protocol recorded, whatever the layout (not a template).
import { describe, expect, it } from 'vitest';
import type { McItem, PreparedData } from '../engine/eval';
import { contractItems, evalReport, leftOutItems } from './eval-items';

const item: McItem = {
  id: 'x:1',
  file: 'x.csv',
  line: 1,
  question: 'Why?',
  choices: ['a', 'b', 'c', 'd'],
  labels: ['A', 'B', 'C', 'D'],
  answer: 1,
  template: 'mmlu',
};
const prep: PreparedData = { path: 'x.csv', sha256: '0', data: { task: 'mc', items: [item] } };

describe('eval items for the app', () => {
  it('carry the recorded prompt of a loglik layout and of the paper protocol', () => {
    const harness = 'Why?\nA. a\nB. b\nC. c\nD. d\nAnswer:';
    const [ll] = contractItems(prep, 'loglik', [{ id: 'x:1', prompt: harness, pred: 1 }], 1);
    expect(ll).toMatchObject({ prompt: harness, output: 'b', expected: 'b', correct: true });
    const paper = 'Question: Why?\nOptions: A) a B) b C) c D) d\nAnswer:';
    const [pp] = contractItems(
      prep,
      'paper',
      [{ id: 'x:1', prompt: paper, gold: 'B', outputs: [' b', ' c', ' B'], correct: 2 }],
      3,
    );
    expect(pp).toMatchObject({ prompt: paper, output: ' b |  c |  B', expected: 'B', correct: true });
  });
});

describe('QA items left out, and the report', () => {
  const qa = (id: string, line: number, answers: string[], impossible = false) => ({
    id,
    file: 'qa.json',
    line,
    context: 'Anna lives in Moscow.',
    question: `Question ${id}?`,
    answers,
    impossible,
  });
  const items = [qa('q1', 5, ['Moscow']), qa('q2', 9, [], true), qa('q3', 13, ['in the city of Moscow'])];
  const qprep: PreparedData = { path: 'qa.json', sha256: '0', data: { task: 'qa', items } };
  const accounting = {
    inFile: 3,
    scored: 1,
    steps: [
      {
        step: 'unanswerable' as const,
        effect: 'dropped' as const,
        reason: 'unanswerable',
        items: [{ id: 'q2', line: 9 }],
      },
      {
        step: 'long-answer' as const,
        effect: 'dropped' as const,
        reason: 'first gold answer longer than 8 characters',
        items: [{ id: 'q3', line: 13 }],
      },
    ],
  };

  it('lists each left-out item with its question, answer, reason and line; the report counts them', () => {
    expect(leftOutItems(qprep, { accounting })).toEqual([
      {
        prompt: 'Question q2?',
        choices: [],
        output: '',
        expected: '(unanswerable)',
        correct: false,
        reason: 'unanswerable',
        line: 9,
      },
      {
        prompt: 'Question q3?',
        choices: [],
        output: '',
        expected: 'in the city of Moscow',
        correct: false,
        reason: 'first gold answer longer than 8 characters',
        line: 13,
      },
    ]);
    const degenerate = {
      rule: 'r',
      groups: [{ group: 'all', outputs: 2, degenerate: 1, byKind: { empty: 0, 'stop-words': 1, repetition: 0 } }],
    };
    expect(evalReport({ accounting, degenerate, n: 1 })).toEqual({
      inFile: 3,
      scored: 1,
      steps: [
        { step: 'unanswerable', effect: 'dropped', reason: 'unanswerable', count: 1 },
        { step: 'long-answer', effect: 'dropped', reason: 'first gold answer longer than 8 characters', count: 1 },
      ],
      degenerate,
    });
    expect(evalReport({ n: 16, chance: 0.25 })).toEqual({
      inFile: 16,
      scored: 16,
      steps: [],
      degenerate: null,
      chance: 0.25,
    });
    expect(evalReport({ n: 16 })).toBeNull();
  });

  it("carries each scored item's degenerate flags (paper: per run; SQuAD: the one output)", () => {
    const [paper] = contractItems(
      qprep,
      'paper',
      [
        {
          id: 'q1',
          prompt: 'p',
          answer: 'Moscow',
          outputs: ['the', 'Moscow'],
          correct: 1,
          degenerate: ['stop-words', null],
        },
      ],
      2,
    );
    expect(paper!.degenerate).toEqual({ flagged: 1, outputs: 2, kinds: ['stop-words'] });
    const [squad] = contractItems(
      qprep,
      'squad',
      [{ id: 'q2', prompt: 'p', pred: '', said: 'the the the', em: 1, degenerate: 'stop-words' }],
      1,
    );
    expect(squad).toMatchObject({
      output: 'the the the',
      expected: '(unanswerable)',
      correct: true,
      degenerate: { flagged: 1, outputs: 1, kinds: ['stop-words'] },
    });
  });
});
