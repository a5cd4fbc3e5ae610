// Metrics: bulk appends, range and downsampled reads, NaN, re-logged steps and the streaming buffer.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricBuffer } from './metric-buffer';
import { fakeClock, seed, tempDir } from './test-utils';
import { Workspace } from './workspace';

let tmp: ReturnType<typeof tempDir>;
let ws: Workspace;
let runId: string;
beforeEach(() => {
  tmp = tempDir();
  ws = Workspace.open(tmp.dir, { now: fakeClock() });
  const { project } = seed(ws);
  runId = ws.runs.create({ projectId: project.id, kind: 'train' }).id;
});
afterEach(() => {
  ws.close();
  tmp.cleanup();
});

const loss = (s: number) => 5 * Math.exp(-s / 2000) + (s === 5000 ? 3 : 0);

describe('metrics', () => {
  it('appends 10,000 points in one batch and reads ranges back in step order', () => {
    const points = [];
    for (let s = 0; s < 5000; s++)
      points.push(
        { runId, name: 'train/loss', step: s, value: loss(s), t: 1000 + s },
        { runId, name: 'lr', step: s, value: 1e-3 },
      );
    expect(ws.metrics.append(points)).toBe(10_000);
    expect(ws.metrics.count(runId)).toBe(10_000);
    expect(ws.metrics.count(runId, 'lr')).toBe(5000);
    expect(ws.metrics.names(runId)).toEqual(['lr', 'train/loss']);
    const r = ws.metrics.range(runId, 'train/loss', { fromStep: 100, toStep: 199 });
    expect(r).toHaveLength(100);
    expect(r[0]).toEqual({ step: 100, value: loss(100), t: 1100 });
    expect(r.map((p) => p.step)).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
    expect(ws.metrics.range(runId, 'train/loss', { afterStep: 4990 }).map((p) => p.step)).toEqual([
      4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999,
    ]);
    expect(ws.metrics.range(runId, 'train/loss', { limit: 3 }).map((p) => p.step)).toEqual([0, 1, 2]);
    expect(ws.metrics.latest(runId)).toMatchObject({ 'train/loss': { step: 4999 }, lr: { step: 4999, value: 1e-3 } });
    expect(Object.keys(ws.metrics.series(runId))).toEqual(['lr', 'train/loss']);
  });

  it('downsamples for charts but keeps a loss spike', () => {
    const points = Array.from({ length: 10_000 }, (_, s) => ({ runId, name: 'loss', step: s, value: loss(s) }));
    ws.metrics.append(points);
    const d = ws.metrics.range(runId, 'loss', { maxPoints: 200 });
    expect(d.length).toBeLessThanOrEqual(200);
    expect(d.length).toBeGreaterThan(100);
    expect(d.some((p) => p.step === 5000)).toBe(true);
    expect(d.map((p) => p.step)).toEqual([...d.map((p) => p.step)].sort((a, b) => a - b));
    expect(ws.metrics.range(runId, 'loss', { maxPoints: 20_000 })).toHaveLength(10_000);
  });

  it('keeps NaN and infinities, and a re-logged step replaces the old point', () => {
    ws.metrics.append([
      { runId, name: 'loss', step: 1, value: Number.NaN },
      { runId, name: 'loss', step: 2, value: Number.POSITIVE_INFINITY },
      { runId, name: 'loss', step: 3, value: 1 },
    ]);
    const r = ws.metrics.range(runId, 'loss');
    expect(r[0]!.value).toBeNaN();
    expect(r[1]!.value).toBe(Number.POSITIVE_INFINITY);
    ws.metrics.append([{ runId, name: 'loss', step: 3, value: 0.5 }]);
    expect(ws.metrics.range(runId, 'loss', { fromStep: 3 })).toMatchObject([{ step: 3, value: 0.5 }]);
    // Resuming from a checkpoint at step 1 drops what came after.
    expect(ws.metrics.deleteAfter(runId, 1)).toBe(2);
    expect(ws.metrics.count(runId)).toBe(1);
  });

  it('rejects a batch with a bad point or an unknown run, writing none of it', () => {
    expect(() =>
      ws.metrics.append([
        { runId, name: 'loss', step: 1, value: 1 },
        { runId, name: 'loss', step: 1.5, value: 1 },
      ]),
    ).toThrow(/step an integer/);
    expect(() =>
      ws.metrics.append([
        { runId, name: 'loss', step: 1, value: 1 },
        { runId: 'run_nope', name: 'loss', step: 2, value: 1 },
      ]),
    ).toThrow(/unknown run/);
    expect(ws.metrics.count(runId)).toBe(0);
  });

  it('buffers a stream of points and writes them in batches', () => {
    const buf = new MetricBuffer(ws.metrics, { maxRows: 1000, maxDelayMs: 60_000 });
    for (let s = 0; s < 10_000; s++) buf.push({ runId, name: 'loss', step: s, value: loss(s) });
    // 10 full batches went out on their own; nothing is left waiting.
    expect(ws.metrics.count(runId)).toBe(10_000);
    buf.push([{ runId, name: 'acc', step: 0, value: 0.1 }]);
    expect(buf.size).toBe(1);
    expect(buf.close()).toBe(1);
    expect(ws.metrics.count(runId, 'acc')).toBe(1);
  });

  it('flushes a partial batch after the delay, and drops a batch that can never be written', async () => {
    const errors: unknown[] = [];
    const buf = new MetricBuffer(ws.metrics, { maxRows: 1000, maxDelayMs: 10, onError: (e) => errors.push(e) });
    buf.push({ runId, name: 'loss', step: 0, value: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(ws.metrics.count(runId)).toBe(1);
    buf.push({ runId: 'run_gone', name: 'loss', step: 0, value: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toHaveLength(1);
    expect(buf.size).toBe(0);
    buf.close();
  });
});
