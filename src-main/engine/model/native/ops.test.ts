// The native attention, RMSNorm and GELU (native/src/attention.cc, norms.cc) against the WebAssembly kernels
// they replace: each op's value and gradients, a whole model's loss and gradients, and a short training run
// agree within 1e-5 relative; the native results are bitwise the same on 1 and 2 threads.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setComputeThreads } from '../../backend';
import { randomTokens, testBackend, tinyModel } from '../../../../test/support/model';
import { sixStepLosses } from '../../../../test/support/six-step-losses';
import { Rng } from '../../util/rng';
import { causalAttention } from '../attention';
import type { GPT } from '../gpt';
import { gelu, rmsNorm } from '../ops';
import { loadGemmAddon, nativeReason } from './addon';
import { nativeOps, nativeOpsAvailable, setNativeOpsEnabled } from './ops';

beforeAll(async () => {
  await testBackend();
  // The addon is part of the build (`npm ci` makes it); its absence here is a failure, not a skip.
  if (!nativeOpsAvailable())
    throw new Error(`native ops unavailable: ${nativeReason()} — run \`npm run build:native\``);
});

afterEach(() => {
  setNativeOpsEnabled(true);
  setComputeThreads(1);
});

function randn(shape: number[], seed: number, sd = 1): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => sd * rng.normal()),
    shape,
  );
}

/** Largest |a − b| relative to the largest |b|. */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1e-30, tf.max(tf.abs(b)).dataSync()[0]!));
}

/** fn's value and gradients on the native kernels and on the WebAssembly ones. */
function bothPaths(fn: () => tf.Tensor[]): { native: Float32Array[]; wasm: Float32Array[]; diffs: number[] } {
  const run = (on: boolean) => {
    setNativeOpsEnabled(on);
    const ts = fn();
    const data = ts.map((t) => t.dataSync() as Float32Array);
    return { ts, data };
  };
  const n = run(true);
  const w = run(false);
  setNativeOpsEnabled(true);
  const diffs = n.ts.map((t, i) => relDiff(t, w.ts[i]!));
  tf.dispose([...n.ts, ...w.ts]);
  return { native: n.data, wasm: w.data, diffs };
}

/** An op's output and the gradients with respect to its inputs for the upstream gradient `dy`. */
function valueAndGrads(inputs: tf.Tensor[], op: (xs: tf.Tensor[]) => tf.Tensor, dy: tf.Tensor): tf.Tensor[] {
  const value = op(inputs);
  const grads = tf.grads((...xs: tf.Tensor[]) => op(xs))(inputs, dy);
  return [value, ...grads];
}

describe('native attention, RMSNorm and GELU', () => {
  it('run natively in this build', () => {
    expect(nativeOps()).not.toBeNull();
    setNativeOpsEnabled(false);
    expect(nativeOps()).toBeNull();
  });

  it('causal attention: output and dqkv equal the WebAssembly kernel’s', () => {
    const s = { B: 3, T: 24, heads: 4, headDim: 16 };
    const qkv = randn([s.B * s.T, 3 * s.heads * s.headDim], 1);
    const w = randn([s.B * s.T, s.heads * s.headDim], 2);
    const { diffs } = bothPaths(() => valueAndGrads([qkv], ([x]) => causalAttention(x as tf.Tensor2D, s, true), w));
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
    tf.dispose([qkv, w]);
  });

  it('RMSNorm: output, dx and the gain’s gradient equal the WebAssembly kernel’s', () => {
    const x = randn([70, 48], 3, 2);
    const g = tf.add(randn([48], 4, 0.1), 1);
    const w = randn([70, 48], 5);
    const { diffs } = bothPaths(() =>
      valueAndGrads([x, g], ([a, gain]) => rmsNorm(a as tf.Tensor2D, gain as tf.Tensor1D, 1e-5, true, true), w),
    );
    expect(diffs).toHaveLength(3);
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
    tf.dispose([x, g, w]);
  });

  it('GELU: output and dx equal the WebAssembly kernel’s, saturations included', () => {
    const x = tf.concat([
      tf.reshape(randn([60, 32], 6, 3), [-1]),
      tf.tensor1d([-90, -12, 0, 12, 90, 1e-3, -1e-3, 2.5]),
    ]);
    const x2 = tf.reshape(x, [8, 241]);
    const w = randn([8, 241], 7);
    const { diffs } = bothPaths(() => valueAndGrads([x2], ([a]) => gelu(a as tf.Tensor2D, true), w));
    for (const d of diffs) expect(d).toBeLessThan(1e-5);
    tf.dispose([x, x2, w]);
  });

  it('refuse memory regions outside the heap, naming the kernel', () => {
    const addon = loadGemmAddon()!;
    const mem = new ArrayBuffer(1024);
    expect(() => addon.geluForward!(mem, 0, 512, 0, 200)).toThrow(/geluForward: argument 2 .* outside the memory/);
    expect(() => addon.attentionForward!(mem, 0, 0, 0, 1, 8, 2, 8, 1)).toThrow(
      /attentionForward: .*outside the memory/,
    );
    expect(() => addon.rmsNormForward!(mem, 2, 0, 0, 0, 1, 4, 1e-5)).toThrow(/rmsNormForward: argument 1/);
  });
});

function lossAndGrads(m: GPT, tokens: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor[] {
  const [B, T] = tokens.shape;
  const ctx = { grads: true };
  const names = m.params.trainable().map((e) => e.variable);
  const { value, grads } = tf.variableGrads(
    () =>
      m.headLoss(m.blocks(m.embed(tokens, ctx), 0, m.layers, B, T, ctx), tf.reshape(targets, [-1]) as tf.Tensor1D, ctx),
    names,
  );
  return [value, ...names.map((v) => grads[v.name]!)];
}

describe('native ops in the model', () => {
  it('give the WebAssembly path’s loss and gradients for a whole training step, bitwise alike at 1 and 2 threads', () => {
    // Wide enough (1,024 rows, 4 heads of 32) for every kernel to split its work across threads.
    const m = tinyModel({ vocabSize: 300, dModel: 128, heads: 4, layers: 2, contextLength: 64, mlpRatio: 4 });
    const tokens = randomTokens(16, 64, 300, 8);
    const targets = randomTokens(16, 64, 300, 9);
    const { native, diffs } = bothPaths(() => lossAndGrads(m, tokens, targets));
    expect(diffs.length).toBeGreaterThan(10);
    diffs.forEach((d, i) => expect(d, `output ${i} (0: the loss)`).toBeLessThan(1e-5));
    setComputeThreads(2);
    const two = lossAndGrads(m, tokens, targets);
    two.forEach((t, i) =>
      expect(
        Buffer.from((t.dataSync() as Float32Array).buffer).equals(Buffer.from(native[i]!.buffer)),
        `output ${i}`,
      ).toBe(true),
    );
    tf.dispose([...two, tokens, targets]);
    m.dispose();
  });

  it('train to the WebAssembly path’s losses', async () => {
    const run = sixStepLosses;
    const native = await run();
    setNativeOpsEnabled(false);
    const wasm = await run();
    expect(native).toHaveLength(6);
    for (let i = 0; i < native.length; i++) expect(Math.abs(native[i]! - wasm[i]!) / wasm[i]!).toBeLessThan(1e-5);
  });
});
