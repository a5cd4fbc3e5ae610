// @vitest-environment happy-dom
// The Growth view follows a live run: stats, the layer stack and the loss chart all advance with the stream;
// returning to it shows the running run; status texts stay whole; stages list their insertions; the log is fetched.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAppStore } from '../stores/app';
import { useProjectsStore } from '../stores/projects';
import { useRunsStore } from '../stores/runs';
import { FakeTransport, makeProject, makeRun } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import GrowthView from './GrowthView.vue';

vi.mock('../charts/echarts', () => ({
  createChart: () => ({ setOption: () => undefined, resize: () => undefined, dispose: () => undefined }),
}));

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshApp());
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
});

describe('GrowthView', () => {
  it('advances stats, tiers and the chart as metrics stream', async () => {
    const run = makeRun({ params: { name: 'en-ru', stages: 2, stepsPerStage: 10, batch: 8, shape: { context: 32 } } });
    transport.on('runs.list', () => [run]);
    transport.on('runs.metrics', () => []);
    transport.on('runs.logs', () => []);
    await useRunsStore().load('p1');
    useAppStore().bindEvents();
    const w = mount(GrowthView, { global: { plugins: [pinia] } });
    await flushPromises();
    const pts = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => [
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

  it('shows the running run on returning to the view, even after a queued one was started and picked', async () => {
    const running = makeRun({
      id: 'r1',
      status: 'running',
      createdAt: '2026-01-01T10:00:00.000Z',
      params: { name: 'first' },
    });
    const queued = makeRun({
      id: 'r2',
      status: 'queued',
      createdAt: '2026-01-01T11:00:00.000Z',
      params: { name: 'second' },
    });
    transport.on('runs.list', () => [running, queued]);
    transport.on('runs.metrics', () => []);
    transport.on('runs.logs', () => []);
    await useRunsStore().load('p1');
    const first = mount(GrowthView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(first.get('[data-testid="growth-run"]').attributes('data-run-id')).toBe('r1');
    await first.get('[data-testid="run-select"]').setValue('r2');
    await flushPromises();
    expect(first.get('[data-testid="growth-run"]').attributes('data-run-id')).toBe('r2');
    await first.get('[data-testid="xaxis-tokens"]').setValue(true);
    first.unmount();
    // Back from another view: the running run, with the chart settings as they were.
    const again = mount(GrowthView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(again.get('[data-testid="growth-run"]').attributes('data-run-id')).toBe('r1');
    expect((again.get('[data-testid="xaxis-tokens"]').element as HTMLInputElement).checked).toBe(true);
  });

  it('keeps status texts whole when paused, lists each stage with its insertion losses, and shows the stored log', async () => {
    const run = makeRun({
      status: 'paused',
      checkpointStep: 14,
      progress: { fraction: 0.7, message: 'paused at step 14' },
      params: { stages: 2, stepsPerStage: 10, batch: 8, shape: { context: 32 } },
    });
    const pts = Array.from({ length: 14 }, (_, i) => i + 1);
    transport.on('runs.list', () => [run]);
    transport.on('runs.metrics', () => [
      { name: 'train/loss', steps: pts, values: pts.map((s) => 5 - s * 0.01), t: pts.map((s) => s * 0.5) },
      { name: 'insert/loss_before', steps: [10], values: [4.9012], t: [5] },
      { name: 'insert/loss_after', steps: [10], values: [4.9015], t: [5] },
    ]);
    transport.on('runs.logs', () => [
      { seq: 1, t: '2026-01-01T10:00:00.000Z', line: 'stage 2/2: depth 2' },
      { seq: 2, t: '2026-01-01T10:00:01.000Z', line: 'paused at step 14' },
    ]);
    await useRunsStore().load('p1');
    const w = mount(GrowthView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="eta"]').text()).toBe('paused');
    expect(w.get('[data-testid="stat-step"]').text()).toBe('14 / 20');
    const text = w.get('[data-testid="growth-run"]').text();
    expect(text).not.toMatch(/\?|undefined|NaN|\d+\.00\b/);
    expect(w.get('[data-testid="growth-stage-2"] [data-testid="stage-insertion"]').text()).toBe(
      '4.9012 → 4.9015 (+0.0003)',
    );
    expect(w.findAll('tr[data-testid^="growth-stage-"]').map((r) => r.attributes('data-testid'))).toEqual([
      'growth-stage-1',
      'growth-stage-2',
    ]);
    expect(w.get('[data-testid="run-log"]').text()).toBe('stage 2/2: depth 2\npaused at step 14');
  });
});
