// @vitest-environment happy-dom
// Merge: experts 'merge.check' calls incompatible are disabled with the reason; the preview's result shows
// as a loss table and coloured tokens; saving sends a request the contract accepts.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setTransport } from '../api';
import { useDatasetsStore } from '../stores/datasets';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { useRunsStore } from '../stores/runs';
import { FakeTransport, makeDataset, makeMergePreviewRun, makeModel, makeProject } from '../testing/fakes';
import MergeView from './MergeView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  transport = new FakeTransport();
  setTransport(transport);
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useDatasetsStore().list = [makeDataset({ id: 'v1', name: 'ru.val', split: 'val' })];
  useModelsStore().list = [
    makeModel({ id: 'a', name: 'en-ru', kind: 'trained' }),
    makeModel({ id: 'b', name: 'en-zh', kind: 'trained' }),
    makeModel({ id: 'c', name: 'odd', kind: 'trained', substrateId: 's2' }),
  ];
  transport.on('merge.check', () => ({ compatible: false, reason: 'odd uses substrate s2, not s1', incompatible: { c: 'substrate differs: s2 vs s1' } }));
});

describe('MergeView', () => {
  it('disables an incompatible expert and shows why', async () => {
    const w = mount(MergeView, { global: { plugins: [pinia] } });
    await flushPromises();
    await w.get('[data-testid="merge-expert-en-ru"]').setValue(true);
    await flushPromises();
    const check = transport.calls.filter((c) => c.channel === 'merge.check').at(-1)!;
    expect(check.payload).toEqual({ expertIds: ['a', 'b', 'c'] });
    expect((w.get('[data-testid="merge-expert-odd"]').element as HTMLInputElement).disabled).toBe(true);
    expect((w.get('[data-testid="merge-expert-en-zh"]').element as HTMLInputElement).disabled).toBe(false);
    expect(w.get('[data-testid="merge-expert-reason"]').text()).toBe('substrate differs: s2 vs s1');
  });

  it('renders a finished preview and saves the merge', async () => {
    const runs = useRunsStore();
    const preview = makeMergePreviewRun({
        id: 'mp',
        status: 'done',
        params: { expertIds: ['a', 'b'] },
        result: {
          rows: [
            { model: 'en-ru', data: 'ru.val', loss: 2.1 },
            { model: 'en-zh', data: 'ru.val', loss: 3.4 },
            { model: 'merge', data: 'ru.val', loss: 2.3 },
          ],
          tokens: [
            { text: 'При', probs: [0.6, 0.1], followed: 0 },
            { text: 'вет', probs: [0.5, 0.2], followed: 0 },
          ],
        },
      });
    transport.on('runs.list', () => [preview]);
    await runs.load('p1');
    transport.on('merge.save', (p) => makeModel({ id: 'm', kind: 'merge', name: (p as { name: string }).name, experts: ['a', 'b'] }));
    const w = mount(MergeView, { global: { plugins: [pinia] } });
    await flushPromises();
    const table = w.get('[data-testid="merge-loss-table"]');
    expect(table.findAll('th').map((t) => t.text())).toEqual(['Dataset', 'en-ru', 'en-zh', 'merge']);
    expect(table.get('td.best').text()).toBe('2.1000');
    expect(w.findAll('[data-testid="merge-tokens"] .tok').map((t) => t.text())).toEqual(['При', 'вет']);

    await w.get('form.save').trigger('submit');
    await flushPromises();
    expect(transport.calls.some((c) => c.channel === 'merge.save')).toBe(false);
    expect(w.text()).toContain('Pick at least two compatible experts.');

    transport.on('merge.check', () => ({ compatible: true, reason: null, incompatible: {} }));
    await w.get('[data-testid="merge-expert-en-ru"]').setValue(true);
    await w.get('[data-testid="merge-expert-en-zh"]').setValue(true);
    await w.get('[data-testid="merge-name"]').setValue('en-ru+en-zh');
    await w.get('form.save').trigger('submit');
    await flushPromises();
    const save = transport.calls.find((c) => c.channel === 'merge.save')!;
    expect(save.payload).toEqual({ name: 'en-ru+en-zh', expertIds: ['a', 'b'], mode: 'logits' });
    expect(useModelsStore().list.some((m) => m.name === 'en-ru+en-zh')).toBe(true);
  });
});
