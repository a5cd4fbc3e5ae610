// Growth on real text: depth helps, earlier tiers stay bit-identical, the head keeps learning, every stage is a
// loadable model, frozen blocks get no backward pass, zero init removes the insertion spike, memory stays flat.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../io/checkpoint';
import { loadModel } from '../io/model-folder-format';
import { testBackend } from '../../../test/support/model';
import { batchOf } from '../train/data';
import { firstStageModel, insertTier } from './insert';
import { loadStageCheckpoint } from './checkpoint';
import { blockFlops, headFlops } from './flops';
import { resolvePlan } from './plan';
import { runGrowth, type GrowthResult } from './runner';
import { spikeLoss, type GrowthData } from './stage';
import { STATE_FILE } from './state';
import { bitIdentical, realTextData, tempDir, tinyPlan } from '../../../test/support/grow';

let data: GrowthData;
let tmp: ReturnType<typeof tempDir>;
let run: GrowthResult;

beforeAll(async () => {
  await testBackend();
  data = realTextData();
  tmp = tempDir('grow');
  run = await runGrowth(tinyPlan(), data, { out: tmp.dir });
});

afterAll(() => tmp.remove());

const weights = (stage: number) => readCheckpoint(join(tmp.dir, `stage-${stage}`, 'checkpoint.safetensors')).weights;

describe('growth on real text', () => {
  it('grows three stages; validation loss at depth 3 is below depth 1; frozen parameters from stage 2 on', () => {
    expect(run.status).toBe('done');
    expect(run.stages.map((s) => s.depth)).toEqual([1, 2, 3]);
    const [s1, s2, s3] = run.stages;
    expect(s3!.valLoss!).toBeLessThan(s1!.valLoss!);
    expect(s1!.frozenParams).toBe(0);
    expect(s2!.frozenParams).toBeGreaterThan(0);
    expect(s3!.frozenParams).toBe(2 * s2!.frozenParams);
    // Each stage trains one block + final norm + head: the same count at every depth.
    expect(s2!.trainableParams).toBe(s1!.trainableParams);
    // The spike batch is the validation subset: the loss before insertion is the previous stage's final val loss.
    expect(s2!.lossBeforeInsert!).toBeCloseTo(s1!.valLoss!, 5);
    expect(s3!.lossBeforeInsert!).toBeCloseTo(s2!.valLoss!, 5);
    expect(s1!.curve).toHaveLength(40);
    expect(s3!.newBlocks).toEqual([2]);
    expect(JSON.parse(readFileSync(join(tmp.dir, STATE_FILE), 'utf8')).status).toBe('done');
  });

  it('keeps earlier blocks bit-identical through later stages while the head keeps changing', () => {
    const [w1, w2, w3] = [weights(1), weights(2), weights(3)];
    for (const [name, t] of w1) {
      if (name.startsWith('blocks.0.')) {
        expect(bitIdentical(t, w2.get(name)!), name).toBe(true);
        expect(bitIdentical(t, w3.get(name)!), name).toBe(true);
      }
    }
    for (const [name, t] of w2)
      if (name.startsWith('blocks.1.')) expect(bitIdentical(t, w3.get(name)!), name).toBe(true);
    expect(bitIdentical(w1.get('head.weight')!, w2.get('head.weight')!)).toBe(false);
    expect(bitIdentical(w2.get('head.weight')!, w3.get('head.weight')!)).toBe(false);
    expect(bitIdentical(w2.get('final_norm.weight')!, w3.get('final_norm.weight')!)).toBe(false);
  });

  it('exports every stage as a model folder that loadModel opens, with the recorded validation loss', () => {
    for (const s of run.stages) {
      const { model, meta } = loadModel(s.model);
      expect(model.layers).toBe(s.depth);
      expect(meta.frozen.filter((n) => n.startsWith('blocks.')).length).toBe((s.depth - 1) * 8);
      // The trainer's evaluation subset: 32 evenly spread validation windows.
      const val = data.val!;
      const n = val.starts.length;
      const b = batchOf(
        val,
        Array.from({ length: 32 }, (_, i) => Math.floor((i * n) / 32)),
      );
      let total = 0;
      for (let r = 0; r < 32; r += 8) {
        const l = model.loss(
          tf.tensor2d(b.inputs.subarray(r * 32, (r + 8) * 32), [8, 32], 'int32'),
          tf.tensor2d(b.targets.subarray(r * 32, (r + 8) * 32), [8, 32], 'int32'),
        );
        total += l.dataSync()[0]! / 4;
        l.dispose();
      }
      expect(total).toBeCloseTo(s.valLoss!, 4);
      model.dispose();
    }
  });
});

describe('no wasted compute', () => {
  it('trains only the new block, the final norm and the head: no other variable gets a gradient', () => {
    const plan = resolvePlan(tinyPlan());
    const m = firstStageModel(plan, data, 1);
    insertTier(m, null, plan, plan.stages[1]!);
    const trainable = m.params.trainable().map((e) => e.name);
    expect([...trainable].sort()).toEqual([...m.blockParamNames(1), 'final_norm.weight', 'head.weight'].sort());
    // Offer tfjs every variable (frozen ones marked trainable for tfjs): the frozen block records nothing on the tape.
    const entries = m.params.list();
    for (const e of entries) e.variable.trainable = true;
    const b = batchOf(data.train, [0, 1, 2, 3]);
    const tokens = tf.tensor2d(b.inputs, [4, 32], 'int32');
    const targets = tf.tensor1d(b.targets, 'int32');
    const ctx = { grads: true };
    const { value, grads } = tf.variableGrads(
      () => m.headLoss(m.blocks(m.embed(tokens, ctx), 0, m.layers, 4, 32, ctx), targets, ctx),
      entries.map((e) => e.variable),
    );
    const withGrad = entries.filter((e) => grads[e.variable.name]).map((e) => e.name);
    expect(withGrad.sort()).toEqual([...trainable].sort());
    tf.dispose([value, tokens, targets, ...Object.values(grads)]);
    m.dispose();
  });

  it('each --init starts the new block as it says: zero-output leaves the loss as it was, unscaled moves it most, copy duplicates the block below', async () => {
    const change: Record<string, number> = {};
    for (const init of ['zero-output', 'scaled', 'unscaled', 'copy'] as const) {
      const plan = resolvePlan(tinyPlan({ init }));
      // The trained stage-2 model: block 1 is a trained block to copy (stage 1's block 0 is too, from stage 1).
      const { model } = loadStageCheckpoint(join(tmp.dir, 'stage-2', 'checkpoint.safetensors'), data.substrate);
      const before = await spikeLoss(model, null, data, plan);
      const { newBlocks } = insertTier(model, null, plan, plan.stages[2]!);
      expect(newBlocks).toEqual([2]);
      const after = await spikeLoss(model, null, data, plan);
      change[init] = Math.abs(after - before);
      if (init === 'copy') {
        for (const name of model.blockParamNames(1)) {
          const copy = model.params.get(name.replace('blocks.1.', 'blocks.2.')).dataSync();
          expect(
            bitIdentical(
              { shape: [], data: Float32Array.from(model.params.get(name).dataSync()) },
              { shape: [], data: Float32Array.from(copy) },
            ),
            name,
          ).toBe(true);
        }
      }
      model.dispose();
    }
    expect(change['zero-output']).toBeLessThan(1e-6);
    expect(change['scaled']).toBeGreaterThan(1e-6);
    expect(change['unscaled']).toBeGreaterThan(change['scaled']!);
    expect(change['copy']).toBeGreaterThan(1e-6);
    // Earlier spellings still resolve: 'random' was 'scaled', 'zero' 'zero-output'.
    expect(resolvePlan(tinyPlan({ init: 'random' as never })).init).toBe('scaled');
    expect(resolvePlan(tinyPlan({ init: 'zero' as never })).init).toBe('zero-output');
  });

  it('trains both baselines on the same token budget and compares them; leaks no tensors', async () => {
    const t2 = tempDir('grow-baselines');
    const before = tf.memory().numTensors;
    const r = await runGrowth(
      tinyPlan({ stages: 2, steps: 3, evalEvery: 2, baselines: ['monolithic', 'trainable-embedding'] }),
      data,
      { out: t2.dir },
    );
    expect(tf.memory().numTensors).toBe(before);
    const [grown, mono, emb] = r.comparison;
    expect(r.comparison.map((c) => c.name)).toEqual([
      'growth, frozen substrate',
      'monolithic (end-to-end)',
      'growth, trainable embedding',
    ]);
    expect(new Set(r.comparison.map((c) => c.tokens)).size).toBe(1);
    // The trainable table adds vocab × d parameters, trained in every stage.
    const table = data.substrate.vocabSize * 32;
    // Totals count the frozen substrate too (one definition everywhere): all of a monolithic model trains but the table.
    expect(mono!.totalParams).toBe(mono!.trainableParams + table);
    expect(mono!.totalParams).toBe(grown!.totalParams);
    expect(emb!.totalParams).toBe(grown!.totalParams);
    expect(emb!.trainableParams).toBe(grown!.trainableParams + table);
    // FLOPs (flops.ts): monolithic = tokens·3·(L·F_block + F_head); growth's frozen block runs forward only.
    const cfg = { dModel: 32, mlpRatio: 2, contextLength: 32, vocabSize: data.substrate.vocabSize };
    expect(mono!.flops).toBe(mono!.tokens * 3 * (2 * blockFlops(cfg) + headFlops(cfg)));
    expect(grown!.flops).toBeLessThan(mono!.flops);
    expect(emb!.flops).toBeGreaterThan(grown!.flops);
    expect(r.baselines.trainableEmbedding!.stages).toHaveLength(2);
    t2.remove();
  });
});
