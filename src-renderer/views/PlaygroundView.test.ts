// @vitest-environment happy-dom
// Issue 28 item 6: the Playground generates every slot at once (one request each, interleaved on the main side),
// and each slot has its own Stop: stopping one leaves the other running to its end.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRequest } from '../../src-shared/contract';
import { useModelsStore } from '../stores/models';
import { usePlaygroundStore } from '../stores/playground';
import { useProjectsStore } from '../stores/projects';
import { FakeTransport, makeModel, makeProject } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import PlaygroundView from './PlaygroundView.vue';

type Req = { modelIds: string[]; requestId: string };
let pinia: Pinia;
let transport: FakeTransport;
let pending: Map<string, (stopped: boolean) => void>;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  pending = new Map();
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useModelsStore().list = [makeModel({ id: 'de', name: 'de-expert' }), makeModel({ id: 'ja', name: 'ja-expert' })];
  // Each request answers when the test says: stopped (partial) or finished.
  transport.on('playground.generate', (p) => {
    const req = p as Req;
    const modelId = req.modelIds[0]!;
    return new Promise((resolve) =>
      pending.set(req.requestId, (stopped) =>
        resolve({
          outputs: [
            {
              modelId,
              text: stopped ? ' Guten' : ' 今日は良い天気です',
              tokensPerSec: 50,
              tokens: stopped ? 2 : 9,
              stopped,
            },
          ],
        }),
      ),
    );
  });
  transport.on('playground.cancel', (p) => {
    pending.get((p as { requestId: string }).requestId)?.(true);
    return { stopped: true };
  });
});

describe('Playground: side by side, one Stop per slot', () => {
  it('starts both slots at once and stops one while the other finishes', async () => {
    const pg = usePlaygroundStore();
    pg.slots = ['de', 'ja', null];
    const w = mount(PlaygroundView, { global: { plugins: [pinia] } });
    await w.get('[data-testid="pg-prompt"]').setValue('Heute');
    await w.get('[data-testid="playground-form"]').trigger('submit');
    await flushPromises();
    const gens = transport.calls.filter((c) => c.channel === 'playground.generate');
    expect(gens.map((c) => (c.payload as Req).modelIds)).toEqual([['de'], ['ja']]);
    for (const g of gens) expect(parseRequest('playground.generate', g.payload).ok).toBe(true);
    expect(w.find('[data-testid="pg-stop-0"]').exists()).toBe(true);
    expect(w.find('[data-testid="pg-stop-1"]').exists()).toBe(true);

    await w.get('[data-testid="pg-stop-0"]').trigger('click');
    await flushPromises();
    const cancels = transport.calls.filter((c) => c.channel === 'playground.cancel');
    expect(cancels.map((c) => c.payload)).toEqual([{ requestId: (gens[0]!.payload as Req).requestId }]);
    expect(w.get('[data-testid="pg-stopped-0"]').text()).toMatch(/partial output/);
    // The other slot is still generating, with its Stop, and the form still says so.
    expect(w.find('[data-testid="pg-stop-1"]').exists()).toBe(true);
    expect(w.get('[data-testid="pg-generate"]').attributes('disabled')).toBeDefined();

    pending.get((gens[1]!.payload as Req).requestId)!(false);
    await flushPromises();
    expect(w.get('[data-testid="pg-output-1"]').text()).toContain('今日は良い天気です');
    expect(w.find('[data-testid="pg-stopped-1"]').exists()).toBe(false);
    expect(w.get('[data-testid="pg-generate"]').attributes('disabled')).toBeUndefined();
    w.unmount();
  });
});
