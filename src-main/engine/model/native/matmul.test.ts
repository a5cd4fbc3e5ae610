// The native matrix path against the WebAssembly one: products in every transpose layout, the fused softmax
// cross-entropy, a whole forward/backward and a few training steps agree within float tolerance, and the
// native results do not depend on the thread count.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setComputeThreads } from '../../backend';
import type { GPT } from '../gpt';
import { randomTokens, testBackend, tinyModel } from '../../../../test/support/model';
import { sixStepLosses } from '../../../../test/support/six-step-losses';
import { Rng } from '../../util/rng';
import { loadGemmAddon, nativeReason } from './addon';
import { heapGemm, matmul, setNativeMatmulEnabled } from './matmul';

beforeAll(async () => {
  await testBackend();
  // The addon is part of the build (`npm ci` makes it); its absence here is a failure, not a skip.
  if (!loadGemmAddon()) throw new Error(`native addon unavailable: ${nativeReason()} — run \`npm run build:native\``);
});

afterEach(() => {
  setNativeMatmulEnabled(true);
  setComputeThreads(1);
  const addon = loadGemmAddon()!;
  addon.setKernel(addon.kernels()[0]!);
});

/** The kernels to test, read before the tests are collected (the addon loads without a tfjs backend). */
function loadKernelNames(): string[] {
  return loadGemmAddon()?.kernels() ?? ['(native addon unavailable)'];
}

function randn(shape: [number, number], seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  return tf.tensor2d(
    Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal()),
    shape,
  );
}

/** Largest |a − b| relative to the largest |b| (products of random matrices grow with the inner size). */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]!));
}

function bothPaths<T>(fn: () => T): { native: T; wasm: T } {
  setNativeMatmulEnabled(true);
  const native = fn();
  setNativeMatmulEnabled(false);
  const wasm = fn();
  setNativeMatmulEnabled(true);
  return { native, wasm };
}

describe('native matmul', () => {
  it('runs natively in this build', () => {
    expect(heapGemm()).not.toBeNull();
  });

  it.each([
    [7, 19, 5],
    [33, 17, 300],
    [100, 130, 257],
    [256, 512, 64],
  ])('equals tfjs for %i×%i·%i in all four transpose layouts', (m, n, k) => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const a = randn(transA ? [k, m] : [m, k], m + k);
        const b = randn(transB ? [n, k] : [k, n], n + 2 * k);
        const { native, wasm } = bothPaths(() => matmul(a, b, transA, transB));
        expect(native.shape).toEqual([m, n]);
        expect(relDiff(native, wasm)).toBeLessThan(1e-5);
        tf.dispose([a, b, native, wasm]);
      }
    }
  });

  // Every micro-kernel this CPU runs (AVX-512, AVX2, NEON, portable), forced in turn, against float64 sums.
  it.each(loadKernelNames())(
    'kernel %s equals a float64 reference in all four layouts, ragged edges and every thread count',
    (name) => {
      const addon = loadGemmAddon()!;
      addon.setKernel(name);
      expect(addon.kernel()).toBe(name);
      const g = heapGemm()!;
      for (const [m, n, k] of [
        [13, 35, 7],
        [25, 33, 257],
        [300, 77, 130],
      ] as const) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const a = randn(transA ? [k, m] : [m, k], m + k);
            const b = randn(transB ? [n, k] : [k, n], n + 2 * k);
            const [ah, bh] = [a.dataSync(), b.dataSync()];
            const outs: Float32Array[] = [];
            for (const threads of [1, 2, 5]) {
              setComputeThreads(threads);
              const c = g.empty([m, n]);
              g.run(c, 0, { t: a, trans: transA }, { t: b, trans: transB }, false);
              outs.push(c.dataSync() as Float32Array);
              c.dispose();
            }
            let worst = 0;
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let ref = 0;
                let mag = 0;
                for (let p = 0; p < k; p++) {
                  const t = ah[transA ? p * m + i : i * k + p]! * bh[transB ? j * k + p : p * n + j]!;
                  ref += t;
                  mag += Math.abs(t);
                }
                worst = Math.max(worst, Math.abs(outs[0]![i * n + j]! - ref) / (k * 1.2e-7 * mag + 1e-30));
              }
            }
            expect(worst, `${name} ${m}×${n}·${k} transA=${transA} transB=${transB}`).toBeLessThanOrEqual(1);
            for (const o of outs.slice(1))
              expect(Buffer.compare(Buffer.from(o.buffer), Buffer.from(outs[0]!.buffer))).toBe(0);
            tf.dispose([a, b]);
          }
        }
      }
    },
  );

  it('refuses a kernel this CPU does not run, naming those it does', () => {
    const addon = loadGemmAddon()!;
    expect(addon.kernels().at(-1)).toBe('portable');
    expect(() => addon.setKernel('sse9')).toThrow(/kernel 'sse9' does not run on this CPU \(it runs: .*portable\)/);
  });

  it('reads row ranges in place and accumulates into an output', () => {
    const g = heapGemm()!;
    const x = randn([40, 24], 1);
    const w = randn([24, 12], 2);
    const out = g.empty([40, 12]);
    g.run(out, 0, { t: x, rows: 25 }, { t: w }, false);
    g.run(out, 25, { t: x, row0: 25 }, { t: w }, false);
    const expected = tf.matMul(x, w);
    expect(relDiff(out, expected)).toBeLessThan(1e-5);
    // xᵀ·y summed over two row ranges equals it over all rows.
    const y = randn([40, 12], 3);
    const acc = g.empty([24, 12]);
    g.run(acc, 0, { t: x, rows: 25, trans: true }, { t: y, rows: 25 }, false);
    g.run(acc, 0, { t: x, row0: 25, trans: true }, { t: y, row0: 25 }, true);
    const full = tf.matMul(tf.transpose(x), y);
    expect(relDiff(acc, full)).toBeLessThan(1e-5);
    tf.dispose([x, w, out, expected, y, acc, full]);
  });

  it('rejects operands whose shapes do not fit', () => {
    const g = heapGemm()!;
    const a = randn([4, 3], 1);
    const b = randn([5, 2], 2);
    const c = g.empty([4, 2]);
    expect(() => g.run(c, 0, { t: a }, { t: b }, false)).toThrow(/do not fit/);
    tf.dispose([a, b, c]);
  });

  it('fused softmax cross-entropy equals softmax − onehot and the target probabilities', () => {
    const g = heapGemm()!;
    const [r, v] = [37, 96];
    const logits = tf.mul(randn([r, v], 4), 3) as tf.Tensor2D;
    const targets = Int32Array.from({ length: r }, (_, i) => (i * 31) % v);
    const probs = tf.softmax(logits);
    const expected = tf.sub(probs, tf.oneHot(tf.tensor1d(targets, 'int32'), v));
    const expectedPt = tf
      .gather(
        tf.reshape(probs, [-1]),
        tf.tensor1d(
          Int32Array.from(targets, (t, i) => i * v + t),
          'int32',
        ),
      )
      .dataSync();
    const buf = tf.clone(logits) as tf.Tensor2D;
    const pt = g.softmaxXent(buf, targets, true);
    expect(tf.max(tf.abs(tf.sub(buf, expected))).dataSync()[0]!).toBeLessThan(1e-6);
    for (let i = 0; i < r; i++) expect(Math.abs(pt[i]! - expectedPt[i]!)).toBeLessThan(1e-6);
    expect(() =>
      g.softmaxXent(
        buf,
        Int32Array.from({ length: r }, () => v),
        true,
      ),
    ).toThrow(/outside the row/);
    tf.dispose([logits, probs, expected, buf]);
  });
});

function lossAndGrads(m: GPT, tokens: tf.Tensor2D, targets: tf.Tensor2D) {
  const [B, T] = tokens.shape;
  const ctx = { grads: true };
  return tf.variableGrads(
    () =>
      m.headLoss(m.blocks(m.embed(tokens, ctx), 0, m.layers, B, T, ctx), tf.reshape(targets, [-1]) as tf.Tensor1D, ctx),
    m.params.trainable().map((e) => e.variable),
  );
}

describe('native path in the model', () => {
  it('gives the wasm path’s loss and gradients for a whole forward/backward', () => {
    const m = tinyModel({ vocabSize: 70, dModel: 32, heads: 4, layers: 2, contextLength: 16 });
    const tokens = randomTokens(3, 16, 70, 8);
    const targets = randomTokens(3, 16, 70, 9);
    const { native, wasm } = bothPaths(() => lossAndGrads(m, tokens, targets));
    expect(Math.abs(native.value.dataSync()[0]! - wasm.value.dataSync()[0]!)).toBeLessThan(1e-5);
    const names = Object.keys(wasm.grads);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(relDiff(native.grads[name]!, wasm.grads[name]!), name).toBeLessThan(1e-4);
    tf.dispose([
      native.value,
      wasm.value,
      ...Object.values(native.grads),
      ...Object.values(wasm.grads),
      tokens,
      targets,
    ]);
    m.dispose();
  });

  it('trains to the same losses as the wasm path, identically at 1 and 2 threads', async () => {
    const run = sixStepLosses;
    setComputeThreads(1);
    const one = await run();
    setComputeThreads(2);
    const two = await run();
    expect(two).toEqual(one);
    setNativeMatmulEnabled(false);
    const wasm = await run();
    expect(one.length).toBe(6);
    for (let i = 0; i < one.length; i++) expect(Math.abs(one[i]! - wasm[i]!)).toBeLessThan(1e-4);
  });
});
