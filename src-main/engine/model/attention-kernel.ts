// Selects the WebAssembly SIMD kernels for attention and RoPE when the wasm backend runs (see wasm/);
// callers fall back to portable tfjs ops when these return null.
import * as tf from '@tensorflow/tfjs-core';
import type { AttnShape } from './attention';
import { gpuAttention } from './webgpu/attention';
import { gpuRope } from './webgpu/rope';
import { heapZeros } from './wasm/layout';
import { kernelRuntime } from './wasm/runtime';
import { nativeOps } from './native/ops';

export interface AttentionKernel {
  forward(qkv: tf.Tensor2D, s: AttnShape): { out: tf.Tensor2D; probs: tf.Tensor4D };
  backward(dOut: tf.Tensor2D, qkv: tf.Tensor2D, probs: tf.Tensor4D, s: AttnShape): tf.Tensor2D;
}

export function attentionKernel(heads: number, headDim: number): AttentionKernel | null {
  const gpu = gpuAttention(headDim);
  if (gpu) return gpu;
  // The native addon's kernel runs on every compute thread; the WebAssembly one on one.
  const nat = nativeOps();
  if (nat) {
    return {
      forward: (qkv, s) => nat.attentionForward(qkv, s.B, s.T, s.heads, s.headDim),
      backward: (dOut, qkv, probs, s) => nat.attentionBackward(dOut, qkv, probs, s.B, s.T, s.heads, s.headDim),
    };
  }
  const rt = kernelRuntime(heads, headDim);
  if (!rt) return null;
  const k = rt.kernels;
  return {
    forward(qkv, s) {
      const scale = 1 / Math.sqrt(s.headDim);
      const scores = rt.empty([s.B, s.heads, s.T, s.T]);
      k.scores(rt.ptr(qkv), rt.ptr(scores), s.B, s.T, scale);
      const probs = tf.softmax(scores) as tf.Tensor4D;
      scores.dispose();
      const out = rt.empty([s.B * s.T, s.heads * s.headDim]) as tf.Tensor2D;
      k.attend(rt.ptr(qkv), rt.ptr(probs), rt.ptr(out), s.B, s.T);
      return { out, probs };
    },
    backward(dOut, qkv, probs, s) {
      // dK and dV accumulate, so their columns start at zero; dQ and the scratch row are written first.
      const dqkv = heapZeros([s.B * s.T, 3 * s.heads * s.headDim]) as tf.Tensor2D;
      const row = rt.empty([s.T]);
      k.backward(
        rt.ptr(qkv),
        rt.ptr(probs),
        rt.ptr(dOut),
        rt.ptr(dqkv),
        rt.ptr(row),
        s.B,
        s.T,
        1 / Math.sqrt(s.headDim),
      );
      row.dispose();
      return dqkv;
    },
  };
}

const tableCache = new Map<string, { cos: tf.Tensor; sin: tf.Tensor }>();

/** cos and sin of position × frequency, [T, dh/2] each, for positions offset … offset+T−1. */
function compactTables(T: number, offset: number, headDim: number, base: number): { cos: tf.Tensor; sin: tf.Tensor } {
  const key = `${T}:${headDim}:${base}`;
  const hit = offset === 0 ? tableCache.get(key) : undefined;
  if (hit) return hit;
  const half = headDim / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const ang = (t + offset) / Math.pow(base, (2 * i) / headDim);
      cos[t * half + i] = Math.cos(ang);
      sin[t * half + i] = Math.sin(ang);
    }
  }
  const tables = { cos: tf.tensor2d(cos, [T, half]), sin: tf.tensor2d(sin, [T, half]) };
  if (offset === 0) {
    tf.keep(tables.cos);
    tf.keep(tables.sin);
    tableCache.set(key, tables);
  }
  return tables;
}

/**
 * Rotary embedding of a fused qkv [B·T, 3·heads·dh] by the kernel (q and k rotated, v copied); `inverse`
 * applies the transpose rotation (the backward pass). Null when the kernel is unavailable.
 */
export function ropeKernel(
  x: tf.Tensor2D,
  B: number,
  T: number,
  heads: number,
  headDim: number,
  offset: number,
  base: number,
  inverse: boolean,
): tf.Tensor2D | null {
  const gpu = gpuRope(x, T, headDim, offset, base, inverse);
  if (gpu) return gpu;
  const rt = kernelRuntime(heads, headDim);
  if (!rt) return null;
  const { cos, sin } = compactTables(T, offset, headDim, base);
  const y = rt.empty(x.shape) as tf.Tensor2D;
  rt.kernels.rope(rt.ptr(x), rt.ptr(y), rt.ptr(cos), rt.ptr(sin), B, T, inverse ? -1 : 1);
  if (offset !== 0) tf.dispose([cos, sin]);
  return y;
}
