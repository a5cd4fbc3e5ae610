// @vitest-environment happy-dom
// The Growth view follows a live run: stats, the layer stack and the loss chart all advance with the stream.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setTransport } from '../api';
import { useAppStore } from '../stores/app';
import { useProjectsStore } from '../stores/projects';
import { useRunsStore } from '../stores/runs';
import { FakeTransport, makeProject, makeRun } from '../testing/fakes';
import GrowthView from './GrowthView.vue';

vi.mock('../charts/echarts', () => ({ createChart: () => ({ setOption: () => undefined, resize: () => undefined, dispose: () => undefined }) }));

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  transport = new FakeTransport();
  setTransport(transport);
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
});

describe('GrowthView', () => {
  it('advances stats, tiers and the chart as metrics stream', async () => {
    const run = makeRun({ params: { name: 'en-ru', stages: 2, stepsPerStage: 10, batch: 8, shape: { context: 32 } } });
    transport.on('runs.list', () => [run]);
    transport.on('runs.metrics', () => []);
    await useRunsStore().load('p1');
    useAppStore().bindEvents();
    const w = mount(GrowthView, { global: { plugins: [pinia] } });
    await flushPromises();
    const pts = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => [
      { step: from + i, name: 'train/loss', value: 4 - (from + i) * 0.01, t: (from + i) / 10 },
      { step: from + i, name: 'stage', value: from + i > 10 ? 2 : 1, t: (from + i) / 10 },
    ]).flat();
    transport.emit('run.metrics', { runId: 'r1', points: pts(1, 6) });
    await flushPromises();
    expect(w.get('[data-testid="loss-chart"]').attributes('data-points')).toBe('5');
    expect(w.text()).toContain('5 / 20');
    transport.emit('run.metrics', { runId: 'r1', points: pts(6, 15) });
    await flushPromises();
    expect(w.get('[data-testid="loss-chart"]').attributes('data-points')).toBe('14');
    expect(w.get('[data-testid="stat-stage"]').text()).toBe('2 / 2');
    expect(w.get('[data-testid="layer-tier-1"]').attributes('data-state')).toBe('frozen');
    expect(w.get('[data-testid="layer-tier-2"]').attributes('data-state')).toBe('training');
  });
});
