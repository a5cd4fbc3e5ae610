// @vitest-environment happy-dom
// The layer-stack timeline draws one tier per stage with the right state for where the run is.
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { setTransport } from '../api';
import { useRunsStore } from '../stores/runs';
import { FakeTransport, makeRun, makeTrainRun } from '../testing/fakes';
import LayerStack from './LayerStack.vue';

let pinia: Pinia;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  setTransport(new FakeTransport());
});

function states(w: ReturnType<typeof mount>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const el of w.findAll('[data-testid^="layer-tier-"]'))
    out[el.attributes('data-testid')!] = el.attributes('data-state');
  return out;
}

describe('LayerStack', () => {
  it('draws one tier per stage: stage 1 training, the rest pending, at the start', () => {
    const w = mount(LayerStack, { props: { run: makeRun() }, global: { plugins: [pinia] } });
    expect(w.findAll('li.tier')).toHaveLength(3);
    expect(states(w)).toEqual({ 'layer-tier-3': 'pending', 'layer-tier-2': 'pending', 'layer-tier-1': 'training' });
    expect(w.get('[data-testid="layer-tier-1"]').classes()).toContain('tier-training');
    // drawn top-down: the newest tier first, the substrate last
    expect(w.findAll('li.tier')[0]!.attributes('data-testid')).toBe('layer-tier-3');
    expect(w.get('[data-testid="layer-substrate"]').text()).toBe('frozen substrate');
  });

  it('freezes tier 1 and trains tier 2 as the streamed stage metric advances', async () => {
    const runs = useRunsStore();
    const w = mount(LayerStack, {
      props: { run: makeRun(), substrateLabel: 'glyph 64-d' },
      global: { plugins: [pinia] },
    });
    runs.appendMetrics('r1', [{ step: 101, name: 'stage', value: 2, t: 3 }]);
    await nextTick();
    expect(states(w)).toEqual({ 'layer-tier-3': 'pending', 'layer-tier-2': 'training', 'layer-tier-1': 'frozen' });
    expect(w.get('[data-testid="layer-tier-1"]').classes()).toContain('tier-frozen');
    expect(w.get('[data-testid="layer-stack"]').attributes('data-stage')).toBe('2');
  });

  it('derives the stage from steps when no stage metric streams, and shows LoRA on frozen tiers', async () => {
    const runs = useRunsStore();
    const run = makeRun({
      params: { stages: 3, stepsPerStage: 100, blocksPerStage: 2, loraRank: 4, loraFromStage: 2 },
    });
    const w = mount(LayerStack, { props: { run }, global: { plugins: [pinia] } });
    runs.appendMetrics('r1', [{ step: 250, name: 'train/loss', value: 3, t: 9 }]);
    await nextTick();
    expect(states(w)).toEqual({ 'layer-tier-3': 'training', 'layer-tier-2': 'lora', 'layer-tier-1': 'lora' });
    expect(w.get('[data-testid="layer-tier-3"]').findAll('.block')).toHaveLength(2);
  });

  it('shows every tier frozen when done, paused and stopped states otherwise', async () => {
    const w = mount(LayerStack, {
      props: { run: makeRun({ status: 'done', progress: { fraction: 1, message: '' } }) },
      global: { plugins: [pinia] },
    });
    expect(Object.values(states(w))).toEqual(['frozen', 'frozen', 'frozen']);
    await w.setProps({ run: makeRun({ status: 'paused' }) });
    expect(states(w)['layer-tier-1']).toBe('paused');
    await w.setProps({ run: makeRun({ status: 'failed', error: 'worker died' }) });
    expect(states(w)['layer-tier-1']).toBe('stopped');
  });

  it('draws a monolithic training run as one tier of all its blocks', () => {
    const w = mount(LayerStack, {
      props: { run: makeTrainRun({ params: { layers: 4, steps: 100 } }) },
      global: { plugins: [pinia] },
    });
    expect(w.findAll('li.tier')).toHaveLength(1);
    expect(w.get('[data-testid="layer-tier-1"]').findAll('.block')).toHaveLength(4);
  });
});
