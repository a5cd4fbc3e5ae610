// Part of the test/webgpu/half.ts child: the `linear` op under --precision f16 against float32 (value, dX, dW),
// what its backward pass holds once the forward's temporaries are gone, and the weights' kept float16 copies.
import * as tf from '@tensorflow/tfjs-core';
import { gradOp } from '../../src-main/engine/model/grad-op';
import { linear } from '../../src-main/engine/model/ops';
import {
  halfCopyBytes,
  halfCopyOf,
  releaseHalfCopies,
  writeHalfCopies,
} from '../../src-main/engine/model/webgpu/half-store';
import { setHalfPrecision } from '../../src-main/engine/model/webgpu/runtime';

export interface LinearHalfChecks {
  n: number;
  inputs: number;
  outputs: number;
  /** Relative errors of the f16 path against float32: y (K = inputs), dX (K = outputs), dW (K = n). */
  y: number;
  dx: number;
  dw: number;
  /** Bytes held when the backward pass starts, beyond what existed before the forward (f32 run, f16 run). */
  heldF32: number;
  heldF16: number;
  /** Bytes of the weight's kept float16 copy, and whether an assign made it stale (no longer returned). */
  copyBytes: number;
  staleAfterAssign: boolean;
}

async function relErr(got: tf.Tensor, ref: tf.Tensor): Promise<number> {
  const [g, r] = await Promise.all([got.data(), ref.data()]);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < r.length; i++) {
    scale = Math.max(scale, Math.abs(r[i]!));
    worst = Math.max(worst, Math.abs(g[i]! - r[i]!));
  }
  return g.every(Number.isFinite) ? worst / scale : Infinity;
}

/** Σ out ∘ c as a hand-differentiated op (tfjs-core's stock gradients are not loaded in Node); `onBackward` runs
 * first in the backward pass. */
function weightedSum(out: tf.Tensor2D, c: tf.Tensor2D, onBackward: () => void = () => undefined): tf.Scalar {
  return gradOp<tf.Scalar>(
    [out],
    [true],
    ([a]) => ({ value: tf.sum(tf.mul(a!, c)), save: [] }),
    (dy) => {
      onBackward();
      return [tf.mul(c, dy)];
    },
  );
}

export async function linearChecks(rand: (n: number) => Float32Array): Promise<LinearHalfChecks> {
  const [n, k, m] = [64, 96, 48];
  const x = tf.tensor2d(rand(n * k), [n, k]);
  const w = tf.variable(tf.tensor2d(rand(k * m), [k, m]), true, 'half_linear_w');
  const c = tf.tensor2d(rand(n * m), [n, m]);
  const run = (half: boolean) => {
    setHalfPrecision(half);
    if (half) writeHalfCopies([w]);
    let held = 0;
    let y: tf.Tensor | null = null;
    const before = tf.memory().numBytes;
    // loss = Σ (x·1)·w ∘ c. x·1 is a temporary of the forward: only what linear saves outlives it. The probe
    // is the last op of the forward, so its backward runs first and sees exactly what the backward holds.
    const { grads } = tf.variableGrads(() => {
      const h = tf.mul(x, 1) as tf.Tensor2D;
      const out = linear(h, w, true, true);
      y = tf.keep(tf.clone(out));
      return weightedSum(out, c, () => {
        held = tf.memory().numBytes - before;
      });
    }, [w]);
    setHalfPrecision(false);
    return { y: y!, dw: grads['half_linear_w']!, held };
  };
  const f32 = run(false);
  const f16 = run(true);
  // dX on its own (x as the trained input), f32 and f16.
  const dxOf = (half: boolean) => {
    setHalfPrecision(half);
    const g = tf.grad((xx: tf.Tensor) => weightedSum(linear(xx as tf.Tensor2D, w, true, false), c))(x);
    setHalfPrecision(false);
    return g;
  };
  const dx32 = dxOf(false);
  const dx16 = dxOf(true);
  const out: LinearHalfChecks = {
    n,
    inputs: k,
    outputs: m,
    y: await relErr(f16.y, f32.y),
    dx: await relErr(dx16, dx32),
    dw: await relErr(f16.dw, f32.dw),
    heldF32: f32.held,
    heldF16: f16.held,
    copyBytes: halfCopyBytes(),
    staleAfterAssign: false,
  };
  setHalfPrecision(true);
  w.assign(tf.mul(w, 2));
  out.staleAfterAssign = halfCopyOf(w) === null;
  setHalfPrecision(false);
  releaseHalfCopies();
  tf.dispose([x, w, c, f32.y, f32.dw, f16.y, f16.dw, dx32, dx16]);
  return out;
}
