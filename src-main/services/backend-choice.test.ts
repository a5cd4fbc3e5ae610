// The workspace's backend choice end to end through the contract, with real worker processes: the System report
// comes from a worker, a new choice is persisted in settings.json and reaches the next job's worker (which the run
// records), a change is refused while a job runs, and bad values or a broken settings file are named.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, tinyTrain, waitForRun, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app);
});
afterAll(() => app.dispose());

describe('backend choice', () => {
  it('reports the backend a worker starts, with the choice and its source', async () => {
    const info = await app.call('system.info', {});
    // test/support/app.ts sets ESPALIER_BACKEND=wasm for every worker.
    expect(info).toMatchObject({
      backend: 'wasm',
      probedIn: 'worker',
      choice: { backend: 'wasm', source: 'environment' },
    });
    expect(info.adapterNote.length).toBeGreaterThan(0);
  }, 120_000);

  it('persists a new choice, starts the next job with it and records it on the run', async () => {
    const info = await app.call('system.setBackend', { backend: 'cpu' });
    expect(info).toMatchObject({ backend: 'cpu', choice: { backend: 'cpu', source: 'workspace' } });
    expect(JSON.parse(readFileSync(join(app.dir, 'settings.json'), 'utf8'))).toEqual({ backend: 'cpu' });
    const { runId } = await app.call('runs.startTrain', tinyTrain(s, 2, 'on cpu'));
    const run = await waitForRun(app, runId, undefined, 120_000);
    expect(run.status, run.error ?? '').toBe('done');
    expect(run.result).toMatchObject({ backend: { name: 'cpu', adapter: null, software: false } });
    // Back to wasm for the rest of the file (and a refresh probes a new worker with it).
    await app.call('system.setBackend', { backend: 'wasm' });
    expect(await app.call('system.info', { refresh: true })).toMatchObject({
      backend: 'wasm',
      choice: { backend: 'wasm', source: 'workspace' },
    });
  }, 240_000);

  it('refuses a change while a job runs, naming the run, and keeps the saved choice', async () => {
    const { runId } = await app.call('runs.startTrain', tinyTrain(s, 400, 'long one'));
    await waitForRun(app, runId, (r) => r.status === 'running');
    const r = await app.raw('system.setBackend', { backend: 'cpu' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'conflict' });
    expect(r.error!.message).toMatch(/cannot change while the train run "long one" is running or queued/);
    expect(JSON.parse(readFileSync(join(app.dir, 'settings.json'), 'utf8'))).toEqual({ backend: 'wasm' });
    await app.call('runs.cancel', { id: runId });
    await waitForRun(app, runId);
  }, 240_000);

  it('rejects an unknown backend through the contract, and names a broken settings file and its field', async () => {
    const bad = await app.raw('system.setBackend', { backend: 'metal' });
    expect(bad.error).toMatchObject({ code: 'invalid-request', field: 'backend' });
    writeFileSync(join(app.dir, 'settings.json'), JSON.stringify({ backend: 'gpu' }));
    const broken = await app.raw('system.info', { refresh: true });
    expect(broken.ok).toBe(false);
    // Errors name workspace files in the user's terms (services/user-names.ts), not by absolute path.
    expect(broken.error!.message).toContain('settings.json in the workspace: field "backend"');
    // The broken file is left as it was: nothing the user wrote is overwritten.
    expect(JSON.parse(readFileSync(join(app.dir, 'settings.json'), 'utf8'))).toEqual({ backend: 'gpu' });
  }, 120_000);
});
