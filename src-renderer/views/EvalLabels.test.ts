// @vitest-environment happy-dom
// Issue 28 items 3 and 5: every number carries the protocol that produced it (a SQuAD v2 run reads as SQuAD v2
// in the History, the Catalog and the Protocol filter, never as a bare "loglik"), and a perplexity names the
// limit it used (tokens, as the form now says) wherever it is shown.
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EvalResult } from '../../src-shared/domain';
import { setTransport } from '../api';
import { useDatasetsStore } from '../stores/datasets';
import { useEvalsStore } from '../stores/evals';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeDataset, makeModel, makeProject } from '../testing/fakes';
import CatalogView from './CatalogView.vue';
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
    runId: `r${seq}`,
    task: 'mc',
    protocol: 'loglik',
    datasetName: 'arc',
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

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  setTransport(new FakeTransport());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [makeModel({ id: 'a', name: 'uk-expert' })];
  useDatasetsStore().list = [makeDataset({ id: 'd1', name: 'uk held-out', split: 'val' })];
  useEvalsStore().list = [
    result({ task: 'mc', datasetName: 'arc', metrics: { acc: 0.31 } }),
    result({ task: 'qa', datasetName: 'squad-uk', metrics: { f1: 0.12, exact: 0.05 } }),
    result({ task: 'ppl', datasetName: 'uk held-out', metrics: { ppl: 41.2 }, n: 2000, limit: 2000 }),
    result({ task: 'ppl', datasetName: 'uk held-out', metrics: { ppl: 37.9 }, n: 9100 }),
  ];
});

const mountEval = (): VueWrapper => mount(EvaluateView, { global: { plugins: [pinia] }, attachTo: document.body });

describe('protocol labels (item 3)', () => {
  it('History names the SQuAD v2 protocol, and the filter offers each protocol by its name', async () => {
    const w = mountEval();
    const labels = w.findAll('[data-testid="eval-protocol-label"]').map((x) => x.text());
    expect(labels).toContain('SQuAD v2 official (greedy)');
    expect(labels).toContain('loglik (harness)');
    expect(labels).not.toContain('loglik');
    const options = w.findAll('[data-testid="eval-filter-protocol"] option').map((o) => o.text());
    expect(options).toEqual(['all', 'loglik (harness)', 'loglik (rolling windows)', 'SQuAD v2 official (greedy)']);
    await w.get('[data-testid="eval-filter-protocol"]').setValue('SQuAD v2 official (greedy)');
    expect(w.findAll('[data-testid="matrix-column"]').map((c) => c.attributes('data-task'))).toEqual(['qa']);
    w.unmount();
  });

  it('the Catalog names the protocol beside each score', () => {
    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    const chips = w.findAll('[data-testid="model-score-protocol"]').map((x) => x.text());
    expect(chips).toEqual([
      'loglik (harness)',
      'SQuAD v2 official (greedy)',
      'loglik (rolling windows)',
      'loglik (rolling windows)',
    ]);
    w.unmount();
  });
});

describe('perplexity limits (item 5)', () => {
  it('the form names the unit: tokens for perplexity, items otherwise', async () => {
    const w = mountEval();
    await w.get('[data-testid="eval-task"]').setValue('mc');
    expect(w.get('[data-testid="eval-limit-unit"]').text()).toBe('scores the first N items of the file');
    await w.get('[data-testid="eval-task"]').setValue('ppl');
    expect(w.get('[data-testid="eval-limit"]').element.closest('label')!.textContent).toMatch(
      /^Token limit \(optional\)/,
    );
    expect(w.get('[data-testid="eval-limit-unit"]').text()).toBe('scores the first N tokens of the text');
    w.unmount();
  });

  it('the two perplexities stay apart, each with its limit, in Evaluate and the Catalog', () => {
    const w = mountEval();
    const ppl = w.findAll('[data-testid="matrix-column"]').filter((c) => c.attributes('data-task') === 'ppl');
    expect(ppl).toHaveLength(2);
    expect(w.findAll('[data-testid="matrix-limit"]').map((x) => x.text())).toEqual(['first 2,000 tokens']);
    expect(w.findAll('[data-testid="eval-limit-label"]').map((x) => x.text())).toEqual(['first 2,000 tokens']);
    w.unmount();
    const c = mount(CatalogView, { global: { plugins: [pinia] } });
    const scores = c.findAll('[data-testid="model-score"]').map((x) => x.text());
    expect(scores.find((s) => s.includes('41.2'))).toMatch(/\(first 2,000 tokens\)/);
    expect(scores.find((s) => s.includes('37.9'))).not.toMatch(/first/);
    c.unmount();
  });
});
