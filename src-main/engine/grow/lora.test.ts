// LoRA on frozen blocks: a fresh adapter changes nothing, training moves only adapters (never the frozen base),
// checkpoints keep adapters exactly, and the merged export gives the adapter forward's logits.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/model-folder-format';
import { flow } from '../model/flow';
import type { GPT } from '../model/gpt';
import { testBackend } from '../../../test/support/model';
import { batchOf } from '../train/data';
import { Trainer } from '../train/trainer';
import { loadStageCheckpoint, saveStageCheckpoint } from './checkpoint';
import { exportStageModel } from './export';
import { firstStageModel, insertTier } from './insert';
import type { LoraSet } from './lora';
import { resolvePlan } from './plan';
import type { GrowthData } from './stage';
import { bitIdentical, realTextData, tempDir, tinyPlan } from '../../../test/support/grow';

let data: GrowthData;
let tmp: ReturnType<typeof tempDir>;
let model: GPT;
let lora: LoraSet;
let tokens: tf.Tensor2D;
let trainer: Trainer;

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

beforeAll(async () => {
  await testBackend();
  data = realTextData();
  tmp = tempDir('lora');
  const plan = resolvePlan(tinyPlan({ stages: 2, lora: { rank: 4, fromStage: 2 } }));
  model = firstStageModel(plan, data, 1);
  lora = insertTier(model, null, plan, plan.stages[1]!).lora!;
  const b = batchOf(data.val!, [0, 1, 2]);
  tokens = tf.tensor2d(b.inputs, [3, 32], 'int32');
  trainer = new Trainer({ model, adapter: lora }, data, { steps: 6, batchSize: 8, lr: 1e-2, seed: 1 });
});

afterAll(() => {
  trainer.dispose();
  model.dispose();
  lora.dispose();
  tokens.dispose();
  tmp.remove();
});

describe('LoRA adapters on frozen blocks', () => {
  it('start as a no-op: the adapted block equals the plain block bit for bit', () => {
    const x = tf.tidy(() => model.embed(tokens).value);
    const plain = model.block(0, flow(x), 3, 32).value;
    const adapted = model.block(0, flow(x), 3, 32, { grads: false, adapter: lora }).value;
    expect(
      bitIdentical(
        { shape: [], data: plain.dataSync() as Float32Array },
        { shape: [], data: adapted.dataSync() as Float32Array },
      ),
    ).toBe(true);
    tf.dispose([x, plain, adapted]);
  });

  it('train the adapters, the new block, the norm and the head; the frozen base weights never move', async () => {
    const base = model
      .blockParamNames(0)
      .map((n) => ({ n, t: { shape: [], data: Float32Array.from(model.params.get(n).dataSync() as Float32Array) } }));
    // Every variable offered to tfjs: only adapters and the trainable tier get gradients.
    const all = [...model.params.list(), ...lora.entries()];
    const flags = all.map((e) => e.variable.trainable);
    for (const e of all) e.variable.trainable = true;
    const b = batchOf(data.train, [0, 1]);
    const targets = tf.tensor1d(b.targets, 'int32');
    const input = tf.tensor2d(b.inputs, [2, 32], 'int32');
    const { value, grads } = tf.variableGrads(
      () => {
        const ctx = { grads: true, adapter: lora };
        return model.headLoss(model.hidden(input, ctx), targets, ctx);
      },
      all.map((e) => e.variable),
    );
    const named = all.filter((e) => grads[e.variable.name]).map((e) => e.name);
    expect(named.filter((n) => n.startsWith('blocks.0.')).every((n) => n.includes('.lora_'))).toBe(true);
    expect(named.filter((n) => n.includes('.lora_'))).toHaveLength(12);
    expect(named).toContain('blocks.1.mlp.w2');
    expect(named).toContain('head.weight');
    tf.dispose([value, targets, input, ...Object.values(grads)]);
    all.forEach((e, i) => (e.variable.trainable = flags[i]!));

    for (let i = 0; i < 6; i++) trainer.trainStep();
    for (const { n, t } of base)
      expect(bitIdentical(t, { shape: [], data: model.params.get(n).dataSync() as Float32Array }), n).toBe(true);
    const bNorm = tf.tidy(() => tf.max(tf.abs(lora.get('blocks.0.mlp.w1')!.b.variable)).dataSync()[0]!);
    expect(bNorm).toBeGreaterThan(0);
  });

  it('keep adapters exactly through a stage checkpoint', () => {
    const path = join(tmp.dir, 'ckpt.safetensors');
    saveStageCheckpoint(path, { model, lora, trainer: trainer.state(), notes: { hello: 1 } }, trainer.opts);
    const back = loadStageCheckpoint<{ hello: number }>(path, data.substrate);
    expect(back.notes.hello).toBe(1);
    expect(back.trainer.step).toBe(6);
    const a = model.logits(tokens, lora);
    const b = back.model.logits(tokens, back.lora!);
    expect(maxDiff(a, b)).toBe(0);
    tf.dispose([a, b]);
    back.model.dispose();
    back.lora!.dispose();
  });

  it('merged into an exported model folder, give the same logits as the adapter forward', async () => {
    const dir = join(tmp.dir, 'merged');
    await exportStageModel(dir, model, lora, data, {});
    const loaded = loadModel(dir).model;
    const viaAdapters = model.logits(tokens, lora);
    const merged = loaded.logits(tokens);
    const withoutAdapters = model.logits(tokens);
    expect(maxDiff(viaAdapters, merged)).toBeLessThan(1e-4);
    // …and the adapters did matter.
    expect(maxDiff(viaAdapters, withoutAdapters)).toBeGreaterThan(1e-3);
    tf.dispose([viaAdapters, merged, withoutAdapters]);
    loaded.dispose();
  });

  it('train without leaking tensors: the count stays flat across steps and validations', () => {
    const t = new Trainer({ model, adapter: lora }, data, { steps: 20, batchSize: 4, lr: 1e-3, seed: 2 });
    t.trainStep();
    t.evaluate();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) t.trainStep();
    t.evaluate();
    expect(tf.memory().numTensors).toBe(n);
    t.dispose();
  });
});
