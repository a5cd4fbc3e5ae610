// `linear` (x · w with its two gradients) for `--precision f16` on webgpu. The forward reads the weight's kept
// float16 copy (half-store.ts) and packs x once; what the backward pass keeps is those packed operands, not the
// float32 x: the saved activation of every linear map takes half the memory. dX = dy·wᵀ and dW = xᵀ·dy share one
// packing of dy. Every product accumulates in float32 and returns float32.
import type * as tf from '@tensorflow/tfjs-core';
import { gradOp } from '../grad-op';
import { halfOperand } from './half-store';
import { gpuMatmulPacked, gpuPackHalf } from './matmul';
import { gpuRuntime, halfPrecision } from './runtime';

/** ops.linear in float16 storage, or null when `--precision f16` is off or the backend is not webgpu. */
export function gpuLinearHalf(x: tf.Tensor2D, w: tf.Tensor2D, gx: boolean, gw: boolean): tf.Tensor2D | null {
  const rt = gpuRuntime();
  if (!rt || !halfPrecision() || x.dtype !== 'float32' || w.dtype !== 'float32') return null;
  const xShape = x.shape;
  const wShape = w.shape;
  return gradOp<tf.Tensor2D>(
    [x, w],
    [gx, gw],
    ([a, b]) => {
      const pa = gpuPackHalf(rt, a!);
      const pb = halfOperand(rt, b!).packed;
      const value = gpuMatmulPacked(rt, pa, xShape, pb, wShape, false, false);
      // dX needs only w; dW needs only x. An intermediate disposed by the enclosing tidy survives in its alias.
      return { value, save: [pb, ...(gw ? [pa] : [])] };
    },
    (dy, [pb, pa], needs) => {
      const n = dy.shape[0]!;
      const dyShape: [number, number] = [n, wShape[1]];
      const pdy = gpuPackHalf(rt, dy);
      const dx = needs[0] ? gpuMatmulPacked(rt, pdy, dyShape, pb!, wShape, false, true) : null;
      const dw = needs[1] ? gpuMatmulPacked(rt, pa!, xShape, pdy, dyShape, true, false) : null;
      pdy.dispose();
      return [dx, dw];
    },
  );
}
