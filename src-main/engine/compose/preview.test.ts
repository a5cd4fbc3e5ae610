// The preview table (order, windows, values), per-token contributions, and head-only post-merge tuning.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { HashLM, randomTable } from '../../../test/helpers/toy-lm';
import { BigramLM } from '../../../test/oracles/bigram';
import type { CausalLM } from '../model/lm';
import { MergedLM } from './merged';
import { contributions, meanCrossEntropy, previewMerge, windows } from './preview';
import { mergeHeads, tuneMergedHeads } from './tune';
import { initBackend } from '../backend';

// Models are built while the suite is collected, so the backend must be up before that.
await initBackend({ backend: 'wasm', threads: 1 });

const V = 12;
/** Row p strongly prefers p + step (mod V); `sharp` sets how strongly. */
function stepTable(step: number, sharp: number): Float32Array {
  const t = new Float32Array(V * V);
  for (let p = 0; p < V; p++) t[p * V + ((p + step + V) % V)] = sharp;
  return t;
}
const up = Int32Array.from({ length: 40 }, (_, i) => i % V);
const down = Int32Array.from({ length: 30 }, (_, i) => (V * 10 - i) % V);

/** Cross-entropy by hand: the model's logits on each window, -log p(next). */
function manualLoss(m: CausalLM, tokens: Int32Array, context: number): number {
  let sum = 0;
  let n = 0;
  for (const w of windows(tokens.length, context)) {
    const x = tf.tensor2d(tokens.subarray(w.start, w.start + w.length), [1, w.length], 'int32');
    const l = tf.tidy(() => tf.logSoftmax(m.logits(x)));
    const d = l.dataSync();
    for (let i = 0; i < w.length; i++) sum -= d[i * V + tokens[w.start + 1 + i]!]!;
    n += w.length;
    tf.dispose([x, l]);
  }
  return sum / n;
}

describe('previewMerge', () => {
  const a = new BigramLM(stepTable(1, 6));
  const b = new BigramLM(stepTable(-1, 3));
  const h = new HashLM(randomTable(V, 5), 32, 'bigram-substrate', 'bigram-tokenizer');
  afterAll(() => [a, b, h].forEach((m) => m.dispose()));

  it('orders rows by model (experts as given, then the merge), then by dataset as given', async () => {
    const merged = new MergedLM([b, a]);
    const rows = await previewMerge(
      [b, a],
      merged,
      [
        { name: 'down.txt', tokens: down },
        { name: 'up.txt', tokens: up },
      ],
      { names: ['B', 'A'] },
    );
    expect(rows.map((r) => `${r.model}/${r.data}`)).toEqual([
      'B/down.txt',
      'B/up.txt',
      'A/down.txt',
      'A/up.txt',
      'merge/down.txt',
      'merge/up.txt',
    ]);
    expect(rows.map((r) => r.tokens)).toEqual([29, 39, 29, 39, 29, 39]);
    // Each expert is best on its own direction; the merge lies between them.
    const loss = Object.fromEntries(rows.map((r) => [`${r.model}/${r.data}`, r.loss]));
    expect(loss['A/up.txt']!).toBeLessThan(loss['B/up.txt']!);
    expect(loss['B/down.txt']!).toBeLessThan(loss['A/down.txt']!);
  });

  it('scores non-overlapping windows, with the same numbers whether or not the merge reuses expert logits', async () => {
    const data = [{ name: 'up', tokens: up }];
    const context = 7;
    const reused = await previewMerge([h, a], new MergedLM([h, a], { mode: 'probs' }), data, { context });
    const apart = await previewMerge(
      [h, a],
      new MergedLM([h, new BigramLM(stepTable(1, 6))], { mode: 'probs' }),
      data,
      { context },
    );
    const want = [
      manualLoss(h, up, context),
      manualLoss(a, up, context),
      manualLoss(new MergedLM([h, a], { mode: 'probs' }), up, context),
    ];
    reused.forEach((r, i) => expect(r.loss).toBeCloseTo(want[i]!, 5));
    apart.forEach((r, i) => expect(r.loss).toBeCloseTo(want[i]!, 5));
    expect(await meanCrossEntropy(h, up, { context })).toBeCloseTo(want[0]!, 5);
    // maxTokens reads only the start of the dataset.
    expect((await previewMerge([h, a], new MergedLM([h, a]), data, { context, maxTokens: 10 }))[0]!.tokens).toBe(9);
    expect(windows(8, 3)).toEqual([
      { start: 0, length: 3 },
      { start: 3, length: 3 },
      { start: 6, length: 1 },
    ]);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await previewMerge([h, a, b], new MergedLM([h, a, b], { mode: 'confidence' }), [{ name: 'u', tokens: up }], {
      context: 9,
    });
    await contributions([a, b], 'logits', up, { context: 5 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('contributions', () => {
  const a = new BigramLM(stepTable(1, 8));
  const b = new BigramLM(stepTable(-1, 2));
  afterAll(() => [a, b].forEach((m) => m.dispose()));

  it('gives each expert\u2019s and the merge\u2019s probability of the actual next token', async () => {
    for (const mode of ['logits', 'confidence'] as const) {
      const rows = await contributions([a, b], mode, up, { context: 6 });
      expect(rows.map((r) => r.position)).toEqual(Array.from({ length: up.length - 1 }, (_, i) => i + 1));
      for (const r of rows) {
        expect(r.token).toBe(up[r.position]);
        expect(r.expertProbs[0]!).toBeGreaterThan(0.9);
        expect(r.expertProbs[1]!).toBeLessThan(0.1);
        expect(r.mergedProb).toBeGreaterThan(r.expertProbs[1]!);
      }
    }
  });
});

describe('tuneMergedHeads', () => {
  it('trains only the given heads and lowers the merge\u2019s loss', async () => {
    const a = BigramLM.fit([up], V, { alpha: 0.5 });
    const b = new BigramLM(randomTable(V, 9));
    const before = tf.memory().numTensors;
    const aBefore = a.tableData();
    const bBefore = b.tableData();
    const report = await tuneMergedHeads(
      [
        { model: a, head: null },
        { model: b, head: mergeHeads(b)[0]! },
      ],
      up,
      {
        steps: 30,
        lr: 0.1,
        batch: 4,
        context: 8,
        seed: 1,
      },
    );
    expect(report.steps).toBe(30);
    expect(report.tunedLoss).toBeLessThan(report.zeroShotLoss - 0.1);
    expect(report.losses[29]!).toBeLessThan(report.losses[0]!);
    expect(a.tableData()).toEqual(aBefore);
    expect(b.tableData()).not.toEqual(bBefore);
    expect(b.table.trainable).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });
});
