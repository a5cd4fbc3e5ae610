// Rotary position embedding of a fused qkv [B·T, 3·heads·dh] on WebGPU in one dispatch: q and k heads rotate
// (half-split convention, as ops.ts's rope), v is copied; `inverse` applies the transpose (the backward pass).
import * as tf from '@tensorflow/tfjs-core';
import { ceilDiv, flatGrid, gpuRuntime } from './runtime';

const tables = new Map<string, tf.Tensor2D>();

/**
 * cos | sin of (offset + t) / base^(2i/dh), [T, dh] (cos in the first half): computed in float64 on the host.
 * Offset-0 tables (training) are kept for the process; the caller disposes others (generation's positions).
 */
export function angleTable(T: number, offset: number, headDim: number, base: number): tf.Tensor2D {
  const key = `${T}:${headDim}:${base}`;
  const hit = offset === 0 ? tables.get(key) : undefined;
  if (hit) return hit;
  const half = headDim / 2;
  const data = new Float32Array(T * headDim);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const ang = (t + offset) / Math.pow(base, (2 * i) / headDim);
      data[t * headDim + i] = Math.cos(ang);
      data[t * headDim + half + i] = Math.sin(ang);
    }
  }
  const t = tf.tensor2d(data, [T, headDim]);
  if (offset === 0) tables.set(key, tf.keep(t));
  return t;
}

const CODE = `
fn main() {
  let idx = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * 256 + i32(localIndex);
  let n = uniforms.outShape[0] * uniforms.outShape[1];
  if (idx >= n) { return; }
  let W = uniforms.outShape[1];
  let D = W / 3;
  let dh = uniforms.dh;
  let half = dh / 2;
  let r = idx / W;
  let c = idx % W;
  if (c >= 2 * D) { result[idx] = X[idx]; return; }
  let dd = c % dh;
  let t = r % uniforms.T;
  let first = dd < half;
  let f = select(dd - half, dd, first);
  let cs = R[t * dh + f];
  let sn = R[t * dh + half + f] * uniforms.dir;
  let partner = X[select(idx - half, idx + half, first)];
  result[idx] = X[idx] * cs + select(partner * sn, -partner * sn, first);
}`;

/** The rotated (or, with `inverse`, un-rotated) qkv, or null off webgpu. */
export function gpuRope(
  x: tf.Tensor2D,
  T: number,
  headDim: number,
  offset: number,
  base: number,
  inverse: boolean,
): tf.Tensor2D | null {
  const rt = gpuRuntime();
  if (!rt || headDim % 2 !== 0) return null;
  const table = angleTable(T, offset, headDim, base);
  const y = rt.run({
    key: 'rope',
    inputs: [x, table],
    names: ['X', 'R'],
    outShape: x.shape,
    workgroups: flatGrid(ceilDiv(x.size, 256)),
    workgroupSize: [256, 1, 1],
    uniforms: 'T : i32, dh : i32, dir : f32,',
    values: [
      { type: 'int32', data: [T] },
      { type: 'int32', data: [headDim] },
      { type: 'float32', data: [inverse ? -1 : 1] },
    ],
    code: CODE,
  }) as tf.Tensor2D;
  // Already recorded: tfjs releases the buffer only after the command buffer using it is submitted.
  if (offset !== 0) table.dispose();
  return y;
}
