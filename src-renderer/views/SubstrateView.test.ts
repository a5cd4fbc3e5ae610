// @vitest-environment happy-dom
// Issue 28 item 9: the Substrate form has a vocabulary step (the training texts it is built from, each can be left
// out), explains "n-gram tokens" and "Collisions", and in browser mode uploads the font instead of a dead "Choose…".
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../../src-shared/contract';
import { useDatasetsStore } from '../stores/datasets';
import { useProjectsStore } from '../stores/projects';
import { useSubstratesStore } from '../stores/substrates';
import { useSystemStore } from '../stores/system';
import { FakeTransport, makeDataset, makeProject, makeSubstrate } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import SubstrateView from './SubstrateView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  transport.on('system.installables', () => ({
    font: { found: '/usr/share/unifont/unifont.hex', version: '15.0.01', folder: '/tmp/fonts' },
    backends: [],
    running: null,
  }));
  transport.on('substrates.build', () => ({ runId: 'r5' }));
  transport.on('runs.get', () => null);
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useDatasetsStore().list = [
    makeDataset({ id: 'd1', name: 'deutsch.train', language: 'de' }),
    makeDataset({ id: 'd2', name: 'english.train', language: 'en' }),
  ];
  useSubstratesStore().list = [makeSubstrate()];
});

describe('SubstrateView', () => {
  it('builds the vocabulary from the ticked training texts and explains its columns', async () => {
    const w = mount(SubstrateView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="substrate-ngrams-help"]').text()).toMatch(/most frequent character sequences/);
    expect(w.get('[data-testid="substrate-columns-help"]').text()).toMatch(
      /Collisions: tokens whose vector is the same as another token's/,
    );
    await w.get('[data-testid="substrate-vocab-english.train"]').setValue(false);
    await w.get('[data-testid="substrate-kind-random"]').setValue(true);
    await w.get('[data-testid="substrate-form"]').trigger('submit');
    await flushPromises();
    const call = transport.calls.find((c) => c.channel === 'substrates.build')!;
    expect(call.payload).toMatchObject({ kind: 'random', vocabularyDatasetIds: ['d1'] });
    expect(parseRequest('substrates.build', call.payload).ok).toBe(true);
  });

  it('offers a font upload in browser mode and sends its bytes', async () => {
    useSystemStore().connection = { ...useSystemStore().connection, mode: 'browser' };
    const w = mount(SubstrateView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.find('[data-testid="substrate-font-choose"]').exists()).toBe(false);
    const input = w.get('[data-testid="substrate-font-upload"]');
    Object.defineProperty(input.element, 'files', {
      value: [new File(['0041:0000000018242442427E424242420000\n'], 'mini.hex')],
      configurable: true,
    });
    await input.trigger('change');
    await w.get('[data-testid="substrate-form"]').trigger('submit');
    await flushPromises();
    const call = transport.calls.find((c) => c.channel === 'substrates.build')!;
    const up = (call.payload as { fontUpload: { fileName: string; base64: string } }).fontUpload;
    expect(up.fileName).toBe('mini.hex');
    expect(Buffer.from(up.base64, 'base64').toString()).toMatch(/^0041:/);
    expect((call.payload as { vocabularyDatasetIds?: string[] }).vocabularyDatasetIds).toBeUndefined();
  });
});
