// Causal multi-head self-attention on a fused QKV activation, forward and hand-written backward.
// Uses the WebAssembly SIMD kernel when the wasm backend runs, otherwise portable tfjs ops.
import * as tf from '@tensorflow/tfjs-core';
import { gradOp } from './grad-op';
import { attentionKernel } from './attention-kernel';
import { rope } from './ops';
import { gpuAttention } from './webgpu/attention';

export interface AttnShape {
  B: number;
  T: number;
  heads: number;
  headDim: number;
  /**
   * Set: qkv's q and k are not rotated yet; rotate them by RoPE at positions 0…T−1 with this base. On webgpu
   * the attention kernels do it as they load q and k (and un-rotate the gradient); elsewhere the rope op runs
   * first, as a separate step.
   */
  ropeBase?: number;
}

const maskCache = new Map<number, tf.Tensor2D>();

/** [T, T] additive causal mask: 0 on and below the diagonal, −1e9 above (kept for the process lifetime). */
function causalMask(T: number): tf.Tensor2D {
  let m = maskCache.get(T);
  if (!m) {
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) data[i * T + j] = -1e9;
    m = tf.keep(tf.tensor2d(data, [T, T]));
    maskCache.set(T, m);
  }
  return m;
}

/** Splits fused qkv [B·T, 3D] into q, v [B, H, T, dh] and kᵀ [B, H, dh, T]. */
function splitHeads(qkv: tf.Tensor, s: AttnShape): { q: tf.Tensor4D; kT: tf.Tensor4D; v: tf.Tensor4D } {
  const x = tf.reshape(qkv, [s.B, s.T, 3, s.heads, s.headDim]);
  const [q, k, v] = tf.unstack(tf.transpose(x, [2, 0, 3, 1, 4])) as tf.Tensor4D[];
  return { q: q!, kT: tf.transpose(k!, [0, 1, 3, 2]), v: v! };
}

/** Portable forward: returns the output [B·T, D] and the attention probabilities [B, H, T, T]. */
function forwardOps(qkv: tf.Tensor2D, s: AttnShape): { out: tf.Tensor2D; probs: tf.Tensor4D } {
  const { q, kT, v } = splitHeads(qkv, s);
  const scores = tf.add(tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(s.headDim)), causalMask(s.T));
  const probs = tf.softmax(scores) as tf.Tensor4D;
  const o = tf.matMul(probs, v);
  const out = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [s.B * s.T, s.heads * s.headDim]) as tf.Tensor2D;
  return { out, probs };
}

function backwardOps(dOut: tf.Tensor, qkv: tf.Tensor, probs: tf.Tensor4D, s: AttnShape): tf.Tensor2D {
  const { q, kT, v } = splitHeads(qkv, s);
  const dO = tf.transpose(tf.reshape(dOut, [s.B, s.T, s.heads, s.headDim]), [0, 2, 1, 3]) as tf.Tensor4D;
  const dP = tf.matMul(dO, tf.transpose(v, [0, 1, 3, 2]));
  const dV = tf.matMul(tf.transpose(probs, [0, 1, 3, 2]), dO);
  const dS = tf.mul(
    tf.mul(probs, tf.sub(dP, tf.sum(tf.mul(dP, probs), -1, true))),
    1 / Math.sqrt(s.headDim),
  ) as tf.Tensor4D;
  const dQ = tf.matMul(dS, tf.transpose(kT, [0, 1, 3, 2]));
  const dK = tf.matMul(tf.transpose(dS, [0, 1, 3, 2]), q);
  // Back to the fused layout [B, T, 3, H, dh].
  const stacked = tf.stack([dQ, dK, dV]);
  return tf.reshape(tf.transpose(stacked, [1, 3, 0, 2, 4]), [s.B * s.T, 3 * s.heads * s.headDim]) as tf.Tensor2D;
}

/**
 * Causal self-attention: qkv [B·T, 3D] (q, k already rotated, unless s.ropeBase is set) → [B·T, D], heads
 * merged. Probabilities are saved for the backward pass ([B, H, T, T]: small at Espalier's context lengths;
 * the webgpu kernels save per-row statistics instead).
 */
export function causalAttention(qkv: tf.Tensor2D, s: AttnShape, needsGrad: boolean): tf.Tensor2D {
  const fused = s.ropeBase !== undefined ? gpuAttention(s.headDim, s.ropeBase) : null;
  if (s.ropeBase !== undefined && !fused) {
    const rotated = rope(qkv, s.B, s.T, s.heads, s.headDim, 0, s.ropeBase, needsGrad);
    return causalAttention(rotated, { ...s, ropeBase: undefined }, needsGrad);
  }
  const kernel = fused ?? attentionKernel(s.heads, s.headDim);
  return gradOp<tf.Tensor2D>(
    [qkv],
    [needsGrad],
    ([x]) => {
      const { out, probs } = kernel ? kernel.forward(x as tf.Tensor2D, s) : forwardOps(x as tf.Tensor2D, s);
      return { value: out, save: [x!, probs] };
    },
    (dy, [x, probs]) => [
      kernel
        ? kernel.backward(dy as tf.Tensor2D, x as tf.Tensor2D, probs as tf.Tensor4D, s)
        : backwardOps(dy, x!, probs as tf.Tensor4D, s),
    ],
    'attention',
  );
}

/** The portable implementation, exposed so tests can compare the kernel against it. */
export const portableAttention = { forward: forwardOps, backward: backwardOps };
