// @vitest-environment happy-dom
// Issue 28 item 2: choosing a .json file offers the JSON format with its records' text fields, and the import
// sends the format and field the form shows (the chosen format wins; it used to send none and be refused).
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../../src-shared/contract';
import { jsonDocFields } from '../helpers/sniff';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeProject, makeRun } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import DatasetsView from './DatasetsView.vue';

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  transport.on('datasets.import', () => ({ runId: 'r9' }));
  transport.on('runs.get', () => makeRun({ id: 'r9' }));
});

const POEMS = JSON.stringify({ data: [{ id: 1, title: 'Erlkönig', body: 'Wer reitet so spät' }] });

async function pick(w: ReturnType<typeof mount>, name: string, body: string): Promise<void> {
  const input = w.get('[data-testid="dataset-file-input"]');
  Object.defineProperty(input.element, 'files', {
    value: [new File([body], name, { type: 'application/json' })],
    configurable: true,
  });
  await input.trigger('change');
  await flushPromises();
}

describe('Datasets: a .json file', () => {
  it('is offered as JSON with its text fields, and imported with the chosen format and field', async () => {
    const w = mount(DatasetsView, { global: { plugins: [pinia] } });
    await pick(w, 'gedichte.json', POEMS);
    expect((w.get('[data-testid="dataset-format"]').element as HTMLSelectElement).value).toBe('json');
    expect(w.findAll('[data-testid="dataset-field"] option').map((o) => o.text())).toEqual(['title', 'body']);
    await w.get('[data-testid="dataset-field"]').setValue('body');
    await w.get('form').trigger('submit');
    await flushPromises();
    const call = transport.calls.find((c) => c.channel === 'datasets.import')!;
    expect(call.payload).toMatchObject({ format: 'json', field: 'body' });
    expect(parseRequest('datasets.import', call.payload).ok).toBe(true);
  });

  it('reads field names from the head of a large document too', () => {
    expect(jsonDocFields('[{"lang": "uk", "text": "Добрий ранок", "n": 1}, {"lang": "uk", "te')).toEqual([
      'lang',
      'text',
    ]);
  });
});
