// Merges of real GPT experts that differ in depth and width but share the substrate and tokenizer:
// self-merge, KV-cache decoding per expert, and head-only tuning that leaves every other weight bit-identical.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { generateIds } from '../generate/generate';
import { randomTokens, tinyModel } from '../../../test/support/model';
import { MERGE_MODES } from './combine';
import { MergedLM } from './merged';
import { asHeadTunables, tuneMergedHeads } from './tune';

// Models are built while the suite is collected, so the backend must be up before that.
await initBackend({ backend: 'wasm', threads: 1 });

describe('merging GPT experts', () => {
  // Same substrate (16-d rows, seed 1) and tokenizer; B is deeper and wider through a frozen projection.
  const a = tinyModel({ layers: 1, initStd: 0.3 }, 21);
  const b = tinyModel({ layers: 3, dModel: 32, heads: 4, substrateDim: 16, contextLength: 10, initStd: 0.3 }, 22);
  afterAll(() => [a, b].forEach((m) => m.dispose()));

  it('shares ids across widths, and a self-merge reproduces the expert', () => {
    expect(b.substrateId).toBe(a.substrateId);
    const x = randomTokens(2, 8, a.vocabSize);
    for (const mode of MERGE_MODES) {
      const m = new MergedLM([b, b], { mode, weights: mode === 'weighted' ? [1, 3] : undefined });
      const [got, want] = tf.tidy(() => [tf.logSoftmax(m.logits(x)), tf.logSoftmax(b.logits(x))]);
      const g = got!.dataSync();
      want!.dataSync().forEach((w, i) => expect(g[i]).toBeCloseTo(w, 4));
      tf.dispose([got!, want!]);
    }
    x.dispose();
  });

  it('decodes with one KV cache per expert, equal to recomputation', async () => {
    const m = new MergedLM([a, b], { mode: 'confidence' });
    expect(m.contextLength).toBe(10);
    const x = randomTokens(2, 7, a.vocabSize, 9);
    const full = m.logits(x);
    const dec = m.openDecoder(2);
    const first = dec.feed(tf.slice(x, [0, 0], [2, 4]) as tf.Tensor2D);
    tf.dispose(first);
    for (let t = 4; t < 7; t++) {
      const step = tf.slice(x, [0, t], [2, 1]) as tf.Tensor2D;
      const got = dec.feed(step);
      const want = tf.reshape(tf.slice(full, [0, t, 0], [2, 1, a.vocabSize]), [2, a.vocabSize]);
      const w = want.dataSync();
      got.dataSync().forEach((v, i) => expect(v).toBeCloseTo(w[i]!, 3));
      tf.dispose([step, got, want]);
    }
    dec.dispose();
    tf.dispose([x, full]);
    const r = await generateIds(m, [Int32Array.of(1, 2, 3)], { maxTokens: 12, temperature: 0.7, seed: 4 });
    expect(r.ids[0]!.length).toBe(12);
  });

  it('tunes only the experts\u2019 output heads', async () => {
    const data = Int32Array.from({ length: 200 }, (_, i) => (i * 3) % 11);
    const snapshot = (m: typeof a) => new Map(m.params.names().map((n) => [n, Array.from(m.params.get(n).dataSync())]));
    const [sa, sb] = [snapshot(a), snapshot(b)];
    const report = await tuneMergedHeads(asHeadTunables(new MergedLM([a, b])), data, {
      steps: 12,
      lr: 0.02,
      batch: 4,
      context: 8,
      seed: 3,
    });
    expect(report.tunedLoss).toBeLessThan(report.zeroShotLoss);
    for (const [m, s] of [
      [a, sa],
      [b, sb],
    ] as const) {
      for (const [name, before] of s) {
        const after = Array.from(m.params.get(name).dataSync());
        if (name === 'head.weight') expect(after).not.toEqual(before);
        else expect(after, name).toEqual(before);
      }
    }
  });
});
