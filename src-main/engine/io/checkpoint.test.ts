// Checkpoints and model folders: round trips, exact resume (2N steps = N + resume + N), clear errors.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../model/gpt';
import { randomSubstrate, randomTokens, testBackend, TEST_TOKENIZER_ID } from '../../../test/support/model';
import { makeWindows, type Windows } from '../train/data';
import { Trainer } from '../train/trainer';
import type { TrainOptions } from '../train/trainer-options';
import { Rng } from '../util/rng';
import { modelFromCheckpoint, readCheckpoint, writeCheckpointFile } from './checkpoint';
import { exportModel, loadModel } from './model-folder-format';

const V = 53;
const substrate = randomSubstrate(V, 16, 4);
let dir: string;
let data: { train: Windows; val: Windows };

beforeAll(async () => {
  await testBackend();
  dir = mkdtempSync(join(tmpdir(), 'espalier-io-'));
  // A token stream with structure (a noisy cycle), so training has something to learn.
  const rng = new Rng(9);
  const stream = Int32Array.from({ length: 4000 }, (_, i) => (rng.next() < 0.8 ? (i * 7) % V : rng.int(V)));
  data = { train: makeWindows(stream.subarray(0, 3600), 16), val: makeWindows(stream.subarray(3600), 16) };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const make = () =>
  GPT.create({
    config: { vocabSize: V, layers: 2, dModel: 16, heads: 2, contextLength: 16, mlpRatio: 2, dropout: 0.1 },
    substrate,
    tokenizerId: TEST_TOKENIZER_ID,
    seed: 5,
  });

const OPTS: TrainOptions = { steps: 12, batchSize: 4, lr: 5e-3, evalEvery: 4, seed: 11, accumulation: 2 };

describe('checkpoints', () => {
  it('resume exactly: 2N steps in one run equal N, save, load, N', async () => {
    const straight = make();
    const a = new Trainer(straight, data, OPTS);
    const r1 = await a.run();

    const first = make();
    const b = new Trainer(first, data, OPTS);
    await b.run({ until: 6 });
    const path = join(dir, 'ckpt.safetensors');
    writeCheckpointFile(path, first, b.opts, b.state(), { note: 'half way' });
    b.dispose();
    first.dispose();

    const ckpt = readCheckpoint(path);
    expect(ckpt.meta.step).toBe(6);
    expect(ckpt.meta.extra).toEqual({ note: 'half way' });
    expect(ckpt.meta.substrate.id).toBe(substrate.id);
    const resumed = modelFromCheckpoint(ckpt, substrate, path);
    const c = new Trainer(resumed, data, ckpt.meta.train, ckpt.trainerState);
    const r2 = await c.run();
    expect(r2.step).toBe(12);
    expect(Math.abs(r2.trainLoss - r1.trainLoss)).toBeLessThan(1e-5);
    expect(Math.abs(r2.valLoss! - r1.valLoss!)).toBeLessThan(1e-5);
    a.dispose();
    c.dispose();
    straight.dispose();
    resumed.dispose();
  });

  it('round-trips weights, frozen flags and optimizer state', async () => {
    const m = make();
    m.freezeBlock(0);
    const t = new Trainer(m, data, OPTS);
    await t.run({ until: 2 });
    const path = join(dir, 'rt.safetensors');
    writeCheckpointFile(path, m, t.opts, t.state());
    const ckpt = readCheckpoint(path);
    const back = modelFromCheckpoint(ckpt, substrate, path);
    expect(back.isBlockFrozen(0)).toBe(true);
    expect(back.isBlockFrozen(1)).toBe(false);
    const [x, y] = [m.params.toHost(), back.params.toHost()];
    for (const n of Object.keys(x)) expect(y[n]!.data).toEqual(x[n]!.data);
    expect(ckpt.trainerState.optimizer.t).toBe(2);
    expect(Object.keys(ckpt.trainerState.optimizer.m).sort()).toEqual(
      m.params
        .trainable()
        .map((e) => e.name)
        .sort(),
    );
    expect(() => modelFromCheckpoint(ckpt, randomSubstrate(V, 16, 99), path)).toThrow(/trained on substrate/);
    t.dispose();
    m.dispose();
    back.dispose();
  });

  it('names the file when it is not a checkpoint', () => {
    const bogus = join(dir, 'bogus.safetensors');
    writeFileSync(bogus, 'not safetensors at all');
    expect(() => readCheckpoint(bogus)).toThrow(/bogus\.safetensors/);
    expect(() => readCheckpoint(join(dir, 'missing.safetensors'))).toThrow(/no checkpoint here/);
  });
});

describe('model folders', () => {
  it('export and load give the same logits', () => {
    const m = make();
    m.freezeBlock(1);
    const out = join(dir, 'model');
    exportModel(out, m, { tokenizerJson: '{"fake": true}\n', training: { steps: 0 } });
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      format: 'espalier-model',
      tokenizerId: TEST_TOKENIZER_ID,
      substrate: { id: substrate.id, file: 'substrate.safetensors' },
    });
    const { model: back } = loadModel(out);
    expect(back.isBlockFrozen(1)).toBe(true);
    const tokens = randomTokens(2, 9, V, 3);
    const [la, lb] = [m.logits(tokens), back.logits(tokens)];
    expect(tf.max(tf.abs(tf.sub(la, lb))).dataSync()[0]).toBe(0);
    tf.dispose([tokens, la, lb]);
    expect(() => loadModel(out, { substrate: randomSubstrate(V, 16, 8) })).toThrow(/needs substrate/);
    expect(() => loadModel(join(dir, 'nowhere'))).toThrow(/not a model folder/);
    m.dispose();
    back.dispose();
  });
});
