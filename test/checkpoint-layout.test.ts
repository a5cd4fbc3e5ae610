// The one checkpoint layout: checkpoint.safetensors replaced at each save, optional step history as links, and the
// app's older layout (step files only, in <run>/checkpoints/) still found, by the engine, the CLI and the app alike.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../src-main/engine/model/gpt';
import { makeWindows } from '../src-main/engine/train/data';
import { Trainer } from '../src-main/engine/train/trainer';
import { Rng } from '../src-main/engine/util/rng';
import { readCheckpoint, writeCheckpointFile } from '../src-main/engine/io/checkpoint';
import {
  CHECKPOINT_FILE,
  checkpointStep,
  findCheckpoint,
  saveFolderCheckpoint,
} from '../src-main/engine/io/checkpoint-folder';
import { resumeCheckpointFile } from '../src-main/cli/train/run-folder';
import { loadCheckpoint } from '../src-main/lib/workspace-model-folders';
import { randomSubstrate, testBackend, TEST_TOKENIZER_ID } from './support/model';

const V = 41;
const substrate = randomSubstrate(V, 16, 3);
let root: string;
let trainer: Trainer;
let model: GPT;

beforeAll(async () => {
  await testBackend();
  root = mkdtempSync(join(tmpdir(), 'espalier-ckpt-folder-'));
  model = GPT.create({
    config: { vocabSize: V, layers: 1, dModel: 16, heads: 2, contextLength: 8, mlpRatio: 2, dropout: 0 },
    substrate,
    tokenizerId: TEST_TOKENIZER_ID,
    seed: 3,
  });
  const rng = new Rng(4);
  const stream = Int32Array.from({ length: 600 }, (_, i) => (rng.next() < 0.7 ? (i * 5) % V : rng.int(V)));
  const data = { train: makeWindows(stream.subarray(0, 500), 8), val: makeWindows(stream.subarray(500), 8) };
  trainer = new Trainer(model, data, { steps: 6, batchSize: 2, lr: 1e-3, evalEvery: 3, seed: 1 });
});

afterAll(() => {
  trainer.dispose();
  model.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** Trains to `step` and saves the way a run folder does. */
async function saveAt(dir: string, step: number, history = 0): Promise<string> {
  await trainer.run({ until: step });
  return saveFolderCheckpoint(dir, model, trainer.opts, trainer.state(), { extra: { at: step }, history });
}

describe('run-folder checkpoints', () => {
  it('replaces checkpoint.safetensors at each save; history keeps the newest steps as separate files', async () => {
    const dir = join(root, 'with-history');
    expect(await saveAt(dir, 1, 2)).toBe(join(dir, CHECKPOINT_FILE));
    await saveAt(dir, 2, 2);
    await saveAt(dir, 3, 2);
    expect(readCheckpoint(join(dir, CHECKPOINT_FILE)).meta.step).toBe(3);
    const kept = readdirSync(join(dir, 'checkpoints')).sort();
    expect(kept).toEqual(['step-000000002.safetensors', 'step-000000003.safetensors']);
    expect(kept.map((n) => checkpointStep(n))).toEqual([2, 3]);
    // The step-2 file survived the step-3 save: its own bytes, not the newest file's.
    expect(readCheckpoint(join(dir, 'checkpoints', kept[0]!)).meta.step).toBe(2);
    expect(findCheckpoint(dir)).toBe(join(dir, CHECKPOINT_FILE));
  });

  it('without history (the CLI and the app by default) the folder holds the one file', async () => {
    const dir = join(root, 'plain');
    await saveAt(dir, 4);
    expect(readdirSync(dir)).toEqual([CHECKPOINT_FILE]);
    expect(resumeCheckpointFile(dir)).toBe(join(dir, CHECKPOINT_FILE));
  });

  it("finds the newest checkpoint of a run folder in the app's older layout, for the CLI and the app", async () => {
    // The layout before it was shared: runs/<id>/checkpoints/step-N.safetensors, nothing else.
    const run = join(root, 'old-app-run');
    const old = join(run, 'checkpoints');
    mkdirSync(old, { recursive: true });
    await trainer.run({ until: 5 });
    writeCheckpointFile(join(old, 'step-000000004.safetensors'), model, trainer.opts, { ...trainer.state(), step: 4 });
    writeCheckpointFile(join(old, 'step-000000005.safetensors'), model, trainer.opts, trainer.state());
    const newest = join(old, 'step-000000005.safetensors');
    expect(findCheckpoint(run)).toBe(newest);
    expect(findCheckpoint(old)).toBe(newest);
    expect(resumeCheckpointFile(run)).toBe(newest);
    const restored = loadCheckpoint(run, substrate);
    expect(restored.trainer.step).toBe(5);
    restored.model.dispose();
    // The next save in the shared layout wins over the old step files.
    await saveAt(run, 6);
    expect(findCheckpoint(run)).toBe(join(run, CHECKPOINT_FILE));
    expect(statSync(newest).isFile()).toBe(true);
  });

  it('refuses a folder without a checkpoint in one line', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(findCheckpoint(empty)).toBeNull();
    expect(() => resumeCheckpointFile(empty)).toThrow(/no checkpoint\.safetensors there/);
    expect(() => loadCheckpoint(empty, substrate)).toThrow(/no checkpoint in this run folder/);
  });
});
