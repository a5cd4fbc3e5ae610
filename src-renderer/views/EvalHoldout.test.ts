// @vitest-environment happy-dom
// Issue 31 item 1 in the Evaluate view: perplexity offers the 'holdout' protocol (the model's recorded training
// hold-out), sends it as such, explains it, and History labels its results by it.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EvalResult } from '../../src-shared/domain';
import { setTransport } from '../api';
import { useDatasetsStore } from '../stores/datasets';
import { useEvalsStore } from '../stores/evals';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeDataset, makeModel, makeProject, makeRun } from '../testing/fakes';
import EvaluateView from './EvaluateView.vue';

vi.mock('../charts/echarts', () => ({
  createChart: () => ({ setOption: () => undefined, resize: () => undefined, dispose: () => undefined }),
}));

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  transport = new FakeTransport();
  setTransport(transport);
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [makeModel({ id: 'a', name: 'grown' })];
  useDatasetsStore().list = [makeDataset({ id: 'd1', name: 'corpus' })];
});

describe('Evaluate: the holdout protocol', () => {
  it('offers holdout for perplexity, explains it and sends it', async () => {
    transport.on('evals.start', () => ({ runId: 'r1' }));
    transport.on('runs.get', () => makeRun({ id: 'r1', status: 'queued' }));
    const w = mount(EvaluateView, { global: { plugins: [pinia] } });
    const view = useEvalsStore().viewFor('p1');
    view.form = { ...view.form, modelIds: ['a'], datasetId: 'd1', task: 'ppl' };
    await flushPromises();
    const options = w
      .get('[data-testid="eval-protocol"]')
      .findAll('option')
      .map((o) => o.element.value);
    expect(options).toEqual(['loglik', 'holdout']);
    await w.get('[data-testid="eval-protocol"]').setValue('holdout');
    expect(w.get('[data-testid="eval-hint"]').text()).toContain('recorded hold-out');
    await w.get('[data-testid="eval-form"]').trigger('submit');
    await flushPromises();
    const sent = transport.calls.find((c) => c.channel === 'evals.start');
    expect(sent?.payload).toMatchObject({ task: 'ppl', protocol: 'holdout', modelIds: ['a'], datasetId: 'd1' });
  });

  it('labels a holdout result by its protocol in History', async () => {
    const r: EvalResult = {
      id: 'ev1',
      modelId: 'a',
      runId: 'r1',
      task: 'ppl',
      protocol: 'holdout',
      datasetName: 'corpus',
      datasetSha256: 'f'.repeat(64),
      n: 57,
      metrics: { nll: 3.58, ppl: 35.9 },
      ci95: null,
      runs: 1,
      seed: 1,
      createdAt: '2026-12-08T01:00:00.000Z',
    };
    useEvalsStore().list = [r];
    const w = mount(EvaluateView, { global: { plugins: [pinia] } });
    await flushPromises();
    const row = w.get('[data-testid="eval-result-row"]');
    expect(row.attributes('data-protocol')).toBe('holdout');
    expect(row.get('[data-testid="eval-protocol-label"]').text()).toBe('holdout (training validation windows)');
  });
});
