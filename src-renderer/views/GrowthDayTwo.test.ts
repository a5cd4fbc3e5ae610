// @vitest-environment happy-dom
// Issue 28 item 10: the Growth view says where a validation loss comes from (the fixed hold-out when the run
// had no validation split, else the datasets by name), shows no tokens/s while a run is not training, and
// counts stages in words that agree; the form says what validates when no validation dataset is ticked.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import GrowForm from '../components/GrowForm.vue';
import { useDatasetsStore } from '../stores/datasets';
import { useProjectsStore } from '../stores/projects';
import { useRunsStore } from '../stores/runs';
import { useSubstratesStore } from '../stores/substrates';
import { FakeTransport, makeDataset, makeProject, makeRun, makeSubstrate } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import GrowthView from './GrowthView.vue';

vi.mock('../charts/echarts', () => ({
  createChart: () => ({ setOption: () => undefined, resize: () => undefined, dispose: () => undefined }),
}));

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useDatasetsStore().list = [
    makeDataset({ id: 'd1', name: 'uk.train' }),
    makeDataset({ id: 'd9', name: 'uk.val', split: 'val' }),
  ];
  useSubstratesStore().list = [makeSubstrate()];
  transport.on('runs.logs', () => []);
});

const tps = [{ name: 'tokens_per_s', steps: [1, 2, 3], values: [900, 1100, 1234], t: [1, 2, 3] }];

async function view(run: ReturnType<typeof makeRun>) {
  transport.on('runs.list', () => [run]);
  transport.on('runs.metrics', () => tps);
  await useRunsStore().load('p1');
  const w = mount(GrowthView, { global: { plugins: [pinia] } });
  await flushPromises();
  return w;
}

describe('Growth: validation source, paused tokens/s, stage counts', () => {
  it('names the fixed hold-out when the run had no validation split', async () => {
    const w = await view(makeRun({ status: 'running', params: { stages: 1, stepsPerStage: 1, valDatasetIds: [] } }));
    expect(w.get('[data-testid="val-source"]').text()).toMatch(/fixed hold-out — the last 10% of each training text/);
    expect(w.get('[data-testid="growth-plan"]').text()).toBe('1 stage × 1 step');
    expect(w.get('[data-testid="tokens-per-sec"]').text()).toBe('1234');
  });

  it('names the validation datasets, and shows no tokens/s while paused', async () => {
    const w = await view(makeRun({ status: 'paused', params: { valDatasetIds: ['d9'] } }));
    expect(w.get('[data-testid="val-source"]').text()).toBe('Validation: uk.val');
    expect(w.get('[data-testid="growth-plan"]').text()).toBe('3 stages × 100 steps');
    expect(w.get('[data-testid="tokens-per-sec"]').text()).toBe('—');
  });

  it('the form says the fixed hold-out validates when no validation dataset is ticked', async () => {
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await flushPromises();
    // The form ticks the validation sets it finds; unticking them all leaves the hold-out.
    for (const box of w.findAll('fieldset input[type="checkbox"][value="d9"]')) await box.setValue(false);
    expect(w.get('[data-testid="grow-val-source"]').text()).toMatch(
      /^Validation: no validation dataset, so the fixed hold-out/,
    );
  });
});
