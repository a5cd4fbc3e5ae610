// The output head fused with softmax cross-entropy, forward and backward in one chunked pass: the [N, V]
// logits never need a transpose and each chunk of them is touched while it is still in cache.
import * as tf from '@tensorflow/tfjs-core';
import { gradOp } from './grad-op';
import { HEAD_CHUNK_FLOATS, headChunkRows } from './head-chunk';
import { heapGemm } from './native/matmul';
import { gatherRows } from './wasm/layout';
import { gpuHeadPass } from './webgpu/head';

/** Probabilities below this are clamped before the log: a loss above ~69 nats means divergence anyway. */
const MIN_PROB = 1e-30;
const CHUNK_FLOATS = HEAD_CHUNK_FLOATS;

interface HeadPass {
  loss: tf.Scalar;
  /** Σ over rows of the unscaled gradients (softmax − onehot) @ wᵀ and hᵀ @ (softmax − onehot). */
  dh: tf.Tensor2D | null;
  dw: tf.Tensor2D | null;
}

/**
 * Loss and (when asked) both gradients in one pass over row chunks: the loss is the end of the graph, so
 * dlogits = softmax − onehot needs nothing from later, and each chunk's logits, probabilities and
 * gradient are used while still in cache.
 */
function headPass(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: tf.Tensor1D,
  wantDh: boolean,
  wantDw: boolean,
  chunkFloats: number,
): HeadPass {
  const [n, d] = x.shape;
  const v = w.shape[1];
  const host = targets.dataSync();
  for (let i = 0; i < n; i++)
    if (!(host[i]! >= 0 && host[i]! < v))
      throw new RangeError(`target id ${host[i]} at position ${i} is outside the vocabulary [0, ${v})`);
  const onGpu = gpuHeadPass(x, w, targets, wantDh, wantDw, chunkFloats);
  if (onGpu) return onGpu;
  const rows = headChunkRows(n, v, chunkFloats);
  // Natively, chunks are read from x in place and the gradients are written into (or summed in) one output.
  const g = heapGemm();
  const wT = wantDh && !g ? tf.transpose(w) : null;
  const pts: tf.Tensor1D[] = [];
  const dhs: tf.Tensor2D[] = [];
  const dhAll = wantDh && g ? g.empty([n, d]) : null;
  let dw: tf.Tensor2D | null = null;
  const nativePt = new Float32Array(g ? n : 0);
  for (let r0 = 0; r0 < n; r0 += rows) {
    const r = Math.min(rows, n - r0);
    if (g) {
      // Logits, softmax, target probabilities and softmax − onehot, all in one buffer.
      const grad = g.empty([r, v]);
      g.run(grad, 0, { t: x, row0: r0, rows: r }, { t: w }, false);
      nativePt.set(g.softmaxXent(grad, Int32Array.from(host.subarray(r0, r0 + r)), wantDh || wantDw), r0);
      if (dhAll) g.run(dhAll, r0, { t: grad }, { t: w, trans: true }, false);
      if (wantDw) {
        const first = dw === null;
        dw ??= g.empty([d, v]);
        g.run(dw, 0, { t: x, row0: r0, rows: r, trans: true }, { t: grad }, !first);
      }
      grad.dispose();
      continue;
    }
    const xc = r === n ? x : (tf.slice(x, [r0, 0], [r, d]) as tf.Tensor2D);
    const probs = tf.softmax(tf.matMul(xc, w)) as tf.Tensor2D;
    const flat = tf.tensor1d(
      Int32Array.from({ length: r }, (_, i) => i * v + host[r0 + i]!),
      'int32',
    );
    const pt = tf.reshape(gatherRows(tf.reshape(probs, [r * v, 1]) as tf.Tensor2D, flat), [r]) as tf.Tensor1D;
    pts.push(pt);
    if (!wantDh && !wantDw) continue;
    const idx = tf.tensor2d(
      Int32Array.from({ length: 2 * r }, (_, k) => (k % 2 === 0 ? k / 2 : host[r0 + (k - 1) / 2]!)),
      [r, 2],
      'int32',
    );
    const grad = tf.tensorScatterUpdate(probs, idx, tf.sub(pt, 1)) as tf.Tensor2D;
    if (wT) dhs.push(tf.matMul(grad, wT));
    if (wantDw) {
      const part = tf.matMul(tf.transpose(xc), grad) as tf.Tensor2D;
      dw = dw ? (tf.add(dw, part) as tf.Tensor2D) : part;
    }
  }
  if (g) pts.push(tf.tensor1d(nativePt));
  const pt = pts.length === 1 ? pts[0]! : (tf.concat(pts) as tf.Tensor1D);
  const loss = tf.neg(tf.mean(tf.log(tf.maximum(pt, MIN_PROB)))) as tf.Scalar;
  const dh = dhAll ?? (dhs.length === 0 ? null : dhs.length === 1 ? dhs[0]! : (tf.concat(dhs, 0) as tf.Tensor2D));
  return { loss, dh, dw };
}

/**
 * Mean next-token cross-entropy (nats) of logits h [N, D] @ w [D, V] against int32 targets [N], using
 * tfjs-wasm's vectorised softmax (its elementwise exp/log are far slower). The gradients are computed in
 * the forward pass (see headPass) and only scaled by the upstream gradient / N in the backward pass.
 */
export function headCrossEntropy(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  targets: tf.Tensor1D,
  gh: boolean,
  gw: boolean,
  chunkFloats = CHUNK_FLOATS,
): tf.Scalar {
  const [n] = h.shape;
  return gradOp<tf.Scalar>(
    [h, w, targets],
    [gh, gw, false],
    ([x, weight, t]) => {
      const r = headPass(x as tf.Tensor2D, weight as tf.Tensor2D, t as tf.Tensor1D, gh, gw, chunkFloats);
      return { value: r.loss, save: [r.dh ?? r.loss, r.dw ?? r.loss] };
    },
    (dy, [dh, dw], needs) => {
      const scale = tf.div(dy, n);
      return [needs[0] ? tf.mul(dh!, scale) : null, needs[1] ? tf.mul(dw!, scale) : null, null];
    },
    'head',
  );
}
