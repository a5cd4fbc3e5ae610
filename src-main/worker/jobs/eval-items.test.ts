// The app's per-item view shows the exact prompt each protocol recorded, whatever the layout (not a template).
import { describe, expect, it } from 'vitest';
import type { McItem, PreparedData } from '../../engine/eval';
import { contractItems } from './eval-items';

const item: McItem = { id: 'x:1', file: 'x.csv', line: 1, question: 'Why?', choices: ['a', 'b', 'c', 'd'], labels: ['A', 'B', 'C', 'D'], answer: 1, template: 'mmlu' };
const prep: PreparedData = { path: 'x.csv', sha256: '0', data: { task: 'mc', items: [item] } };

describe('eval items for the app', () => {
  it('carry the recorded prompt of a loglik layout and of the paper protocol', () => {
    const harness = 'Why?\nA. a\nB. b\nC. c\nD. d\nAnswer:';
    const [ll] = contractItems(prep, 'loglik', [{ id: 'x:1', prompt: harness, pred: 1 }], 1);
    expect(ll).toMatchObject({ prompt: harness, output: 'b', expected: 'b', correct: true });
    const paper = 'Question: Why?\nOptions: A) a B) b C) c D) d\nAnswer:';
    const [pp] = contractItems(prep, 'paper', [{ id: 'x:1', prompt: paper, gold: 'B', outputs: [' b', ' c', ' B'], correct: 2 }], 3);
    expect(pp).toMatchObject({ prompt: paper, output: ' b |  c |  B', expected: 'B', correct: true });
  });
});
