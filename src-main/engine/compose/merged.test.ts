// The merge modes against their definitions, self-merges, weights and compatibility errors, and the
// per-expert KV-cache decoder against full recomputation.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { HashLM, randomTable } from '../../../test/helpers/toy-lm';
import { BigramLM } from '../../../test/oracles/bigram';
import type { CausalLM } from '../model/lm';
import { generateIds } from '../generate/generate';
import { UserError } from '../../common/errors';
import { MERGE_MODES, resolveWeights } from './combine';
import { MergedLM } from './merged';
import { initBackend } from '../backend';

// Models are built while the suite is collected, so the backend must be up before that.
await initBackend({ backend: 'wasm', threads: 1 });

const V = 10;
const T = 6;

function logSoftmaxRows(data: ArrayLike<number>, v: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let s = 0; s < data.length; s += v) {
    const r = Float64Array.from({ length: v }, (_, i) => data[s + i]!);
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((a, x) => a + Math.exp(x - m), 0));
    rows.push(r.map((x) => x - lse));
  }
  return rows;
}

function logitsOf(m: CausalLM, ids: number[][]): Float32Array {
  const x = tf.tensor2d(ids.flat(), [ids.length, ids[0]!.length], 'int32');
  const l = m.logits(x);
  const d = l.dataSync() as Float32Array;
  tf.dispose([x, l]);
  return d;
}

function expectRowsClose(a: Float64Array[], b: Float64Array[], digits = 4): void {
  expect(a.length).toBe(b.length);
  a.forEach((r, i) => r.forEach((x, j) => expect(x).toBeCloseTo(b[i]![j]!, digits)));
}

describe('MergedLM', () => {
  const a = new HashLM(randomTable(V, 1), 16);
  const b = new BigramLM(randomTable(V, 2, 3), {
    contextLength: 12,
    substrateId: 'toy-substrate',
    tokenizerId: 'toy-tokenizer',
  });
  const c = new HashLM(randomTable(V, 3, 1), 20);
  const ids = [
    [1, 2, 3, 4, 5, 6],
    [9, 0, 9, 0, 2, 2],
  ];
  afterAll(() => [a, b, c].forEach((m) => m.dispose()));

  it('merging a model with itself reproduces its distribution in every mode', () => {
    const want = logSoftmaxRows(logitsOf(a, ids), V);
    for (const mode of MERGE_MODES) {
      const m = new MergedLM([a, a, a], { mode, weights: mode === 'weighted' ? [1, 2, 3] : undefined });
      expectRowsClose(logSoftmaxRows(logitsOf(m, ids), V), want);
    }
    // The paper's mode returns the very same logits, not just the same distribution.
    const same = logitsOf(new MergedLM([a, a]), ids);
    logitsOf(a, ids).forEach((x, i) => expect(same[i]).toBeCloseTo(x, 5));
  });

  it('`logits` mode is the normalised geometric mean of the experts\u2019 probabilities', () => {
    const pa = logSoftmaxRows(logitsOf(a, ids), V);
    const pb = logSoftmaxRows(logitsOf(b, ids), V);
    const pc = logSoftmaxRows(logitsOf(c, ids), V);
    const geo = pa.map((r, i) => {
      const g = r.map((x, j) => Math.exp((x + pb[i]![j]! + pc[i]![j]!) / 3));
      const z = g.reduce((s, x) => s + x, 0);
      return g.map((x) => Math.log(x / z));
    });
    expectRowsClose(logSoftmaxRows(logitsOf(new MergedLM([a, b, c]), ids), V), geo);
  });

  it('`weighted` mode is the weighted mean of logits with normalised weights', () => {
    const la = logitsOf(a, ids);
    const lb = logitsOf(b, ids);
    const m = logitsOf(new MergedLM([a, b], { mode: 'weighted', weights: [3, 1] }), ids);
    m.forEach((x, i) => expect(x).toBeCloseTo(0.75 * la[i]! + 0.25 * lb[i]!, 4));
  });

  it('`probs` mode is the mixture of the experts\u2019 probabilities, returned as log-probabilities', () => {
    const pa = logSoftmaxRows(logitsOf(a, ids), V);
    const pb = logSoftmaxRows(logitsOf(b, ids), V);
    for (const [w, mode] of [
      [undefined, 'probs'],
      [[1, 3], 'probs'],
    ] as const) {
      const wa = w ? 0.25 : 0.5;
      const m = logitsOf(new MergedLM([a, b], { mode, weights: w }), ids);
      const rows = pa.map((r, i) => r.map((x, j) => wa * Math.exp(x) + (1 - wa) * Math.exp(pb[i]![j]!)));
      rows.flatMap((r) => Array.from(r)).forEach((p, i) => expect(Math.exp(m[i]!)).toBeCloseTo(p, 5));
    }
  });

  it('`confidence` mode weights each expert by softmax of its negative entropy at each position', () => {
    const pa = logSoftmaxRows(logitsOf(a, ids), V);
    const pb = logSoftmaxRows(logitsOf(b, ids), V);
    const m = logSoftmaxRows(logitsOf(new MergedLM([a, b], { mode: 'confidence' }), ids), V);
    const ent = (r: Float64Array) => -r.reduce((s, x) => s + Math.exp(x) * x, 0);
    const want = pa.map((r, i) => {
      const [ha, hb] = [ent(r), ent(pb[i]!)];
      const ca = Math.exp(-ha) / (Math.exp(-ha) + Math.exp(-hb));
      return logSoftmaxRows(
        r.map((x, j) => ca * x + (1 - ca) * pb[i]![j]!),
        V,
      )[0]!;
    });
    expectRowsClose(m, want);
  });

  it('decodes with one KV cache per expert, equal to full recomputation', async () => {
    for (const mode of MERGE_MODES) {
      const m = new MergedLM([a, b, c], { mode, weights: mode === 'weighted' ? [0.2, 0.3, 0.5] : undefined });
      expect(m.contextLength).toBe(12);
      const dec = m.openDecoder(2);
      const steps = [ids.map((r) => r.slice(0, 3)), ids.map((r) => r.slice(3, 4)), ids.map((r) => r.slice(4, 6))];
      let fed = 0;
      const full = logitsOf(m, ids);
      for (const s of steps) {
        const x = tf.tensor2d(s.flat(), [2, s[0]!.length], 'int32');
        const out = dec.feed(x);
        fed += s[0]!.length;
        const got = out.dataSync();
        for (let r = 0; r < 2; r++)
          for (let j = 0; j < V; j++) expect(got[r * V + j]).toBeCloseTo(full[(r * T + fed - 1) * V + j]!, 4);
        tf.dispose([x, out]);
      }
      expect(dec.length).toBe(6);
      dec.dispose();
    }
  });

  it('generates through the merge without leaking tensors', async () => {
    const m = new MergedLM([a, b, c], { mode: 'confidence' });
    const before = tf.memory().numTensors;
    const r = await generateIds(m, [Int32Array.of(1, 2), Int32Array.of(3)], {
      maxTokens: 30,
      temperature: 0.8,
      seed: 1,
    });
    expect(r.ids.map((x) => x.length)).toEqual([30, 30]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('merge weights and compatibility', () => {
  it('validates weights', () => {
    expect(resolveWeights('weighted', 2, [1, 3])).toEqual([0.25, 0.75]);
    expect(resolveWeights('logits', 3)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(resolveWeights('logits', 2, [2, 2])).toEqual([0.5, 0.5]);
    expect(() => resolveWeights('weighted', 2)).toThrow(/mode "weighted" needs weights/);
    expect(() => resolveWeights('weighted', 2, [1])).toThrow(/got 1 numbers for 2 experts/);
    expect(() => resolveWeights('probs', 2, [1, -1])).toThrow(/weight 2 is -1/);
    expect(() => resolveWeights('probs', 2, [0, 0])).toThrow(/all weights are 0/);
    expect(() => resolveWeights('weighted', 2, [1, NaN])).toThrow(UserError);
    expect(() => resolveWeights('logits', 2, [1, 2])).toThrow(/use mode "weighted"/);
    expect(() => resolveWeights('logits', 1)).toThrow(/at least 2 experts/);
  });

  it('refuses experts with different substrate or tokenizer ids, naming both ids of each expert', () => {
    const t = randomTable(V, 4);
    const x = new BigramLM(t, { substrateId: 'sub-glyph-1', tokenizerId: 'tok-1' });
    const y = new BigramLM(t, { substrateId: 'sub-random-2', tokenizerId: 'tok-1' });
    const z = new BigramLM(t, { substrateId: 'sub-glyph-1', tokenizerId: 'tok-9' });
    expect(() => new MergedLM([x, y], { names: ['runs/ru', 'runs/zh'] })).toThrow(
      'cannot merge: expert A (runs/ru) has substrate sub-glyph-1, tokenizer tok-1; expert B (runs/zh) has substrate sub-random-2, tokenizer tok-1 — substrate ids differ',
    );
    expect(() => new MergedLM([x, z])).toThrow(
      /expert B \(expert 2\) has substrate sub-glyph-1, tokenizer tok-9 — tokenizer ids differ/,
    );
    expect(() => new MergedLM([y, z])).toThrow(/substrate and tokenizer ids differ/);
    expect(() => new MergedLM([x, y])).toThrow(UserError);
    [x, y, z].forEach((m) => m.dispose());
  });
});
