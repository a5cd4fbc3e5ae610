// The runs service as the supervisor's sink, without worker processes: metric events are coalesced (the spacing
// is tested in throttle.test.ts) while every point reaches the database; statuses persist and emit 'run.updated'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrainParams } from '../../src-shared/params';
import { Workspace } from '../store/index';
import { EventBus } from './events';
import { RunsService } from './runs';

let dir: string;
let ws: Workspace;
let bus: EventBus;
let runs: RunsService;
let events: { channel: string; payload: unknown; at: number }[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-runs-'));
  ws = Workspace.open(dir);
  bus = new EventBus();
  events = [];
  bus.on((channel, payload) => events.push({ channel, payload, at: Date.now() }));
  runs = new RunsService(ws, bus, { log: () => undefined });
});
afterEach(() => {
  runs.flush();
  ws.close();
  rmSync(dir, { recursive: true, force: true });
});

function runningRun(): string {
  const p = ws.projects.create({ name: `p${Math.random()}` });
  const params = {
    ...TrainParams.parse({ projectId: p.id, name: 't', datasetIds: ['d'], substrateId: 's' }),
    modelId: 'm',
  };
  const r = ws.runs.create({ projectId: p.id, kind: 'train', params });
  runs.status(r.id, 'running', {});
  return r.id;
}

describe('metric throttling', () => {
  it('delivers a burst of 3,000 points in at most ~10 events per second, and stores all of them', async () => {
    const id = runningRun();
    const t0 = Date.now();
    let step = 0;
    // 100 messages of 30 points over ~1 s: what a fast training loop sends.
    for (let m = 0; m < 100; m++) {
      runs.metrics(
        id,
        Array.from({ length: 30 }, () => ({
          step: ++step,
          name: 'train/loss',
          value: 1 / step,
          t: (Date.now() - t0) / 1000,
        })),
      );
      await new Promise((r) => setTimeout(r, 10));
    }
    runs.status(id, 'done', { result: null });
    const metricEvents = events.filter((e) => e.channel === 'run.metrics');
    // The ≥ 100 ms spacing itself is asserted exactly, on a fake clock, in throttle.test.ts; here, with real
    // timers, the 100 messages must arrive coalesced into far fewer events.
    expect(metricEvents.length).toBeLessThan(100);
    const delivered = metricEvents.flatMap((e) =>
      (e.payload as { points: { step: number }[] }).points.map((p) => p.step),
    );
    expect(delivered).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(ws.metrics.count(id, 'train/loss')).toBe(3000);
    // Once the run has ended nothing more is accepted for it.
    runs.metrics(id, [{ step: 3001, name: 'train/loss', value: 0, t: 0 }]);
    runs.flush();
    expect(ws.metrics.count(id, 'train/loss')).toBe(3000);
  });

  it('throttles each run separately', async () => {
    const a = runningRun();
    const b = runningRun();
    for (let i = 1; i <= 20; i++) {
      runs.metrics(a, [{ step: i, name: 'lr', value: i, t: 0 }]);
      runs.metrics(b, [{ step: i, name: 'lr', value: i, t: 0 }]);
    }
    await new Promise((r) => setTimeout(r, 150));
    const per = (id: string) =>
      events.filter((e) => e.channel === 'run.metrics' && (e.payload as { runId: string }).runId === id).length;
    // Leading edge at once, the rest in one trailing batch.
    expect(per(a)).toBe(2);
    expect(per(b)).toBe(2);
  });

  it('coalesces progress and persists statuses with run.updated events', async () => {
    const id = runningRun();
    for (let i = 0; i <= 100; i++) runs.progress(id, i / 100, `step ${i}`);
    await new Promise((r) => setTimeout(r, 300));
    const updates = events.filter((e) => e.channel === 'run.updated');
    expect(updates.length).toBeLessThan(6);
    expect(ws.runs.require(id)).toMatchObject({ progress: 1, message: 'step 100' });
    runs.status(id, 'failed', { error: 'boom' });
    expect(ws.runs.require(id)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(events[events.length - 1]).toMatchObject({
      channel: 'run.updated',
      payload: { id, status: 'failed', error: 'boom' },
    });
  });
});
