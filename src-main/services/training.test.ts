// Growth runs from main's side, before the worker has a 'grow' job: a finished run's GrowResult becomes one
// 'stage' model per stage, chained by parentId, and a malformed result fails the run with a clear message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrowParams } from '../../src-shared/params';
import { newId } from '../store/index';
import { seedProject, startTestApp, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app);
});
afterAll(() => app.dispose());

function growRun(stageModelIds: string[]): string {
  const request = GrowParams.parse({
    projectId: s.projectId,
    name: 'grown',
    substrateId: s.substrateId,
    datasetIds: [s.datasetId],
    seed: 1,
  });
  const run = app.workspace.runs.create({
    projectId: s.projectId,
    kind: 'grow',
    name: 'grown',
    params: { ...request, stageModelIds },
  });
  app.runs.status(run.id, 'running', {});
  return run.id;
}

describe('grow results', () => {
  it('registers every stage as a model, each the parent of the next', async () => {
    const ids = [newId('mdl'), newId('mdl')];
    const runId = growRun(ids);
    const stage = (k: number) => ({
      stage: k,
      modelId: ids[k - 1]!,
      depth: k,
      config: { layers: k },
      params: {
        total: 100 * k + 50,
        trainable: 100,
        frozen: 100 * (k - 1) + 50,
        frozenBlocks: 100 * (k - 1),
        frozenSubstrate: 50,
        frozenOther: 0,
      },
    });
    app.runs.status(runId, 'done', { result: { stages: [stage(1), stage(2)], trainLoss: 2.5 } });
    const run = await app.call('runs.get', { id: runId });
    expect(run).toMatchObject({ status: 'done', result: { modelIds: ids, modelId: ids[1], trainLoss: 2.5 } });
    const models = (await app.call('models.list', { projectId: s.projectId })).filter((m) => ids.includes(m.id));
    expect(models.map((m) => [m.name, m.kind, m.depth, m.parentId, m.runId])).toEqual([
      ['grown · stage 1', 'stage', 1, null, runId],
      ['grown · stage 2', 'stage', 2, ids[0], runId],
    ]);
    expect(models[1]!.params).toEqual({
      total: 250,
      trainable: 100,
      frozen: 150,
      frozenBlocks: 100,
      frozenSubstrate: 50,
    });
  });

  it('fails the run when the result does not match the contract', async () => {
    const runId = growRun([newId('mdl')]);
    app.runs.status(runId, 'done', { result: { stages: [] } });
    const run = await app.call('runs.get', { id: runId });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/results could not be recorded/);
  });
});
