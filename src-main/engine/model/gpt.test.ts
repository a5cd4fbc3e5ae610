// The GPT: shapes, hand-written gradients against autodiff, causality, RoPE, KV cache, freezing and growth.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfigInput } from './config';
import type { GPT } from './gpt';
import { headCrossEntropy } from './head';
import { rope } from './ops';
import { setKernelsEnabled } from './wasm/runtime';
import { referenceLoss } from '../../../test/oracles/reference';
import { randomTokens, testBackend, tinyModel } from '../../../test/support/model';

beforeAll(testBackend);

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

function modelLossGrads(m: GPT, tokens: tf.Tensor2D, targets: tf.Tensor2D) {
  const [B, T] = tokens.shape;
  const ctx = { grads: true };
  return tf.variableGrads(
    () =>
      m.headLoss(m.blocks(m.embed(tokens, ctx), 0, m.layers, B, T, ctx), tf.reshape(targets, [-1]) as tf.Tensor1D, ctx),
    m.params.trainable().map((e) => e.variable),
  );
}

describe('GPT forward', () => {
  it('maps int32 [B, T] to logits [B, T, V]', () => {
    const m = tinyModel();
    const tokens = randomTokens(3, 7, 37);
    const logits = m.logits(tokens);
    expect(logits.shape).toEqual([3, 7, 37]);
    expect(Number.isFinite(tf.sum(logits).dataSync()[0]!)).toBe(true);
    tf.dispose([logits, tokens]);
    m.dispose();
  });

  it('is causal: changing token t never changes logits before t', () => {
    const m = tinyModel();
    const a = randomTokens(2, 10, 37, 11);
    const data = a.dataSync().slice();
    data[6] = (data[6]! + 5) % 37;
    data[10 + 6] = (data[10 + 6]! + 3) % 37;
    const b = tf.tensor2d(data, [2, 10], 'int32');
    const la = m.logits(a);
    const lb = m.logits(b);
    expect(maxAbsDiff(tf.slice(la, [0, 0, 0], [2, 6, 37]), tf.slice(lb, [0, 0, 0], [2, 6, 37]))).toBe(0);
    expect(maxAbsDiff(tf.slice(la, [0, 6, 0], [2, 4, 37]), tf.slice(lb, [0, 6, 0], [2, 4, 37]))).toBeGreaterThan(1e-4);
    tf.dispose([a, b, la, lb]);
    m.dispose();
  });

  it('rotary scores depend only on relative position', () => {
    // One head of size 8: the same q and k at every position, so score(i, j) = rope(q, i)·rope(k, j).
    const dh = 8;
    const T = 16;
    const qkvRow = Array.from({ length: 3 * dh }, (_, i) => Math.sin(i + 1));
    const x = tf.tensor2d(Array.from({ length: T }, () => qkvRow).flat(), [T, 3 * dh]);
    const rotated = rope(x, 1, T, 1, dh, 0, 10000, false).arraySync();
    const score = (i: number, j: number) =>
      rotated[i]!.slice(0, dh).reduce((a, q, d) => a + q * rotated[j]![dh + d]!, 0);
    expect(score(7, 3)).toBeCloseTo(score(14, 10), 4);
    expect(score(5, 5)).toBeCloseTo(score(0, 0), 4);
    expect(Math.abs(score(7, 3) - score(7, 6))).toBeGreaterThan(1e-3);
    // v is not rotated.
    expect(rotated[9]!.slice(2 * dh)).toEqual(Array.from(new Float32Array(qkvRow.slice(2 * dh))));
    x.dispose();
  });
});

describe('hand-written gradients', () => {
  const cases: [string, Partial<ModelConfigInput>][] = [
    ['rmsnorm', {}],
    ['layernorm + input scale', { norm: 'layernorm', inputScale: 2 }],
    ['trainable embedding + frozen projection', { embedding: 'trainable', substrateDim: 10, inputScale: 1.5 }],
    ['portable tfjs ops, no wasm kernels', {}],
  ];
  for (const [name, cfg] of cases) {
    it(`equal autodiff of a stock-op reference (${name})`, () => {
      setKernelsEnabled(!name.startsWith('portable'));
      const m = tinyModel(cfg);
      const tokens = randomTokens(2, 9, 37, 21);
      const targets = randomTokens(2, 9, 37, 22);
      const mine = modelLossGrads(m, tokens, targets);
      const ref = tf.variableGrads(
        () => referenceLoss(m, tokens, targets),
        m.params.trainable().map((e) => e.variable),
      );
      expect(Math.abs(mine.value.dataSync()[0]! - ref.value.dataSync()[0]!)).toBeLessThan(1e-5);
      for (const e of m.params.trainable()) {
        const g = mine.grads[e.variable.name]!;
        const r = ref.grads[e.variable.name]!;
        const scale = Math.max(
          1e-3,
          tf.tidy(() => tf.max(tf.abs(r)).dataSync()[0]!),
        );
        expect(maxAbsDiff(g, r) / scale, e.name).toBeLessThan(2e-4);
      }
      tf.dispose([tokens, targets, mine.value, ref.value, ...Object.values(mine.grads), ...Object.values(ref.grads)]);
      m.dispose();
      setKernelsEnabled(true);
    });
  }
});

describe('head', () => {
  it('gives the same loss and gradients in one chunk or many', () => {
    const h = tf.randomNormal([10, 8], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([8, 13], 0, 1, 'float32', 2) as tf.Tensor2D;
    const t = tf.tensor1d([0, 12, 5, 5, 7, 1, 2, 3, 11, 9], 'int32');
    const run = (chunkFloats: number) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        headCrossEntropy(a as tf.Tensor2D, b as tf.Tensor2D, t, true, true, chunkFloats),
      );
    const one = run(1 << 21)([h, w]);
    const many = run(3 * 13)([h, w]);
    one.forEach((g, i) => expect(maxAbsDiff(g, many[i]!)).toBeLessThan(1e-6));
    expect(() => headCrossEntropy(h, w, tf.tensor1d([13, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'int32'), false, false)).toThrow(
      /target id 13/,
    );
    tf.dispose([h, w, t, ...one, ...many]);
  });
});

describe('KV-cache decoder', () => {
  it('gives the logits of a full recompute, one position per feed', () => {
    const m = tinyModel();
    const tokens = randomTokens(2, 12, 37, 31);
    const full = m.logits(tokens);
    const dec = m.openDecoder(2);
    const first = dec.feed(tf.slice(tokens, [0, 0], [2, 5]));
    expect(maxAbsDiff(first, tf.reshape(tf.slice(full, [0, 4, 0], [2, 1, 37]), [2, 37]))).toBeLessThan(1e-4);
    first.dispose();
    for (let t = 5; t < 12; t++) {
      const step = dec.feed(tf.slice(tokens, [0, t], [2, 1]));
      expect(dec.length).toBe(t + 1);
      expect(maxAbsDiff(step, tf.reshape(tf.slice(full, [0, t, 0], [2, 1, 37]), [2, 37]))).toBeLessThan(1e-4);
      step.dispose();
    }
    expect(() => dec.feed(tf.slice(tokens, [0, 0], [2, 1]))).toThrow(/context length 12/);
    dec.dispose();
    tf.dispose([tokens, full]);
    m.dispose();
  });
});

describe('structure', () => {
  it('names parameters stably and counts total / trainable / frozen', () => {
    const m = tinyModel();
    expect(m.params.names()).toEqual([
      ...[0, 1].flatMap((i) =>
        ['attn.wk', 'attn.wo', 'attn.wq', 'attn.wv', 'mlp.w1', 'mlp.w2', 'norm1.weight', 'norm2.weight'].map(
          (n) => `blocks.${i}.${n}`,
        ),
      ),
      'final_norm.weight',
      'head.weight',
    ]);
    const perBlock = 4 * 16 * 16 + 2 * 16 * 32 + 2 * 16;
    const total = 2 * perBlock + 16 + 16 * 37;
    expect(m.paramCounts()).toEqual({ total, trainable: total, frozen: 0 });
    m.freezeBlock(0);
    expect(m.paramCounts()).toEqual({ total, trainable: total - perBlock, frozen: perBlock });
    expect(m.firstTrainableBlock()).toBe(1);
    m.dispose();
  });

  it('adds a block on top; a zero-initialised block leaves the logits unchanged', () => {
    const m = tinyModel({ layers: 1 });
    const tokens = randomTokens(1, 6, 37, 41);
    const before = m.logits(tokens);
    m.freezeBlock(0);
    expect(m.addBlock('zero-output')).toBe(1);
    expect(m.layers).toBe(2);
    expect(m.config.layers).toBe(2);
    expect(m.firstTrainableBlock()).toBe(1);
    const after = m.logits(tokens);
    expect(maxAbsDiff(before, after)).toBeLessThan(1e-6);
    m.addBlock('scaled');
    const third = m.logits(tokens);
    expect(maxAbsDiff(before, third)).toBeGreaterThan(1e-5);
    tf.dispose([tokens, before, after, third]);
    m.dispose();
  });
});
