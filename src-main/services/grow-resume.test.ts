// A growth run paused mid-stage and resumed through a real worker keeps every metric point in SQLite: the
// run folder's checkpoint carries the step it holds, so a resume drops only what it will log again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, waitForRun, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app);
});
afterAll(() => app.dispose());

const STEPS = 30;
const STAGES = 2;

async function trainSteps(runId: string): Promise<number[]> {
  const series = await app.call('runs.metrics', { runId, names: ['train/loss'] });
  return series[0]?.steps ?? [];
}

describe('grow run: pause, resume', () => {
  it('keeps the whole loss history, and the paused status names the step it resumes from', async () => {
    const { runId } = await app.call('runs.startGrow', {
      projectId: s.projectId,
      name: 'paused-grown',
      datasetIds: [s.datasetId],
      valDatasetIds: [s.valDatasetId],
      substrateId: s.substrateId,
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      stages: STAGES,
      stepsPerStage: STEPS,
      batch: 4,
      lr: 0.01,
    });
    // Pause in stage 2, past the first stage's points.
    const t0 = Date.now();
    while ((await trainSteps(runId)).length < STEPS + 3) {
      if (Date.now() - t0 > 120_000) throw new Error('the run logged too few steps in 2 minutes');
      await new Promise((r) => setTimeout(r, 30));
    }
    await app.call('runs.pause', { id: runId });
    const paused = await waitForRun(app, runId, (r) => r.status !== 'running', 60_000);
    expect(paused.status).toBe('paused');
    const before = await trainSteps(runId);
    const last = before[before.length - 1]!;
    expect(last).toBeGreaterThan(STEPS);
    expect(paused.checkpointStep).toBe(last);
    expect(paused.progress.message).toBe(`paused at step ${last}`);
    expect(before).toEqual(Array.from({ length: last }, (_, i) => i + 1));

    const resumed = await app.call('runs.resume', { id: runId });
    expect(resumed.progress.message).toBe(`queued to resume from step ${last}`);
    // Nothing before the checkpoint is dropped by the resume.
    expect((await trainSteps(runId)).slice(0, last)).toEqual(before);
    const done = await waitForRun(app, runId, (r) => ['done', 'failed', 'cancelled'].includes(r.status), 120_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(await trainSteps(runId)).toEqual(Array.from({ length: STAGES * STEPS }, (_, i) => i + 1));
  }, 300_000);
});
