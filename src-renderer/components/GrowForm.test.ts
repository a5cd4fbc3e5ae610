// @vitest-environment happy-dom
// The growth form validates with the contract's GrowParams before sending, shows errors at the fields,
// and sends a request the main side will accept.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { GrowParams } from '../../src-shared/contract';
import { useDatasetsStore } from '../stores/datasets';
import { useProjectsStore } from '../stores/projects';
import { useSubstratesStore } from '../stores/substrates';
import { FakeContractError, FakeTransport, makeDataset, makeProject, makeRun, makeSubstrate } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import GrowForm from './GrowForm.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useDatasetsStore().list = [
    makeDataset(),
    makeDataset({ id: 'd2', name: 'en-zh.train', language: 'en+zh' }),
    makeDataset({ id: 'd3', name: 'en-ru.val', split: 'val' }),
  ];
  useSubstratesStore().list = [makeSubstrate()];
});

const sent = (channel: string) => transport.calls.filter((c) => c.channel === channel);

describe('GrowForm', () => {
  it('refuses to send without a name or data and says which fields are wrong', async () => {
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel !== 'runs.planGrow')).toHaveLength(0);
    expect(w.text()).toContain('Pick at least one training dataset.');
    expect(w.get('[data-testid="grow-name"]').attributes('aria-invalid')).toBe('true');
    expect(w.find('[data-testid="grow-form-invalid"]').exists()).toBe(true);
  });

  it('flags a width that does not split into the heads', async () => {
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await w.get('[data-testid="grow-dmodel"]').setValue('65');
    await w.get('[data-testid="grow-name"]').setValue('x');
    await w.get('[data-testid="grow-dataset-en-ru.train"]').setValue(true);
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.text()).toContain('must divide evenly into heads');
    expect(transport.calls.filter((c) => c.channel !== 'runs.planGrow')).toHaveLength(0);
  });

  it('sends a valid tiny two-stage growth with the project substrate and validation sets', async () => {
    transport.on('runs.startGrow', () => ({ runId: 'r9' }));
    transport.on('runs.get', () => makeRun({ id: 'r9', status: 'queued' }));
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await w.get('[data-testid="grow-preset-tiny"]').trigger('click');
    await w.get('[data-testid="grow-name"]').setValue('en-ru');
    await w.get('[data-testid="grow-dataset-en-ru.train"]').setValue(true);
    await w.get('form').trigger('submit');
    await flushPromises();
    const [call] = sent('runs.startGrow');
    expect(call).toBeDefined();
    const parsed = GrowParams.parse(call!.payload);
    expect(parsed).toMatchObject({
      projectId: 'p1',
      name: 'en-ru',
      datasetIds: ['d1'],
      valDatasetIds: ['d3'],
      substrateId: 's1',
      stages: 2,
    });
    expect(parsed.shape.dModel).toBe(64);
    expect(w.emitted('started')).toEqual([['r9']]);
  });

  it("shows the main side's error where the action was taken", async () => {
    transport.on('runs.startGrow', () => {
      throw new FakeContractError({
        code: 'user-error',
        message: 'substrate s1 is 64-d but dModel is 128',
        field: null,
      });
    });
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await w.get('[data-testid="grow-name"]').setValue('en-ru');
    await w.get('[data-testid="grow-dataset-en-ru.train"]').setValue(true);
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid="grow-start-error"]').text()).toContain('substrate s1 is 64-d but dModel is 128');
  });
});
