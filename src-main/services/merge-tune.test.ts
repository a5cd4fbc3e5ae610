// Head tuning of a saved merge through the contract with a real worker: two tiny experts, a logit-averaging
// merge (the experts' parameter counts include the substrate), a 'merge-tune' run; the tuned held-out loss is below the zero-shot one, and loading the merge applies the heads.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MergeTuneResult } from '../../src-shared/contract';
import { initBackend } from '../engine/backend';
import type { MergedLM } from '../engine/compose/merged';
import { meanCrossEntropy } from '../engine/compose/preview';
import { holdoutSplit } from '../engine/train/holdout';
import { datasetTextFile, requireDataset, specFor } from './catalog';
import { loadModelSpec, loadSpecTokenizer } from '../lib/model-spec';
import { seedProject, startTestApp, tinyTrain, waitForRun, type Seeded, type TestApp } from '../../test/support/app';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app, 'tune', 12_000);
});
afterAll(() => app.dispose());

async function done(runId: string) {
  const r = await waitForRun(app, runId, undefined, 180_000);
  expect(r.status, `${r.kind}: ${r.error ?? ''}`).toBe('done');
  return r;
}

describe('merge head tuning in the app', () => {
  it('tunes a saved merge on a dataset, lowers its held-out loss and keeps the heads with the merge', async () => {
    const a = await app.call('runs.startTrain', tinyTrain(s, 20, 'expert a'));
    const b = await app.call('runs.startTrain', { ...tinyTrain(s, 20, 'expert b'), seed: 7 });
    await done(a.runId);
    await done(b.runId);
    const trained = await app.call('models.list', { projectId: s.projectId });
    // The paper's counts: the frozen substrate (vocab × 16) is part of the total.
    const vocab = app.workspace.tokenizers.require(s.tokenizerId).vocabSize;
    expect(trained[0]!.params).toMatchObject({ frozenSubstrate: vocab * 16, frozenBlocks: 0 });
    expect(trained[0]!.params.total).toBe(trained[0]!.params.trainable + trained[0]!.params.frozen);
    const ids = trained.map((m) => m.id);
    const merge = await app.call('merge.save', { name: 'a+b', expertIds: ids });

    expect(
      (await app.raw('merge.tune', { mergeId: ids[0]!, datasetIds: [s.datasetId], steps: 5 })).error?.message,
    ).toMatch(/not a merge/);
    const run = await done(
      (await app.call('merge.tune', { mergeId: merge.id, datasetIds: [s.datasetId], steps: 40 })).runId,
    );
    const result = MergeTuneResult.parse(run.result);
    expect(result).toMatchObject({ steps: 40, data: 'faq train' });
    expect(result.losses).toHaveLength(40);
    expect(result.tunedLoss).toBeLessThan(result.zeroShotLoss);

    // The entry names the heads file in the workspace; the merge still has no folder of its own.
    const entry = (await app.call('models.list', { projectId: s.projectId })).find((m) => m.id === merge.id)!;
    expect(entry.folder).toBe('');
    const heads = entry.config['heads'] as { file: string; zeroShotLoss: number; tunedLoss: number };
    expect(heads).toMatchObject({ zeroShotLoss: result.zeroShotLoss, tunedLoss: result.tunedLoss });
    const spec = specFor(app.workspace, merge.id);
    if (spec.kind !== 'merge') throw new Error('the saved merge is not loaded as a merge');
    expect(spec.headsFile).toBe(app.workspace.paths.fromStored(heads.file));
    expect(existsSync(app.workspace.paths.fromStored(heads.file))).toBe(true);

    // Loading the merge (as evaluation, playground and preview do) applies the tuned heads: its loss on the
    // held-out tail is the tuned loss, and without them it is the zero-shot loss.
    await initBackend({ backend: 'wasm', threads: 1 });
    const text = readFileSync(datasetTextFile(app.workspace, requireDataset(app.workspace, s.datasetId)), 'utf8');
    const val = loadSpecTokenizer(spec).encode(holdoutSplit(text).val);
    const tuned = (await loadModelSpec(spec)) as MergedLM;
    const zero = (await loadModelSpec({ ...spec, headsFile: undefined })) as MergedLM;
    try {
      expect(await meanCrossEntropy(tuned, val, { context: 16 })).toBeCloseTo(result.tunedLoss, 4);
      expect(await meanCrossEntropy(zero, val, { context: 16 })).toBeCloseTo(result.zeroShotLoss, 4);
    } finally {
      tuned.dispose();
      zero.dispose();
    }
    // Tuning again replaces the heads file; deleting the merge removes it.
    const again = MergeTuneResult.parse(
      (await done((await app.call('merge.tune', { mergeId: merge.id, datasetIds: [s.datasetId], steps: 2 })).runId))
        .result,
    );
    const heads2 = (await app.call('models.list', { projectId: s.projectId })).find((m) => m.id === merge.id)!.config[
      'heads'
    ] as { file: string; steps: number };
    expect(heads2).toMatchObject({ steps: 2, tunedLoss: again.tunedLoss });
    expect(existsSync(app.workspace.paths.fromStored(heads.file))).toBe(false);
    const gen = await app.call('playground.generate', {
      modelIds: [merge.id],
      prompt: 'Debian',
      sampling: { maxTokens: 4, seed: 1 },
    });
    expect(gen.outputs[0]!.text.length).toBeGreaterThan(0);
    await app.call('models.delete', { id: merge.id });
    expect(existsSync(app.workspace.paths.fromStored(heads2.file))).toBe(false);
  }, 300_000);
});
