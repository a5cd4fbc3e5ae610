// @vitest-environment happy-dom
// Evaluate: the model × task table (protocol in each header, mean ± CI per cell, a cell opens its items), the
// filters, the QA report beside the official numbers, the form hint per task, and state kept across navigation.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseRequest } from '../../src-shared/contract';
import type { EvalResult } from '../../src-shared/domain';
import { useDatasetsStore } from '../stores/datasets';
import { useEvalsStore } from '../stores/evals';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeDataset, makeModel, makeProject } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import EvaluateView from './EvaluateView.vue';

vi.mock('../charts/echarts', () => ({
  createChart: () => ({ setOption: () => undefined, resize: () => undefined, dispose: () => undefined }),
}));

let seq = 0;
function result(p: Partial<EvalResult>): EvalResult {
  seq++;
  return {
    id: `ev${seq}`,
    modelId: 'a',
    runId: 'r1',
    task: 'mc',
    protocol: 'loglik',
    datasetName: 'multiple choice',
    datasetSha256: 'f'.repeat(64),
    n: 16,
    metrics: { acc: 0.25 },
    ci95: null,
    runs: 1,
    seed: 1,
    createdAt: `2026-12-04T10:00:${String(seq).padStart(2, '0')}.000Z`,
    ...p,
  };
}

const QA_REPORT: EvalResult['report'] = {
  inFile: 62,
  scored: 48,
  steps: [
    {
      step: 'unanswerable',
      effect: 'dropped',
      reason: 'unanswerable (the paper scores answerable questions only)',
      count: 11,
    },
    { step: 'long-answer', effect: 'dropped', reason: 'first gold answer longer than 8 characters', count: 3 },
  ],
  degenerate: {
    rule: 'degenerate = empty …',
    groups: [{ group: 'all', outputs: 480, degenerate: 120, byKind: { empty: 20, 'stop-words': 100, repetition: 0 } }],
  },
};

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject(), makeProject({ id: 'p2', name: 'Other' })];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [
    makeModel({ id: 'a', name: 'ru-grown' }),
    makeModel({ id: 'b', name: 'zh-expert' }),
    makeModel({ id: 'c', name: 'unevaluated' }),
  ];
  useDatasetsStore().list = [
    makeDataset({
      id: 'd1',
      name: 'multiple choice',
      split: 'test',
      kind: 'benchmark',
      benchmark: { task: 'mc', format: 'mmlu-csv', items: 8, pair: null },
    }),
    makeDataset({ id: 'd2', name: 'en-ru held-out', split: 'val' }),
  ];
  useEvalsStore().list = [
    result({
      modelId: 'a',
      metrics: { acc: 0.3125, acc_stderr: 0.1197 },
      report: { inFile: 16, scored: 16, steps: [], degenerate: null, chance: 0.25 },
    }),
    result({ modelId: 'b', metrics: { acc: 0.1875, acc_stderr: 0.1008 } }),
    result({
      modelId: 'a',
      task: 'qa',
      protocol: 'paper',
      datasetName: 'qa ru',
      n: 48,
      metrics: { acc: 0.0417, std: 0.02, eligible: 51, skipped: 11 },
      ci95: 0.0124,
      runs: 10,
      report: QA_REPORT,
    }),
  ];
  transport.on('evals.items', (p) => {
    const req = p as { view: string };
    return req.view === 'left-out'
      ? {
          total: 1,
          items: [
            {
              prompt: 'Где живёт Анна?',
              choices: [],
              output: '',
              expected: 'в Москве у реки',
              correct: false,
              reason: 'first gold answer longer than 8 characters',
              line: 40,
            },
          ],
        }
      : {
          total: 1,
          items: [
            {
              prompt: 'Context: …',
              choices: [],
              output: 'the the',
              expected: 'Анна',
              correct: false,
              degenerate: { flagged: 10, outputs: 10, kinds: ['stop-words'] },
            },
          ],
        };
  });
});

const mountView = (): VueWrapper => mount(EvaluateView, { global: { plugins: [pinia] }, attachTo: document.body });

describe('EvaluateView: the model × task table', () => {
  it('has one row per evaluated model and a column per task + dataset with its protocol; cells are mean ± 95% CI', () => {
    const w = mountView();
    expect(w.findAll('[data-testid="matrix-row"]').map((r) => r.attributes('data-model-name'))).toEqual([
      'ru-grown',
      'zh-expert',
    ]);
    const headers = w
      .findAll('[data-testid="matrix-column"]')
      .map((h) => [
        h.get('.col-task').text(),
        h.get('.col-data').text(),
        h.get('[data-testid="matrix-protocol"]').text(),
      ]);
    expect(headers).toEqual([
      ['multiple choice', 'multiple choice', 'loglik (harness)'],
      ['question answering', 'qa ru', 'paper (sampled runs)'],
    ]);
    const cells = w.findAll('[data-testid="matrix-row"]')[0]!.findAll('td');
    expect(cells[0]!.get('[data-testid="matrix-mean"]').text()).toBe('0.3125');
    expect(cells[0]!.get('[data-testid="matrix-ci"]').text()).toBe(`± ${(1.96 * 0.1197).toFixed(4)}`);
    expect(cells[1]!.get('[data-testid="matrix-ci"]').text()).toBe('± 0.0124');
    expect(cells[1]!.get('[data-testid="matrix-coverage"]').text()).toBe('48 of 62 items scored');
    expect(cells[1]!.get('[data-testid="matrix-flag"]').text()).toBe('120/480 outputs degenerate');
    // zh-expert has no QA result: an empty cell, not a zero.
    expect(w.findAll('[data-testid="matrix-row"]')[1]!.findAll('td')[1]!.text()).toBe('—');
    w.unmount();
  });

  it('a cell opens its items under the table, with the items left out and their reasons', async () => {
    const w = mountView();
    await w.findAll('[data-testid="matrix-row"]')[0]!.findAll('[data-testid="matrix-cell"]')[1]!.trigger('click');
    await flushPromises();
    const call = transport.calls.find((c) => c.channel === 'evals.items')!;
    expect(parseRequest('evals.items', call.payload).ok).toBe(true);
    const panel = w.get('[data-testid="eval-items"]');
    expect(panel.findAll('[data-testid="eval-report-step"]').map((x) => x.text())).toEqual([
      '11 unanswerable (the paper scores answerable questions only)',
      '3 first gold answer longer than 8 characters',
    ]);
    expect(panel.get('[data-testid="eval-report-counts"]').text()).toMatch(/^48 of 62 items scored\./);
    expect(panel.get('[data-testid="eval-report-degenerate"]').text()).toBe(
      'acc 0.0417 — 120/480 outputs degenerate (20 empty, 100 stop-words)',
    );
    expect(panel.get('[data-testid="eval-item-degenerate"]').text()).toBe('10/10 outputs degenerate: stop-words');
    await panel.get('[data-testid="eval-items-left-out"]').trigger('click');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'evals.items').at(-1)!.payload).toMatchObject({
      view: 'left-out',
      offset: 0,
    });
    expect(w.get('[data-testid="eval-item-reason"]').text()).toBe('first gold answer longer than 8 characters');
    w.unmount();
  });

  it('filters by model, task, protocol and dataset', async () => {
    const w = mountView();
    await w.get('[data-testid="eval-filter-task"]').setValue('qa');
    expect(w.findAll('[data-testid="matrix-column"]')).toHaveLength(1);
    expect(w.findAll('[data-testid="matrix-row"]').map((r) => r.attributes('data-model-name'))).toEqual(['ru-grown']);
    await w.get('[data-testid="eval-filter-clear"]').trigger('click');
    await w.get('[data-testid="eval-filter-model"]').setValue('b');
    expect(w.findAll('[data-testid="eval-result-row"]').map((r) => r.attributes('data-model-name'))).toEqual([
      'zh-expert',
    ]);
    await w.get('[data-testid="eval-filter-model"]').setValue('');
    await w.get('[data-testid="eval-filter-protocol"]').setValue('paper (sampled runs)');
    await w.get('[data-testid="eval-filter-dataset"]').setValue('multiple choice');
    expect(w.find('[data-testid="eval-filtered-empty"]').exists()).toBe(true);
    w.unmount();
  });
});

describe('EvaluateView: the form', () => {
  it('describes the chosen task, and offers only the protocols the task has', async () => {
    const w = mountView();
    expect(w.get('[data-testid="eval-hint"]').text()).toMatch(/each choice is scored by its log-likelihood/);
    await w.get('[data-testid="eval-task"]').setValue('ppl');
    expect(w.get('[data-testid="eval-hint"]').text()).toMatch(/^Perplexity/);
    expect(w.get('[data-testid="eval-hint"]').text()).not.toMatch(/choice/);
    expect(w.findAll('[data-testid="eval-protocol"] option').map((o) => o.attributes('value'))).toEqual([
      'loglik',
      'holdout',
    ]);
    await w.get('[data-testid="eval-task"]').setValue('qa');
    expect((w.get('[data-testid="eval-protocol"]').element as HTMLSelectElement).value).toBe('loglik');
    expect(w.get('[data-testid="eval-hint"]').text()).toMatch(/SQuAD v2/);
    w.unmount();
  });

  it('keeps its fields and the filters per project when the view is left and opened again', async () => {
    let w = mountView();
    await w.get('[data-testid="eval-model-zh-expert"]').setValue(true);
    // Perplexity reads text, so the held-out set is offered once the task is ppl.
    await w.get('[data-testid="eval-task"]').setValue('ppl');
    await w.get('[data-testid="eval-dataset"]').setValue('d2');
    await w.get('[data-testid="eval-limit"]').setValue('7');
    await w.get('[data-testid="eval-filter-task"]').setValue('mc');
    w.unmount();
    w = mountView();
    expect((w.get('[data-testid="eval-model-zh-expert"]').element as HTMLInputElement).checked).toBe(true);
    expect((w.get('[data-testid="eval-dataset"]').element as HTMLSelectElement).value).toBe('d2');
    expect((w.get('[data-testid="eval-task"]').element as HTMLSelectElement).value).toBe('ppl');
    expect((w.get('[data-testid="eval-limit"]').element as HTMLInputElement).value).toBe('7');
    expect((w.get('[data-testid="eval-filter-task"]').element as HTMLSelectElement).value).toBe('mc');
    // Another project has its own, fresh state.
    useProjectsStore().currentId = 'p2';
    await flushPromises();
    expect((w.get('[data-testid="eval-task"]').element as HTMLSelectElement).value).toBe('mc');
    useProjectsStore().currentId = 'p1';
    await flushPromises();
    expect((w.get('[data-testid="eval-task"]').element as HTMLSelectElement).value).toBe('ppl');
    w.unmount();
  });
});
