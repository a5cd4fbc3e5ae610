// A real 2-stage growth run through the worker process: metrics (with the stage marker) land in SQLite, both
// stages are registered as chained 'stage' models with frozen parameters from stage 2, and they load as models;
// the workspace then stores the substrate and each stage's weights once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { seedProject, startTestApp, waitForRun, type Seeded, type TestApp } from '../../test/support/app';
import { storageCensus } from '../../test/support/storage';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app);
});
afterAll(() => app.dispose());

describe('grow job', () => {
  it('grows two tiers in a worker and registers both stages', async () => {
    const { runId } = await app.call('runs.startGrow', {
      projectId: s.projectId,
      name: 'grown',
      datasetIds: [s.datasetId],
      valDatasetIds: [s.valDatasetId],
      substrateId: s.substrateId,
      shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
      stages: 2,
      stepsPerStage: 6,
      batch: 4,
      lr: 0.01,
    });
    const run = await waitForRun(app, runId, undefined, 120_000);
    expect(run.error).toBeNull();
    expect(run.status).toBe('done');

    const series = await app.call('runs.metrics', { runId });
    const byName = Object.fromEntries(series.map((x) => [x.name, x]));
    expect(byName['train/loss']!.steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // The stage marker changes exactly where block 2 was inserted.
    expect(byName['stage']!.steps).toEqual([1, 7]);
    expect(byName['stage']!.values).toEqual([1, 2]);

    const stages = (await app.call('models.list', { projectId: s.projectId })).filter((m) => m.runId === runId);
    expect(stages.map((m) => [m.kind, m.depth])).toEqual([
      ['stage', 1],
      ['stage', 2],
    ]);
    // The paper's counts: the substrate is frozen in both; stage 2 also freezes stage 1's block.
    expect(stages[0]!.params).toMatchObject({ frozenBlocks: 0, frozen: stages[0]!.params.frozenSubstrate });
    expect(stages[0]!.params.frozenSubstrate).toBeGreaterThan(0);
    expect(stages[1]!.params.frozenBlocks).toBeGreaterThan(0);
    expect(stages[1]!.parentId).toBe(stages[0]!.id);

    // Each stage is a usable model: the playground generates from both.
    const out = await app.call('playground.generate', {
      modelIds: stages.map((m) => m.id),
      prompt: 'Debian',
      sampling: { maxTokens: 4, temperature: 0, topK: 0, topP: 1, seed: 1 },
    });
    expect(out.outputs).toHaveLength(2);
    for (const o of out.outputs) expect(o.text.length).toBeGreaterThan(0);

    // Stored once: one substrate file in the workspace (the stage folders reference it), each stage's weights
    // in one file (moved into its model folder, the run's stage checkpoints dropped once the run was done).
    const census = storageCensus(app.workspace.root);
    expect([...census.substrates.entries()]).toEqual([
      [s.substrateId, [join('substrates', `${s.substrateId}.safetensors`)]],
    ]);
    expect(census.duplicateFiles).toEqual([]);
    expect(census.duplicateWeights).toEqual([]);
    for (const m of stages) expect(census.files).toContain(join('models', m.id, 'model.safetensors'));
    expect(census.files.filter((f) => f.startsWith(join('runs', runId)))).toEqual([]);
  });
});
