// The output head's softmax cross-entropy on WebGPU, chunked over rows: per chunk, logits by the tiled matmul,
// then one row kernel for the losses and one for softmax − onehot (each recomputes the row's log-sum-exp, which
// costs a read of the chunk instead of a second output), then dh and dw by matmul. No host reads.
import * as tf from '@tensorflow/tfjs-core';
import { gpuMatmulWith } from './matmul';
import { flatGrid, gpuRuntime, type GpuRuntime } from './runtime';

/** −log of the smallest probability head.ts admits (1e-30): the same clamp on the loss. */
const MAX_NLL = -Math.log(1e-30);
const RW = 64;

const LSE = `
var<workgroup> rowIdx: i32;
var<workgroup> red: array<f32, ${RW}>;

fn reduce(v: f32, isMax: bool) -> f32 {
  red[localIndex] = v;
  workgroupBarrier();
  for (var s = ${RW / 2}u; s > 0u; s = s >> 1u) {
    if (localIndex < s) {
      red[localIndex] = select(red[localIndex] + red[localIndex + s], max(red[localIndex], red[localIndex + s]), isMax);
    }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

/** log Σ exp over row \`row\` of L [R, V]. */
fn rowLse(row: i32, V: i32) -> f32 {
  var m = -3.0e38;
  for (var j = i32(localIndex); j < V; j += ${RW}) { m = max(m, L[row * V + j]); }
  m = reduce(m, true);
  var s = 0.0;
  for (var j = i32(localIndex); j < V; j += ${RW}) { s += exp(L[row * V + j] - m); }
  return m + log(reduce(s, false));
}

fn thisRow() -> i32 {
  if (localIndex == 0u) { rowIdx = i32(workgroupId.y * numWorkgroups.x + workgroupId.x); }
  return workgroupUniformLoad(&rowIdx);
}`;

const NLL = `${LSE}
fn main() {
  let row = thisRow();
  let V = uniforms.lShape[1];
  if (row >= uniforms.lShape[0]) { return; }
  let lse = rowLse(row, V);
  if (localIndex == 0u) { result[row] = min(lse - L[row * V + Y[row]], ${MAX_NLL}); }
}`;

const GRAD = `${LSE}
fn main() {
  let row = thisRow();
  let V = uniforms.lShape[1];
  if (row >= uniforms.lShape[0]) { return; }
  let lse = rowLse(row, V);
  let t = Y[row];
  for (var j = i32(localIndex); j < V; j += ${RW}) {
    result[row * V + j] = exp(L[row * V + j] - lse) - select(0.0, 1.0, j == t);
  }
}`;

function rowKernel(
  rt: GpuRuntime,
  key: string,
  code: string,
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  outShape: number[],
): tf.Tensor {
  return rt.run({
    key,
    inputs: [logits, targets],
    names: ['L', 'Y'],
    outShape,
    workgroups: flatGrid(logits.shape[0]),
    workgroupSize: [RW, 1, 1],
    code,
  });
}

export interface GpuHeadPass {
  loss: tf.Scalar;
  dh: tf.Tensor2D | null;
  dw: tf.Tensor2D | null;
}

/**
 * Mean cross-entropy of x [N, D] · w [D, V] against int32 targets [N] and, when asked, the unscaled gradients
 * Σ (softmax − onehot)·wᵀ and xᵀ·(softmax − onehot), over chunks of about `chunkFloats` logits; null off webgpu.
 */
export function gpuHeadPass(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: tf.Tensor1D,
  wantDh: boolean,
  wantDw: boolean,
  chunkFloats: number,
): GpuHeadPass | null {
  const rt = gpuRuntime();
  if (!rt || x.dtype !== 'float32' || w.dtype !== 'float32') return null;
  const [n, d] = x.shape;
  const v = w.shape[1];
  const rows = Math.max(1, Math.min(n, Math.floor(chunkFloats / v)));
  const nlls: tf.Tensor[] = [];
  const dhs: tf.Tensor2D[] = [];
  let dw: tf.Tensor2D | null = null;
  for (let r0 = 0; r0 < n; r0 += rows) {
    const r = Math.min(rows, n - r0);
    const xc = r === n ? x : (tf.slice(x, [r0, 0], [r, d]) as tf.Tensor2D);
    const tc = r === n ? targets : (tf.slice(targets, [r0], [r]) as tf.Tensor1D);
    const logits = gpuMatmulWith(rt, xc, w, false, false);
    nlls.push(rowKernel(rt, 'xent_nll', NLL, logits, tc, [r]));
    if (wantDh || wantDw) {
      const grad = rowKernel(rt, 'xent_grad', GRAD, logits, tc, [r, v]) as tf.Tensor2D;
      if (wantDh) dhs.push(gpuMatmulWith(rt, grad, w, false, true));
      if (wantDw) {
        const part = gpuMatmulWith(rt, xc, grad, true, false);
        if (dw) {
          const sum = tf.add(dw, part) as tf.Tensor2D;
          tf.dispose([dw, part]);
          dw = sum;
        } else dw = part;
      }
      grad.dispose();
    }
    logits.dispose();
    if (xc !== x) xc.dispose();
    if (tc !== targets) tc.dispose();
  }
  const all = nlls.length === 1 ? nlls[0]! : tf.concat(nlls);
  const loss = tf.mean(all) as tf.Scalar;
  const dh = dhs.length === 0 ? null : dhs.length === 1 ? dhs[0]! : (tf.concat(dhs, 0) as tf.Tensor2D);
  tf.dispose(nlls);
  if (all !== nlls[0]) all.dispose();
  if (dhs.length > 1) tf.dispose(dhs);
  return { loss, dh, dw };
}
