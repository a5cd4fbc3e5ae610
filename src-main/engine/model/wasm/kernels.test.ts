// The WebAssembly SIMD kernels against the portable tfjs path: attention forward/backward and RoPE.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { portableAttention } from '../attention';
import { attentionKernel } from '../attention-kernel';
import { rope } from '../ops';
import { ParamStore } from '../params';
import { AdamW, sumOfSquares } from '../../train/adamw';
import { testBackend } from '../../../../test/support/model';
import { gatherRows, splitColumns } from './layout';
import { kernelsDisabledReason, setKernelsEnabled } from './runtime';

beforeAll(testBackend);
afterEach(() => setKernelsEnabled(true));

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('wasm attention kernels', () => {
  for (const [B, T, heads, dh] of [
    [2, 7, 2, 8],
    [3, 16, 4, 32],
  ] as const) {
    it(`match the portable path (B=${B}, T=${T}, heads=${heads}, dh=${dh})`, () => {
      const s = { B, T, heads, headDim: dh };
      const k = attentionKernel(heads, dh);
      expect(k, kernelsDisabledReason() ?? '').not.toBeNull();
      const qkv = tf.randomNormal([B * T, 3 * heads * dh], 0, 1, 'float32', 7) as tf.Tensor2D;
      const dOut = tf.randomNormal([B * T, heads * dh], 0, 1, 'float32', 8) as tf.Tensor2D;
      const fast = k!.forward(qkv, s);
      const ref = portableAttention.forward(qkv, s);
      expect(maxDiff(fast.probs, ref.probs)).toBeLessThan(1e-5);
      expect(maxDiff(fast.out, ref.out)).toBeLessThan(1e-5);
      const dFast = k!.backward(dOut, qkv, fast.probs, s);
      const dRef = portableAttention.backward(dOut, qkv, ref.probs, s);
      expect(maxDiff(dFast, dRef)).toBeLessThan(1e-4);
      tf.dispose([qkv, dOut, fast.out, fast.probs, ref.out, ref.probs, dFast, dRef]);
    });
  }

  it('rotate q and k like the portable RoPE, forward and backward, at any offset', () => {
    const x = tf.randomNormal([2 * 5, 3 * 2 * 16], 0, 1, 'float32', 9) as tf.Tensor2D;
    for (const offset of [0, 11]) {
      const run = () => {
        const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 10);
        // The upstream gradient is given explicitly, so no stock gradient (sum, mul) is needed.
        const grad = tf.grad((a: tf.Tensor) => rope(a as tf.Tensor2D, 2, 5, 2, 16, offset, 10000, true))(x, dy);
        dy.dispose();
        return { grad, y: rope(x, 2, 5, 2, 16, offset, 10000, false) };
      };
      const fast = run();
      setKernelsEnabled(false);
      const ref = run();
      setKernelsEnabled(true);
      expect(maxDiff(fast.y, ref.y)).toBeLessThan(1e-5);
      expect(maxDiff(fast.grad, ref.grad)).toBeLessThan(1e-5);
      tf.dispose([fast.grad, fast.y, ref.grad, ref.y]);
    }
    x.dispose();
  });

  it('gather rows and split columns like tf.gather / tf.split', () => {
    for (const d of [1, 6, 16]) {
      const table = tf.randomNormal([13, d], 0, 1, 'float32', d) as tf.Tensor2D;
      const ids = tf.tensor1d([3, 0, 12, 3, 7], 'int32');
      const [a, b] = [gatherRows(table, ids), tf.gather(table, ids)];
      expect(maxDiff(a, b)).toBe(0);
      tf.dispose([table, ids, a, b]);
    }
    const x = tf.randomNormal([5, 15], 0, 1, 'float32', 3) as tf.Tensor2D;
    const mine = splitColumns(x, [4, 8, 3]);
    const ref = tf.split(x, [4, 8, 3], 1);
    mine.forEach((m, i) => expect(maxDiff(m, ref[i]!)).toBe(0));
    tf.dispose([x, ...mine, ...ref]);
  });

  it('update AdamW and sum squares like the tfjs-op path', () => {
    const run = (kernels: boolean) => {
      setKernelsEnabled(kernels);
      const store = new ParamStore();
      const w = tf.randomNormal([6, 10], 0, 1, 'float32', 4);
      const g = tf.randomNormal([7], 0, 1, 'float32', 5);
      store.add('m.w', w, { decay: true });
      store.add('m.g', g);
      const opt = new AdamW({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
      const grads = new Map<string, tf.Tensor>([
        ['m.w', tf.randomNormal([6, 10], 0, 1, 'float32', 6)],
        ['m.g', tf.randomNormal([7], 0, 1, 'float32', 7)],
      ]);
      const norm = sumOfSquares([...grads.values()]);
      for (let i = 0; i < 3; i++) opt.apply(store.list(), grads, 1e-2, 0.5);
      const out = { params: store.toHost(), norm, state: opt.state() };
      tf.dispose([w, g, ...grads.values()]);
      opt.dispose();
      store.dispose();
      return out;
    };
    const fast = run(true);
    const ref = run(false);
    expect(fast.norm).toBeCloseTo(ref.norm, 4);
    for (const n of ['m.w', 'm.g']) {
      fast.params[n]!.data.forEach((x, i) => expect(x).toBeCloseTo(ref.params[n]!.data[i]!, 6));
      fast.state.v[n]!.data.forEach((x, i) => expect(x).toBeCloseTo(ref.state.v[n]!.data[i]!, 6));
    }
  });
});
