// @vitest-environment happy-dom
// Issue 28 item 14: the language editor opens holding the languages the row shows (primary first), also for a
// detected mix and after the dataset was reloaded, so editing starts from the current value.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setTransport } from '../api';
import { FakeTransport, makeDataset } from '../testing/fakes';
import DatasetLanguage from './DatasetLanguage.vue';

beforeEach(() => {
  setActivePinia(createPinia());
  setTransport(new FakeTransport());
});

describe('DatasetLanguage', () => {
  it('opens with the current languages in the box', async () => {
    const d = makeDataset({
      languages: ['uk', 'de'],
      language: 'uk + de',
      languageShares: { uk: 0.7, de: 0.3 },
      languagesSetByUser: false,
    });
    const w = mount(DatasetLanguage, { props: { dataset: d }, attachTo: document.body });
    expect(w.get('[data-testid="dataset-language"]').text()).toBe('uk 70% + de 30%');
    await w.get('[data-testid="dataset-language-edit"]').trigger('click');
    await flushPromises();
    expect((w.get('[data-testid="dataset-language-input"]').element as HTMLInputElement).value).toBe('uk, de');
    w.unmount();
  });
});
