// A small study through the real worker process on the demo world: defined (bad specs refused naming the field),
// started, cancelled after its first run and resumed without training that run again; each finished run's model
// is a normal catalog model that generates text; the comparison has mean ± CI per arm over two seeds; the live
// loss streams one series per run; CSV and Markdown exports land in the chosen folder.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudySpecInput } from '../../src-shared/study';
import { STUDY_LOSS_PREFIX, type StudyDetail } from '../../src-shared/study-records';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
let projectId: string;
const exportDir = mkdtempSync(join(tmpdir(), 'espalier-study-export-'));
beforeAll(async () => {
  app = startTestApp();
  projectId = (await app.call('projects.create', { name: 'studies' })).id;
});
afterAll(async () => {
  await app.dispose();
  rmSync(exportDir, { recursive: true, force: true });
});

/** Two arms × two seeds, a few hundred steps each: seconds per run, long enough that a cancel sent after the first run lands before the last. */
function tinySpec(name = 'tiny C1'): StudySpecInput {
  return {
    name,
    question: 'frozen random codes vs a trainable embedding',
    size: 'quick',
    seeds: [1, 2],
    data: { kind: 'world', seed: 1, scale: 'quick' },
    model: {
      dim: 16,
      heads: 2,
      contextLength: 16,
      depth: 1,
      stepsPerStage: 240,
      batchSize: 2,
      lr: 0.01,
      evalWindows: 2,
      evalTokens: 64,
      ngrams: 0,
    },
    arms: [
      { name: 'frozen random', substrate: 'random', embedding: 'frozen', schedule: 'monolithic' },
      { name: 'trainable', substrate: 'random', embedding: 'trainable', schedule: 'monolithic' },
    ],
    control: 'trainable',
  };
}

async function waitForStudy(id: string, pred: (s: StudyDetail) => boolean, timeoutMs = 300_000): Promise<StudyDetail> {
  const t0 = Date.now();
  for (;;) {
    const s = await app.call('studies.get', { id });
    if (pred(s)) return s;
    if (s.status === 'failed') throw new Error(`study failed: ${s.error}`);
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `study ${id} did not get there in ${timeoutMs} ms (now ${s.status}, ${s.runsDone}/${s.runs} runs)`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('studies service', () => {
  it('refuses a bad spec naming the field, and a second study of the same name', async () => {
    const bad = await app.raw('studies.create', { projectId, spec: { ...tinySpec(), control: 'nobody' } });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatchObject({ code: 'invalid-request', field: 'spec.control' });
    expect(bad.error!.message).toMatch(/"nobody" is not the name of an arm/);
    const heads = await app.raw('studies.create', {
      projectId,
      spec: { ...tinySpec(), model: { ...tinySpec().model, heads: 3 } },
    });
    expect(heads.error).toMatchObject({ field: 'spec.model.heads' });
    await app.call('studies.create', { projectId, spec: tinySpec('taken') });
    const dup = await app.raw('studies.create', { projectId, spec: tinySpec('taken') });
    expect(dup.error).toMatchObject({ code: 'conflict' });
    expect(dup.error!.message).toMatch(/a study named "taken" already exists/);
  });

  it('runs a study in the worker, resumes it after a cancel from the next run, and registers every run once', async () => {
    const created = await app.call('studies.create', { projectId, spec: tinySpec() });
    expect(created).toMatchObject({ status: 'draft', runs: 4, runsDone: 0, runId: null });
    const started = await app.call('studies.start', { id: created.id });
    expect(['queued', 'running']).toContain(started.status);
    const runId = started.runId!;

    // Cancelled once its first run finished: that run is kept (and its model registered), the rest is not.
    const first = await waitForStudy(created.id, (s) => s.runsDone >= 1);
    await app.call('studies.cancel', { id: created.id });
    await waitForRun(app, runId);
    const stopped = await app.call('studies.get', { id: created.id });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.runsDone).toBeLessThan(4);
    const firstRun = first.arms[0]!;
    expect(firstRun.run).toBe('frozen random · seed 1');
    const firstModels = stopped.models[firstRun.run]!;
    expect(firstModels).toHaveLength(1);

    const resumed = await app.call('studies.start', { id: created.id });
    expect(resumed.runId).toBe(runId);
    const done = await waitForStudy(created.id, (s) => s.status === 'done');
    expect(done.runsDone).toBe(4);
    // The first run was not trained again: same result, same single model.
    expect(done.arms.find((a) => a.run === firstRun.run)!.finishedAt).toBe(firstRun.finishedAt);
    expect(done.models[firstRun.run]).toEqual(firstModels);
    expect(done.arms.map((a) => a.run)).toEqual([
      'frozen random · seed 1',
      'trainable · seed 1',
      'frozen random · seed 2',
      'trainable · seed 2',
    ]);

    // Every run's model is in the catalog with its provenance, and loads like any other model.
    const models = (await app.call('models.list', { projectId })).filter((m) => m.provenance['studyId'] === created.id);
    expect(models.map((m) => m.name).sort()).toEqual(done.arms.map((a) => `tiny C1 · ${a.run}`).sort());
    expect(models.every((m) => m.kind === 'trained' && m.depth === 1 && m.params.total > 0)).toBe(true);
    const out = await app.call('playground.generate', {
      modelIds: [models[0]!.id],
      prompt: 'the',
      sampling: { maxTokens: 3, temperature: 0, topK: 0, topP: 1, seed: 1 },
    });
    expect(out.outputs[0]!.text.length).toBeGreaterThan(0);

    // The comparison: both arms, two seeds each, mean ± CI with the protocol named.
    const c = done.comparison!;
    expect(c.control).toBe('trainable');
    expect(c.groups.map((g) => g.arm)).toEqual(['frozen random', 'trainable']);
    expect(c.metrics).toContain('heldout nll');
    for (const g of c.groups) {
      const m = g.metrics['heldout nll']!;
      expect(m.n).toBe(2);
      expect(Number.isFinite(m.mean) && m.ci95 !== null && m.ci95 >= 0).toBe(true);
      expect(m.protocol.length).toBeGreaterThan(0);
    }
    expect(c.differences.find((d) => d.arm === 'frozen random' && d.metric === 'heldout nll')!.n).toBe(2);

    // Live loss: one series per run that trained in this attempt, each on its own step axis from 1.
    const series = (await app.call('runs.metrics', { runId })).filter((x) => x.name.startsWith(STUDY_LOSS_PREFIX));
    expect(series.length).toBe(4 - stopped.runsDone);
    for (const x of series) {
      expect(x.steps[0]).toBe(1);
      expect(x.steps).toEqual([...x.steps].sort((a, b) => a - b));
    }
    const run = await app.call('runs.get', { id: runId });
    expect(run).toMatchObject({
      kind: 'study',
      status: 'done',
      result: { studyId: created.id, armsDone: done.arms.map((a) => a.run) },
    });
    expect((await app.call('studies.list', { projectId })).find((s) => s.id === created.id)).toMatchObject({
      status: 'done',
      runsDone: 4,
    });

    // Exports: the comparison CSV, and the Markdown report with its plots in a folder of its own.
    const csv = await app.call('studies.export', { id: created.id, dest: exportDir, format: 'csv' });
    expect(csv.path).toBe(join(exportDir, 'tiny-C1.csv'));
    const text = readFileSync(csv.path, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^arm,metric,protocol,n,mean,ci95/);
    expect(text).toMatch(/\ntrainable,heldout nll,/);
    const md = await app.call('studies.export', { id: created.id, dest: exportDir, format: 'markdown' });
    expect(md.path.startsWith(join(exportDir, 'tiny-C1'))).toBe(true);
    expect(readFileSync(md.path, 'utf8')).toMatch(/^# tiny C1/);
    expect(md.files.some((f) => f.endsWith('.svg') && existsSync(f))).toBe(true);
    const again = await app.call('studies.export', { id: created.id, dest: exportDir, format: 'csv' });
    expect(again.path).toBe(join(exportDir, 'tiny-C1-2.csv'));

    // A finished study cannot be started again; deleting it keeps its models.
    expect((await app.raw('studies.start', { id: created.id })).error!.message).toMatch(/has finished/);
    await app.call('studies.delete', { id: created.id });
    expect((await app.raw('studies.get', { id: created.id })).error!.code).toBe('not-found');
    expect(
      (await app.call('models.list', { projectId })).filter((m) => m.provenance['studyId'] === created.id),
    ).toHaveLength(4);
  }, 600_000);
});
