// The runs store: streamed 'run.metrics' batches land in columnar series (deduplicated, one trigger per
// batch), stored metrics merge with what streamed meanwhile, and 'run.updated' replaces the run.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { effect } from 'vue';
import { setTransport } from '../api';
import { FakeTransport, makeRun } from '../testing/fakes';
import { useAppStore } from './app';
import { MAX_STORED_POINTS, useRunsStore } from './runs';

let transport: FakeTransport;
beforeEach(() => {
  setActivePinia(createPinia());
  transport = new FakeTransport();
  setTransport(transport);
});

const pts = (from: number, to: number, name = 'train/loss') =>
  Array.from({ length: to - from }, (_, i) => ({
    step: from + i,
    name,
    value: 5 - (from + i) * 0.01,
    t: (from + i) * 0.1,
  }));

describe('runs store', () => {
  it('appends streamed metric events into columnar series', () => {
    const runs = useRunsStore();
    useAppStore().bindEvents();
    transport.emit('run.metrics', {
      runId: 'r1',
      points: [...pts(1, 4), { step: 2, name: 'val/loss', value: 4.5, t: 0.2 }],
    });
    transport.emit('run.metrics', { runId: 'r1', points: pts(4, 6) });
    const s = runs.seriesOf('r1').value;
    expect(s['train/loss']!.steps).toEqual([1, 2, 3, 4, 5]);
    expect(s['train/loss']!.values[0]).toBeCloseTo(4.99);
    expect(s['train/loss']!.t).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5]);
    expect(s['val/loss']).toEqual({ steps: [2], values: [4.5], t: [0.2] });
  });

  it('skips duplicates and triggers dependents once per batch', () => {
    const runs = useRunsStore();
    const ref = runs.seriesOf('r1');
    let runsOfEffect = 0;
    effect(() => {
      void ref.value;
      runsOfEffect++;
    });
    runs.appendMetrics('r1', pts(1, 100));
    runs.appendMetrics('r1', pts(50, 120));
    expect(ref.value['train/loss']!.steps.length).toBe(119);
    expect(runsOfEffect).toBe(3);
  });

  it('merges fetched history with points streamed while the fetch was in flight', async () => {
    const runs = useRunsStore();
    transport.on('runs.metrics', () => {
      runs.appendMetrics('r1', pts(10, 13));
      return [{ name: 'train/loss', steps: [1, 2, 10], values: [5, 4.9, 4.8], t: [0, 1, 2] }];
    });
    await runs.loadMetrics('r1');
    expect(runs.seriesOf('r1').value['train/loss']!.steps).toEqual([1, 2, 10, 11, 12]);
  });

  it('keeps a stored series bounded by compacting it', () => {
    const runs = useRunsStore();
    runs.appendMetrics('r1', pts(0, MAX_STORED_POINTS + 1));
    const s = runs.seriesOf('r1').value['train/loss']!;
    expect(s.steps.length).toBeLessThanOrEqual(MAX_STORED_POINTS / 2 + 2);
    expect(s.steps[0]).toBe(0);
    expect(s.steps.at(-1)).toBe(MAX_STORED_POINTS);
  });

  it('replaces a run on run.updated and lists the project runs newest first', async () => {
    const runs = useRunsStore();
    transport.on('runs.list', () => [
      makeRun({ id: 'a', createdAt: '2026-01-01T00:00:00Z' }),
      makeRun({ id: 'b', createdAt: '2026-02-01T00:00:00Z' }),
    ]);
    await runs.load('p1');
    useAppStore().bindEvents();
    transport.emit('run.updated', makeRun({ id: 'a', createdAt: '2026-01-01T00:00:00Z', status: 'paused' }));
    expect(runs.list.map((r) => `${r.id}:${r.status}`)).toEqual(['b:running', 'a:paused']);
  });
});
