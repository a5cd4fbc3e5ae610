// @vitest-environment happy-dom
// Issue 28 item 11: deleting an expert that a merge uses says so, naming the merge, and offers nothing to
// confirm (the store would refuse); the question sits on its own line above its buttons.
import { mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useModelsStore } from '../stores/models';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeModel, makeProject } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import CatalogView from './CatalogView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  transport.on('models.delete', () => ({ freedBytes: 0, substrateFreed: false }));
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [
    makeModel({ id: 'a', name: 'de-expert', kind: 'trained' }),
    makeModel({ id: 'b', name: 'ja-expert', kind: 'trained' }),
    makeModel({ id: 'c', name: 'uk-expert', kind: 'trained' }),
    makeModel({ id: 'm', name: 'de+ja', kind: 'merge', experts: ['a', 'b'] }),
  ];
});

const row = (w: ReturnType<typeof mount>, name: string) =>
  w.findAll('[data-testid="model-row"]').find((r) => r.attributes('data-model-name') === name)!;

describe('Catalog: deleting an expert of a merge', () => {
  it('names the merge and offers no Delete that would be refused', async () => {
    const w = mount(CatalogView, { global: { plugins: [pinia] }, attachTo: document.body });
    await row(w, 'de-expert').get('[data-testid="model-delete"]').trigger('click');
    const r = row(w, 'de-expert');
    expect(r.get('[data-testid="confirm-question"]').text()).toBe(
      'de-expert is an expert of the merge “de+ja”: delete that merge first, then de-expert.',
    );
    expect(r.find('[data-testid="confirm-accept"]').exists()).toBe(false);
    expect(r.get('[data-testid="confirm-cancel"]').text()).toBe('Close');
    expect(document.activeElement).toBe(r.get('[data-testid="confirm-cancel"]').element);
    await r.get('[data-testid="confirm-cancel"]').trigger('click');
    expect(transport.calls.filter((c) => c.channel === 'models.delete')).toHaveLength(0);
    w.unmount();
  });

  it('asks as before for a model no merge uses, and deletes it', async () => {
    const w = mount(CatalogView, { global: { plugins: [pinia] } });
    await row(w, 'uk-expert').get('[data-testid="model-delete"]').trigger('click');
    expect(row(w, 'uk-expert').get('[data-testid="confirm-question"]').text()).toMatch(
      /^Delete uk-expert and its weights/,
    );
    await row(w, 'uk-expert').get('[data-testid="confirm-accept"]').trigger('click');
    expect(transport.calls.filter((c) => c.channel === 'models.delete').map((c) => c.payload)).toEqual([{ id: 'c' }]);
    w.unmount();
  });
});
