// The trainer on real text: loss falls, runs are reproducible, only trainable parameters move, frozen
// blocks get no backward pass, memory stays flat, divergence stops cleanly, accumulation is exact.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GPT } from '../model/gpt';
import { randomSubstrate, testBackend } from '../../../test/support/model';
import { buildTokenizer } from '../tokenizer/index';
import { unigramEntropy, type Windows } from './data';
import { holdoutWindows } from './holdout';
import { Trainer } from './trainer';
import { TrainingDivergedError, type TrainOptions } from './trainer-options';
import { corpusText } from '../../../test/helpers/fixtures';

let data: { train: Windows; val: Windows };
let vocab = 0;
let tokenizerId = '';

beforeAll(async () => {
  await testBackend();
  const text = corpusText('en.txt').slice(0, 60_000);
  const tok = buildTokenizer([text], { ngrams: 150 });
  vocab = tok.size;
  tokenizerId = tok.id;
  data = holdoutWindows(text, (t) => tok.encode(t), 32, 'en.txt');
});

function model(seed = 1, layers = 2): GPT {
  return GPT.create({
    config: { vocabSize: vocab, layers, dModel: 32, heads: 4, contextLength: 32, mlpRatio: 2 },
    substrate: randomSubstrate(vocab, 32, 2, tokenizerId),
    tokenizerId,
    seed,
  });
}

const OPTS: TrainOptions = { steps: 40, batchSize: 8, lr: 1e-2, evalEvery: 20, seed: 3 };

async function losses(m: GPT, opts: TrainOptions = OPTS): Promise<number[]> {
  const t = new Trainer(m, data, opts);
  const out: number[] = [];
  await t.run({ onProgress: (e) => out.push(e.loss) });
  t.dispose();
  return out;
}

describe('Trainer', () => {
  it('lowers the loss on real text, below the unigram entropy', async () => {
    const m = model();
    const t = new Trainer(m, data, { ...OPTS, steps: 200, evalEvery: 200 });
    const before = t.evaluate()!;
    const r = await t.run();
    expect(before).toBeGreaterThan(Math.log(vocab) - 0.5);
    expect(r.valLoss!).toBeLessThan(unigramEntropy(data.train));
    expect(r.trainLoss).toBeLessThan(before - 1);
    t.dispose();
    m.dispose();
  });

  it('gives identical losses for the same seed', async () => {
    const [a, b] = [model(), model()];
    expect(await losses(a, { ...OPTS, steps: 8 })).toEqual(await losses(b, { ...OPTS, steps: 8 }));
    a.dispose();
    b.dispose();
  });

  it('keeps the tensor count flat across steps', async () => {
    const m = model();
    const t = new Trainer(m, data, OPTS);
    t.trainStep();
    t.evaluate();
    const n = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) t.trainStep();
    t.evaluate();
    expect(tf.memory().numTensors).toBe(n);
    t.dispose();
    m.dispose();
  });

  it('moves only trainable parameters, and frozen blocks get no backward pass', async () => {
    const m = model(1, 3);
    m.freezeBlock(0);
    m.freezeBlock(1);
    const before = m.params.toHost();
    const substrate = Float32Array.from(m.substrate.matrix);
    const calls: [number, boolean][] = [];
    const block = m.block.bind(m);
    const spy = vi.spyOn(m, 'block').mockImplementation((i, x, B, T, ctx, kv) => {
      calls.push([i, ctx?.grads ?? false]);
      return block(i, x, B, T, ctx, kv);
    });
    const t = new Trainer(m, data, { ...OPTS, steps: 3, evalEvery: 100 });
    for (let i = 0; i < 3; i++) t.trainStep();
    spy.mockRestore();
    const after = m.params.toHost();
    for (const name of m.params.names()) {
      const same = after[name]!.data.every((v, k) => v === before[name]!.data[k]);
      expect(same, name).toBe(name.startsWith('blocks.0.') || name.startsWith('blocks.1.'));
    }
    expect(m.substrate.matrix).toEqual(substrate);
    // Blocks 0 and 1 only ever ran outside the gradient tape.
    expect(calls.filter(([i]) => i < 2).every(([, g]) => !g)).toBe(true);
    expect(calls.filter(([i]) => i === 2).every(([, g]) => g)).toBe(true);
    t.dispose();
    m.dispose();
  });

  it('caches the frozen prefix without changing the losses', async () => {
    const [a, b] = [model(), model()];
    for (const m of [a, b]) m.freezeBlock(0);
    const plain = await losses(a, { ...OPTS, steps: 6 });
    const cached = await losses(b, { ...OPTS, steps: 6, cachePrefix: true });
    expect(cached.map((l, i) => Math.abs(l - plain[i]!))).toSatisfy((d: number[]) => d.every((x) => x < 1e-5));
    a.dispose();
    b.dispose();
  });

  it('accumulating 2 × 4 rows equals one batch of 8', async () => {
    const [a, b] = [model(), model()];
    const one = await losses(a, { ...OPTS, steps: 4, batchSize: 8 });
    const acc = await losses(b, { ...OPTS, steps: 4, batchSize: 4, accumulation: 2 });
    one.forEach((l, i) => expect(acc[i]!).toBeCloseTo(l, 4));
    a.dispose();
    b.dispose();
  });

  it('stops on NaN with a clear error and leaves the weights untouched', () => {
    const m = model();
    const t = new Trainer(m, data, OPTS);
    t.trainStep();
    const w = m.params.get('blocks.1.mlp.w1');
    w.assign(tf.fill(w.shape, NaN));
    const head = m.params.get('head.weight').dataSync().slice();
    expect(() => t.trainStep()).toThrow(TrainingDivergedError);
    expect(() => t.trainStep()).toThrow(/diverged at step 2: the loss became NaN/);
    expect(t.step).toBe(1);
    expect(m.params.get('head.weight').dataSync()).toEqual(head);
    t.dispose();
    m.dispose();
  });

  it('leaves the model consistent with its own saved weights (no stale operand caches)', async () => {
    const m = model();
    await losses(m, { ...OPTS, steps: 3 });
    const host = m.params.toHost();
    const copy = GPT.fromWeights(m.config, m.substrate, m.tokenizerId, (n) => host[n]);
    const tokens = tf.tensor2d(data.val.tokens.slice(0, 32), [1, 32], 'int32');
    const [la, lb] = [m.logits(tokens), copy.logits(tokens)];
    expect(tf.max(tf.abs(tf.sub(la, lb))).dataSync()[0]).toBe(0);
    tf.dispose([tokens, la, lb]);
    copy.dispose();
    m.dispose();
  });
});
