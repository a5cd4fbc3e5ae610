// @vitest-environment happy-dom
// Merge: experts 'merge.check' calls incompatible are disabled with the reason; the preview's result shows
// as a loss table and coloured tokens; saving sends a request the contract accepts; the head-tuning form sends
// 'merge.tune' and shows the zero-shot and tuned held-out loss of the finished run.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useDatasetsStore } from '../stores/datasets';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { useRunsStore } from '../stores/runs';
import {
  FakeTransport,
  makeDataset,
  makeMergePreviewRun,
  makeMergeTuneRun,
  makeModel,
  makeProject,
} from '../testing/fakes';
import { freshApp } from '../testing/setup';
import MergeView from './MergeView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useDatasetsStore().list = [makeDataset({ id: 'v1', name: 'ru.val', split: 'val' })];
  useModelsStore().list = [
    makeModel({ id: 'a', name: 'en-ru', kind: 'trained' }),
    makeModel({ id: 'b', name: 'en-zh', kind: 'trained' }),
    makeModel({ id: 'c', name: 'odd', kind: 'trained', substrateId: 's2' }),
  ];
  transport.on('merge.check', () => ({
    compatible: false,
    reason: 'odd uses substrate s2, not s1',
    incompatible: { c: 'substrate differs: s2 vs s1' },
  }));
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

  it('renders a finished preview, colours tokens by the stated rule and saves the merge for the previewed experts', async () => {
    const runs = useRunsStore();
    const preview = makeMergePreviewRun({
      id: 'mp',
      status: 'done',
      params: { expertIds: ['a', 'b'], datasetIds: ['v1'], sampleText: 'Привет' },
      result: {
        rows: [
          { model: 'en-ru', data: 'ru.val', loss: 2.1 },
          { model: 'en-zh', data: 'ru.val', loss: 3.4 },
          { model: 'merge', data: 'ru.val', loss: 2.3 },
        ],
        tokens: [
          { text: 'ри', probs: [0.024, 0] },
          { text: 'вет', probs: [0.2, 0.6] },
        ],
      },
    });
    transport.on('runs.list', () => [preview]);
    transport.on('merge.check', () => ({ compatible: true, reason: null, incompatible: {} }));
    await runs.load('p1');
    transport.on('merge.save', (p) =>
      makeModel({ id: 'm', kind: 'merge', name: (p as { name: string }).name, experts: ['a', 'b'] }),
    );
    const w = mount(MergeView, { global: { plugins: [pinia] } });
    await flushPromises();
    const table = w.get('[data-testid="merge-loss-table"]');
    expect(table.findAll('th').map((t) => t.text())).toEqual(['Dataset', 'en-ru', 'en-zh', 'merge']);
    expect(table.get('td.best').text()).toBe('2.1000');
    const toks = w.findAll('[data-testid="merge-tokens"] .tok');
    expect(toks.map((t) => t.text())).toEqual(['ри', 'вет']);
    expect(w.get('[data-testid="merge-tokens"]').text()).toBe('Привет');
    expect(w.get('[data-testid="merge-token-rule"]').text()).toContain('more probability');
    // ru 2.4 %, zh 0 %: the RU expert, all of the share; 0.2 vs 0.6: the ZH expert, 75 %.
    expect(toks.map((t) => [t.attributes('data-credited'), t.attributes('data-share')])).toEqual([
      ['0', '1.0000'],
      ['1', '0.7500'],
    ]);
    expect(toks[0]!.attributes('title')).toBe('“ри”: en-ru 2.4%, en-zh 0.0% → en-ru, share 100.0%');

    // The empty form took the previewed experts, so the preview and the checkboxes agree and Save works at once.
    expect((w.get('[data-testid="merge-expert-en-ru"]').element as HTMLInputElement).checked).toBe(true);
    expect((w.get('[data-testid="merge-expert-en-zh"]').element as HTMLInputElement).checked).toBe(true);
    expect(w.find('[data-testid="merge-preview-stale"]').exists()).toBe(false);
    await w.get('[data-testid="merge-name"]').setValue('en-ru+en-zh');
    await w.get('form.save').trigger('submit');
    await flushPromises();
    const save = transport.calls.find((c) => c.channel === 'merge.save')!;
    expect(save.payload).toEqual({ name: 'en-ru+en-zh', expertIds: ['a', 'b'], mode: 'logits' });
    expect(useModelsStore().list.some((m) => m.name === 'en-ru+en-zh')).toBe(true);

    // Unchecking one says the preview was for other experts, and Save is refused with the reason.
    await w.get('[data-testid="merge-expert-en-zh"]').setValue(false);
    await flushPromises();
    expect(w.get('[data-testid="merge-preview-stale"]').text()).toContain('en-ru + en-zh');
    await w.get('[data-testid="merge-name"]').setValue('again');
    await w.get('form.save').trigger('submit');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'merge.save')).toHaveLength(1);
    expect(w.text()).toContain('Pick at least two compatible experts.');
  });

  it('keeps the form across navigation and per project', async () => {
    transport.on('merge.check', () => ({ compatible: true, reason: null, incompatible: {} }));
    const first = mount(MergeView, { global: { plugins: [pinia] } });
    await flushPromises();
    await first.get('[data-testid="merge-expert-en-ru"]').setValue(true);
    await first.get('[data-testid="merge-expert-en-zh"]').setValue(true);
    await first.get('[data-testid="merge-mode"]').setValue('probs');
    await first.get('[data-testid="merge-sample"]').setValue('Привет');
    first.unmount();
    const again = mount(MergeView, { global: { plugins: [pinia] } });
    await flushPromises();
    const checked = () =>
      ['en-ru', 'en-zh', 'odd'].filter(
        (n) => (again.get(`[data-testid="merge-expert-${n}"]`).element as HTMLInputElement).checked,
      );
    expect(checked()).toEqual(['en-ru', 'en-zh']);
    expect((again.get('[data-testid="merge-mode"]').element as HTMLSelectElement).value).toBe('probs');
    expect((again.get('[data-testid="merge-sample"]').element as HTMLTextAreaElement).value).toBe('Привет');
    // Another project has its own (empty) form; coming back restores this one.
    useProjectsStore().list = [makeProject(), makeProject({ id: 'p2', name: 'other' })];
    useProjectsStore().currentId = 'p2';
    await flushPromises();
    expect(checked()).toEqual([]);
    useProjectsStore().currentId = 'p1';
    await flushPromises();
    expect(checked()).toEqual(['en-ru', 'en-zh']);
  });

  it('tunes a saved merge: validates the steps, sends merge.tune and shows zero-shot vs tuned loss', async () => {
    useDatasetsStore().list = [
      makeDataset({ id: 't1', name: 'ru.train', split: 'train' }),
      makeDataset({ id: 'v1', name: 'ru.val', split: 'val' }),
    ];
    useModelsStore().list.push(makeModel({ id: 'm', name: 'ru+zh', kind: 'merge', experts: ['a', 'b'] }));
    const done = makeMergeTuneRun({
      id: 'mt',
      status: 'done',
      result: { zeroShotLoss: 3.94, tunedLoss: 3.09, steps: 40, data: 'ru.train, ru.val', losses: [4, 3.5] },
    });
    transport.on('merge.tune', () => ({ runId: 'mt' }));
    transport.on('runs.get', () => done);
    const w = mount(MergeView, { global: { plugins: [pinia] } });
    await flushPromises();
    const form = w.get('[data-testid="merge-tune"]');
    expect((form.get('[data-testid="merge-tune-merge"]').element as HTMLSelectElement).value).toBe('m');
    expect((form.get('[data-testid="merge-tune-dataset-ru.train"]').element as HTMLInputElement).checked).toBe(true);
    expect(form.find('[data-testid="merge-tune-result"]').exists()).toBe(false);

    await form.get('[data-testid="merge-tune-steps"]').setValue('0');
    await form.trigger('submit');
    await flushPromises();
    expect(transport.calls.some((c) => c.channel === 'merge.tune')).toBe(false);
    expect(form.find('.field-error').exists()).toBe(true);

    await form.get('[data-testid="merge-tune-steps"]').setValue('40');
    await form.get('[data-testid="merge-tune-dataset-ru.val"]').setValue(true);
    await form.trigger('submit');
    await flushPromises();
    expect(transport.calls.find((c) => c.channel === 'merge.tune')!.payload).toEqual({
      mergeId: 'm',
      datasetIds: ['t1', 'v1'],
      steps: 40,
    });
    const cells = w
      .get('[data-testid="merge-tune-result"]')
      .findAll('td')
      .map((t) => t.text());
    expect(cells).toEqual(['ru.train, ru.val · 40 steps', '3.9400', '3.0900']);
  });
});
