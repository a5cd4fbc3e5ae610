// Fused RMSNorm (forward; backward as the row statistics, dx, and the gain's gradient) and GELU (tanh) on WebGPU:
// one pass each where the tfjs-op versions take 6–8 elementwise passes and reductions. Nothing but the input is
// saved: the backward passes recompute 1/rms and the sigmoid from x.
import * as tf from '@tensorflow/tfjs-core';
import { gradOp } from '../grad-op';
import { ceilDiv, flatGrid, gpuRuntime, type GpuRuntime } from './runtime';

/** Threads per row in the row kernels. */
const RW = 64;
/** Rows summed per workgroup for the gain's gradient (partials are then added by tfjs). */
const DG_ROWS = 256;

/** Row index (uniform: see attention.ts), a workgroup sum, and the row loop bounds. */
const ROW_PRELUDE = `
var<workgroup> rowIdx: i32;
var<workgroup> red: array<f32, ${RW}>;

fn rowSum(v: f32) -> f32 {
  red[localIndex] = v;
  workgroupBarrier();
  for (var s = ${RW / 2}u; s > 0u; s = s >> 1u) {
    if (localIndex < s) { red[localIndex] += red[localIndex + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

fn thisRow() -> i32 {
  if (localIndex == 0u) { rowIdx = i32(workgroupId.y * numWorkgroups.x + workgroupId.x); }
  return workgroupUniformLoad(&rowIdx);
}`;

const RMS_FWD = `${ROW_PRELUDE}
fn main() {
  let row = thisRow();
  let N = uniforms.xShape[0];
  let D = uniforms.xShape[1];
  if (row >= N) { return; }
  let base = row * D;
  var ss = 0.0;
  for (var j = i32(localIndex); j < D; j += ${RW}) { let x = X[base + j]; ss += x * x; }
  let r = 1.0 / sqrt(rowSum(ss) / f32(D) + uniforms.eps);
  for (var j = i32(localIndex); j < D; j += ${RW}) { result[base + j] = X[base + j] * r * G[j]; }
}`;

const RMS_R = `${ROW_PRELUDE}
fn main() {
  let row = thisRow();
  let N = uniforms.xShape[0];
  let D = uniforms.xShape[1];
  if (row >= N) { return; }
  var ss = 0.0;
  for (var j = i32(localIndex); j < D; j += ${RW}) { let x = X[row * D + j]; ss += x * x; }
  let r = 1.0 / sqrt(rowSum(ss) / f32(D) + uniforms.eps);
  if (localIndex == 0u) { result[row] = r; }
}`;

// dx = r·(dy∘g) − r³·x·Σ(dy∘g∘x)/D
const RMS_DX = `${ROW_PRELUDE}
fn main() {
  let row = thisRow();
  let N = uniforms.xShape[0];
  let D = uniforms.xShape[1];
  if (row >= N) { return; }
  let base = row * D;
  var s = 0.0;
  for (var j = i32(localIndex); j < D; j += ${RW}) { s += Y[base + j] * G[j] * X[base + j]; }
  let r = R[row];
  let c = r * r * r * rowSum(s) / f32(D);
  for (var j = i32(localIndex); j < D; j += ${RW}) { result[base + j] = r * Y[base + j] * G[j] - c * X[base + j]; }
}`;

// Partial dg over a block of rows: out [ceil(N / DG_ROWS), D].
const RMS_DG = `
fn main() {
  let j = i32(workgroupId.x) * ${RW} + i32(localIndex);
  let N = uniforms.xShape[0];
  let D = uniforms.xShape[1];
  if (j >= D) { return; }
  let r0 = i32(workgroupId.y) * ${DG_ROWS};
  let r1 = min(r0 + ${DG_ROWS}, N);
  var acc = 0.0;
  for (var i = r0; i < r1; i++) { acc += Y[i * D + j] * X[i * D + j] * R[i]; }
  result[i32(workgroupId.y) * D + j] = acc;
}`;

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

// y = x·σ(u), u = 2c(x + a·x³) (tanh form through sigmoid, as ops.ts); dx = dy·(σ + x·σ(1−σ)·u').
const GELU = (backward: boolean) => `
fn main() {
  let idx = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * 256 + i32(localIndex);
  if (idx >= uniforms.xShape[0] * uniforms.xShape[1]) { return; }
  let x = X[idx];
  let x2 = x * x;
  let s = 1.0 / (1.0 + exp(-(x * (x2 * ${2 * GELU_C * GELU_A} + ${2 * GELU_C}))));
  ${
    backward
      ? `let du = x2 * ${2 * GELU_C * 3 * GELU_A} + ${2 * GELU_C};
  result[idx] = Y[idx] * (s + x * s * (1.0 - s) * du);`
      : 'result[idx] = x * s;'
  }
}`;

function rowKernel(
  rt: GpuRuntime,
  key: string,
  code: string,
  x: tf.Tensor2D,
  inputs: tf.Tensor[],
  names: string[],
  outShape: number[],
  eps: number,
): tf.Tensor {
  return rt.run({
    key,
    inputs: [x, ...inputs],
    names: ['X', ...names],
    outShape,
    workgroups: flatGrid(x.shape[0]),
    workgroupSize: [RW, 1, 1],
    uniforms: 'eps : f32,',
    values: [{ type: 'float32', data: [eps] }],
    code,
  });
}

export interface GpuNorms {
  rmsForward(x: tf.Tensor2D, g: tf.Tensor1D, eps: number): tf.Tensor2D;
  /** [dx, dg] from the upstream gradient and the forward's inputs. */
  rmsBackward(dy: tf.Tensor2D, x: tf.Tensor2D, g: tf.Tensor1D, eps: number): [tf.Tensor2D, tf.Tensor1D];
  geluForward(x: tf.Tensor2D): tf.Tensor2D;
  geluBackward(dy: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D;
}

/** The fused norm and activation kernels on webgpu, else null. */
export function gpuNorms(): GpuNorms | null {
  const rt = gpuRuntime();
  if (!rt) return null;
  const elementwise = (key: string, code: string, inputs: tf.Tensor[], names: string[]) =>
    rt.run({
      key,
      inputs,
      names,
      outShape: inputs[0]!.shape,
      workgroups: flatGrid(ceilDiv(inputs[0]!.size, 256)),
      workgroupSize: [256, 1, 1],
      code,
    }) as tf.Tensor2D;
  return {
    rmsForward: (x, g, eps) => rowKernel(rt, 'rms_fwd', RMS_FWD, x, [g], ['G'], x.shape, eps) as tf.Tensor2D,
    rmsBackward(dy, x, g, eps) {
      const [n, d] = x.shape;
      const r = rowKernel(rt, 'rms_r', RMS_R, x, [], [], [n], eps);
      const dx = rowKernel(rt, 'rms_dx', RMS_DX, x, [dy, g, r], ['Y', 'G', 'R'], x.shape, eps) as tf.Tensor2D;
      const blocks = ceilDiv(n, DG_ROWS);
      const parts = rt.run({
        key: 'rms_dg',
        inputs: [x, dy, r],
        names: ['X', 'Y', 'R'],
        outShape: [blocks, d],
        workgroups: [ceilDiv(d, RW), blocks, 1],
        workgroupSize: [RW, 1, 1],
        code: RMS_DG,
      });
      const dg = blocks === 1 ? (tf.reshape(parts, [d]) as tf.Tensor1D) : (tf.sum(parts, 0) as tf.Tensor1D);
      tf.dispose([r, parts]);
      return [dx, dg];
    },
    geluForward: (x) => elementwise('gelu_fwd', GELU(false), [x], ['X']),
    geluBackward: (dy, x) => elementwise('gelu_bwd', GELU(true), [x, dy], ['X', 'Y']),
  };
}

/** ops.rmsNorm on the fused kernels (with its gradients), or null off webgpu. */
export function gpuRmsNorm(x: tf.Tensor2D, g: tf.Tensor1D, eps: number, gx: boolean, gg: boolean): tf.Tensor2D | null {
  const k = gpuNorms();
  if (!k) return null;
  return gradOp<tf.Tensor2D>(
    [x, g],
    [gx, gg],
    ([a, gain]) => ({ value: k.rmsForward(a as tf.Tensor2D, gain as tf.Tensor1D, eps), save: [a!, gain!] }),
    (dy, [a, gain]) => k.rmsBackward(dy as tf.Tensor2D, a as tf.Tensor2D, gain as tf.Tensor1D, eps),
  );
}

/** ops.gelu on the fused kernels (with its gradient), or null off webgpu. */
export function gpuGelu(x: tf.Tensor2D, gx: boolean): tf.Tensor2D | null {
  const k = gpuNorms();
  if (!k) return null;
  return gradOp<tf.Tensor2D>(
    [x],
    [gx],
    ([a]) => ({ value: k.geluForward(a as tf.Tensor2D), save: [a!] }),
    (dy, [a]) => [k.geluBackward(dy as tf.Tensor2D, a as tf.Tensor2D)],
  );
}
