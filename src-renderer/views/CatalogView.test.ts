// @vitest-environment happy-dom
// Catalog: Export offers "Hugging Face folder" (not for merges) and Import registers one; both send requests the
// contract accepts.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../../src-shared/contract';
import { setTransport } from '../api';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeModel, makeProject } from '../testing/fakes';
import CatalogView from './CatalogView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  transport = new FakeTransport();
  setTransport(transport);
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [makeModel({ id: 'a', name: 'en-ru', kind: 'trained' }), makeModel({ id: 'm', name: 'both', kind: 'merge' })];
  transport.on('models.export', () => ({ folder: '/exports/en-ru' }));
  transport.on('models.import', (p) => makeModel({ id: 'i', name: (p as { name: string }).name, kind: 'trained', depth: 4 }));
});

const row = (w: ReturnType<typeof mount>, name: string) => w.findAll('[data-testid="model-row"]').find((r) => r.attributes('data-model-name') === name)!;

describe('CatalogView', () => {
  it('exports a model as a Hugging Face folder, and offers no such export for a merge', async () => {
    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    await row(w, 'both').get('[data-testid="model-export"]').trigger('click');
    const hfForMerge = row(w, 'both').get('[data-testid="model-export-format"] option[value="hf"]').element as HTMLOptionElement;
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
});
