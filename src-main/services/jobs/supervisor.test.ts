// The supervisor with real worker processes: a tiny training job streams metrics into SQLite; SIGKILLing its
// worker fails the run (the app stays up) and it resumes from the last checkpoint; cancel; pause and resume.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_METRICS } from '../../../src-shared/contract';
import { seedProject, startTestApp, tinyTrain, waitForRun, type Seeded, type TestApp } from '../../../test/support/app';

let app: TestApp;
let s: Seeded;

beforeAll(() => {
  app = startTestApp({ checkpointEverySteps: 20 });
  s = seedProject(app);
});
afterAll(() => app.dispose());

function steps(runId: string, name: string = RUN_METRICS.trainLoss): number[] {
  app.runs.flush();
  return app.workspace.metrics.range(runId, name).map((p) => p.step);
}

describe('supervisor + worker processes', () => {
  it('runs a tiny training job: metrics stream as events and are in the database; the model is registered', async () => {
    const { runId } = await app.call('runs.startTrain', tinyTrain(s, 60));
    const run = await waitForRun(app, runId);
    expect(run.status, run.error ?? '').toBe('done');
    expect(steps(runId)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (const name of [RUN_METRICS.lr, RUN_METRICS.tokensPerSec, RUN_METRICS.tokens, RUN_METRICS.gradNorm])
      expect(steps(runId, name)).toHaveLength(60);
    expect(steps(runId, RUN_METRICS.valLoss).length).toBeGreaterThan(0);
    const streamed = app.seen.filter(
      (e) => e.channel === 'run.metrics' && (e.payload as { runId: string }).runId === runId,
    );
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.flatMap((e) => (e.payload as { points: unknown[] }).points).length).toBeGreaterThanOrEqual(60 * 5);
    const series = await app.call('runs.metrics', { runId, names: [RUN_METRICS.trainLoss] });
    expect(series[0]!.steps).toHaveLength(60);
    expect(series[0]!.t[59]).toBeGreaterThanOrEqual(series[0]!.t[0]!);
    const models = await app.call('models.list', { projectId: s.projectId });
    expect(models.find((m) => m.runId === runId)).toMatchObject({
      kind: 'trained',
      depth: 1,
      substrateId: s.substrateId,
    });
    expect(run.result).toMatchObject({ steps: 60 });
  });

  it('a SIGKILLed worker fails the run with a message, the app stays up, and the run resumes from its checkpoint', async () => {
    const { runId } = await app.call('runs.startTrain', tinyTrain(s, 120, 'killed'));
    await waitForRun(app, runId, (r) => r.checkpoint !== null);
    const pid = app.supervisor.activePid!;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const failed = await waitForRun(app, runId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/killed \(SIGKILL\).*resumed from its last checkpoint/);
    // The CLI's run-folder layout (engine/io/checkpoint-folder.ts): one file, replaced at each save.
    expect(failed.checkpoint).toMatch(/^runs\/[^/]+\/checkpoint\.safetensors$/);
    // The database is consistent and the app answers.
    expect((await app.call('projects.list', {})).length).toBeGreaterThan(0);
    const at = app.workspace.runs.require(runId).checkpointStep!;
    expect(at).toBeGreaterThan(0);

    await app.call('runs.resume', { id: runId });
    const done = await waitForRun(app, runId);
    expect(done.status, done.error ?? '').toBe('done');
    expect(steps(runId)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(app.workspace.runs.require(runId).attempts).toBe(2);
    expect(
      app.seen.some((e) => e.channel === 'run.log' && /resumed from step/.test((e.payload as { line: string }).line)),
    ).toBe(true);
  });

  it('cancels a running job and a queued one', async () => {
    const a = await app.call('runs.startTrain', tinyTrain(s, 5000, 'long'));
    const b = await app.call('runs.startTrain', tinyTrain(s, 10, 'queued'));
    await waitForRun(app, a.runId, (r) => r.status === 'running' && r.progress.fraction > 0);
    expect((await app.call('runs.cancel', { id: b.runId })).status).toBe('cancelled');
    await app.call('runs.cancel', { id: a.runId });
    expect((await waitForRun(app, a.runId)).status).toBe('cancelled');
    await app.supervisor.whenIdle();
    expect((await app.call('runs.get', { id: b.runId })).status).toBe('cancelled');
    const err = await app.raw('runs.cancel', { id: a.runId });
    expect(err.error?.code).toBe('user-error');
  });

  it('pauses at a checkpoint and resumes to the end', async () => {
    const { runId } = await app.call('runs.startTrain', tinyTrain(s, 150, 'paused'));
    await waitForRun(app, runId, (r) => r.status === 'running' && r.progress.fraction > 0.1);
    await app.call('runs.pause', { id: runId });
    const paused = await waitForRun(app, runId);
    expect(paused.status).toBe('paused');
    expect(paused.checkpoint).not.toBeNull();
    expect(paused.progress.message).toMatch(/paused at step \d+/);
    await app.call('runs.resume', { id: runId });
    const done = await waitForRun(app, runId);
    expect(done.status, done.error ?? '').toBe('done');
    expect(steps(runId)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });

  it("resumes a run paused in the app's older layout (runs/<id>/checkpoints/step-N) and goes on in the shared one", async () => {
    const { runId } = await app.call('runs.startTrain', tinyTrain(s, 100, 'old layout'));
    await waitForRun(app, runId, (r) => r.status === 'running' && r.progress.fraction > 0.1);
    await app.call('runs.pause', { id: runId });
    const paused = await waitForRun(app, runId);
    expect(paused.status).toBe('paused');
    // Rewrite the run as an older Espalier left it: only a step file, and the database pointing at it.
    const at = app.workspace.runs.require(runId).checkpointStep!;
    const old = `runs/${runId}/checkpoints/step-${String(at).padStart(9, '0')}.safetensors`;
    mkdirSync(app.workspace.paths.checkpointDir(runId), { recursive: true });
    renameSync(app.workspace.paths.fromStored(paused.checkpoint!), app.workspace.paths.fromStored(old));
    app.workspace.runs.setCheckpoint(runId, old, at);
    await app.call('runs.resume', { id: runId });
    const done = await waitForRun(app, runId);
    expect(done.status, done.error ?? '').toBe('done');
    expect(steps(runId)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(existsSync(join(app.workspace.paths.runDir(runId), 'checkpoint.safetensors'))).toBe(true);
  });
});

describe('startup after a crash', () => {
  it('marks a run the dead app left running as failed, with a clear message, and resumes it from its checkpoint', async () => {
    const first = startTestApp({ checkpointEverySteps: 10 });
    const seeded = seedProject(first);
    const { runId } = await first.call('runs.startTrain', tinyTrain(seeded, 40, 'crashed'));
    await waitForRun(first, runId, (r) => r.checkpoint !== null);
    // The app dies: its database connection goes away with the row still 'running', then its worker.
    const pid = first.supervisor.activePid!;
    first.workspace.close();
    // A dead process's lock is stale; here the "dead" app shares the test's pid, so let it go by hand.
    first.lock.release();
    process.kill(pid, 'SIGKILL');
    await first.supervisor.whenIdle();

    const second = startTestApp({}, first.dir);
    try {
      expect(second.recovered.failed).toEqual([runId]);
      const failed = await second.call('runs.get', { id: runId });
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        /Espalier stopped while this job was running .*resume it to continue from its last checkpoint \(step \d+\)/,
      );
      await second.call('runs.resume', { id: runId });
      const done = await waitForRun(second, runId);
      expect(done.status, done.error ?? '').toBe('done');
      second.runs.flush();
      expect(second.workspace.metrics.range(runId, RUN_METRICS.trainLoss).map((p) => p.step)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    } finally {
      await second.dispose();
    }
  });
});

describe("startup while the dead app's worker still runs", () => {
  it('leaves the run alone while its recorded worker is alive, and fails it (resumable) once that worker is gone', async () => {
    const first = startTestApp({ checkpointEverySteps: 10 });
    const seeded = seedProject(first);
    const { runId } = await first.call('runs.startTrain', tinyTrain(seeded, 100_000, 'orphaned'));
    await waitForRun(first, runId, (r) => r.checkpoint !== null);
    const pid = first.supervisor.activePid!;
    // The app dies (its lock would be stale: same pid here, so let go by hand) while its worker keeps running.
    first.workspace.close();
    first.lock.release();

    const second = startTestApp({}, first.dir);
    try {
      expect(second.recovered).toMatchObject({ failed: [], waiting: [runId] });
      expect((await second.call('runs.get', { id: runId })).status).toBe('running');
      process.kill(pid, 'SIGKILL');
      const failed = await waitForRun(second, runId, (r) => r.status !== 'running', 30_000);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        /Espalier stopped while this job was running .*resume it to continue from its last checkpoint/,
      );
    } finally {
      await first.supervisor.whenIdle();
      await second.dispose();
    }
  }, 120_000);
});
