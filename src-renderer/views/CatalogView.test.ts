// @vitest-environment happy-dom
// Catalog: Export offers "Hugging Face folder" (not for merges) and Import registers one; both send requests the
// contract accepts.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../../src-shared/contract';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeModel, makeProject } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import CatalogView from './CatalogView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [
    makeModel({ id: 'a', name: 'en-ru', kind: 'trained' }),
    makeModel({ id: 'm', name: 'both', kind: 'merge' }),
  ];
  transport.on('models.export', () => ({ folder: '/exports/en-ru' }));
  transport.on('models.import', (p) =>
    makeModel({ id: 'i', name: (p as { name: string }).name, kind: 'trained', depth: 4 }),
  );
});

const row = (w: ReturnType<typeof mount>, name: string) =>
  w.findAll('[data-testid="model-row"]').find((r) => r.attributes('data-model-name') === name)!;

describe('CatalogView', () => {
  it('exports a model as a Hugging Face folder, and offers no such export for a merge', async () => {
    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    await row(w, 'both').get('[data-testid="model-export"]').trigger('click');
    const hfForMerge = row(w, 'both').get('[data-testid="model-export-format"] option[value="hf"]')
      .element as HTMLOptionElement;
    expect(hfForMerge.disabled).toBe(true);
    await row(w, 'en-ru').get('[data-testid="model-export"]').trigger('click');
    await w.get('[data-testid="model-export-format"]').setValue('hf');
    await w.get('[data-testid="model-export-dest"]').setValue('/exports');
    await w.get('form.export').trigger('submit');
    await flushPromises();
    const call = transport.calls.find((c) => c.channel === 'models.export')!;
    expect(call.payload).toEqual({ id: 'a', dest: '/exports', format: 'hf' });
    expect(parseRequest('models.export', call.payload).ok).toBe(true);
  });

  it('imports a Hugging Face folder into the open project', async () => {
    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    await w.get('[data-testid="model-import"]').trigger('click');
    expect(w.get('[data-testid="model-import-format"]').text()).toBe('Hugging Face folder');
    await w.get('[data-testid="model-import-from"]').setValue('/cluster/afm-d4');
    await w.get('[data-testid="model-import-name"]').setValue('afm d4');
    await w.get('[data-testid="model-import-form"]').trigger('submit');
    await flushPromises();
    const call = transport.calls.find((c) => c.channel === 'models.import')!;
    expect(call.payload).toEqual({ projectId: 'p1', from: '/cluster/afm-d4', format: 'hf', name: 'afm d4' });
    expect(parseRequest('models.import', call.payload).ok).toBe(true);
    expect(w.findAll('[data-testid="model-row"]').map((r) => r.attributes('data-model-name'))).toContain('afm d4');
  });

  it("shows the paper's parameter breakdown (frozen blocks, substrate) where the model records it", () => {
    useModelsStore().list = [
      makeModel({
        id: 'a',
        name: 'en-ru',
        kind: 'trained',
        params: { total: 9000, trainable: 2000, frozen: 7000, frozenBlocks: 3000, frozenSubstrate: 4000 },
      }),
      makeModel({
        id: 'o',
        name: 'old',
        kind: 'trained',
        params: { total: 10, trainable: 5, frozen: 5, frozenBlocks: null, frozenSubstrate: null },
      }),
    ];
    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    expect(row(w, 'en-ru').get('[data-testid="catalog-params-split"]').text()).toBe(
      'frozen: blocks 3.0 k · substrate 4.0 k',
    );
    expect(row(w, 'old').find('[data-testid="catalog-params-split"]').exists()).toBe(false);
  });
});
