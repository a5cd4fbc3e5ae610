// The training step's attention, RMSNorm and GELU in the native addon (native/src/attention.cc, norms.cc),
// multi-threaded on its pool and run in place on tfjs-wasm's heap. Null (the WebAssembly kernels then run)
// when the addon is absent or predates these kernels, off the wasm backend, or switched off by
// ESPALIER_NATIVE_OPS=0 or setNativeOpsEnabled(false).
import type * as tf from '@tensorflow/tfjs-core';
import { wasmHeap } from '../wasm/runtime';
import { loadGemmAddon, type GemmAddon } from './addon';

let enabled = process.env['ESPALIER_NATIVE_OPS'] !== '0';

/** Switches the native attention/RMSNorm/GELU off (WebAssembly kernels) or back on; tests compare the two. */
export function setNativeOpsEnabled(on: boolean): void {
  enabled = on;
}

type Ops = Required<
  Pick<
    GemmAddon,
    'attentionForward' | 'attentionBackward' | 'rmsNormForward' | 'rmsNormBackward' | 'geluForward' | 'geluBackward'
  >
>;

export interface NativeOps {
  attentionForward(
    qkv: tf.Tensor2D,
    B: number,
    T: number,
    H: number,
    dh: number,
  ): { out: tf.Tensor2D; probs: tf.Tensor4D };
  attentionBackward(
    dOut: tf.Tensor2D,
    qkv: tf.Tensor2D,
    probs: tf.Tensor4D,
    B: number,
    T: number,
    H: number,
    dh: number,
  ): tf.Tensor2D;
  rmsNormForward(x: tf.Tensor2D, g: tf.Tensor1D, eps: number): { y: tf.Tensor2D; r: tf.Tensor1D };
  rmsNormBackward(dy: tf.Tensor, x: tf.Tensor2D, r: tf.Tensor, g: tf.Tensor): { dx: tf.Tensor2D; dg: tf.Tensor1D };
  geluForward(x: tf.Tensor2D): { y: tf.Tensor2D; s: tf.Tensor2D };
  geluBackward(dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor): tf.Tensor2D;
}

const NAMES = [
  'attentionForward',
  'attentionBackward',
  'rmsNormForward',
  'rmsNormBackward',
  'geluForward',
  'geluBackward',
] as const;

/** Whether the loaded addon has these kernels (doctor names them). */
export function nativeOpsAvailable(): boolean {
  const addon = loadGemmAddon();
  return !!addon && NAMES.every((n) => typeof addon[n] === 'function');
}

/**
 * For doctor: which of the step's other kernels run natively and in which code, e.g. 'attention, RMSNorm,
 * GELU (AVX2+FMA vector code)', or why they do not (the WebAssembly kernels run then).
 */
export function nativeOpsLine(): string {
  const addon = loadGemmAddon();
  if (!addon) return 'not in use (no native addon)';
  if (!nativeOpsAvailable()) return 'not in use (the native addon predates them; run `npm run build:native`)';
  if (!enabled) return 'switched off by ESPALIER_NATIVE_OPS=0 (WebAssembly kernels run)';
  // native/src/vmath.h: the vector build needs AVX2+FMA on x86 (every AVX-512/AVX2 kernel's CPU has them);
  // on arm64 the baseline build is NEON code; ESPALIER_KERNEL=portable selects the portable build.
  const k = addon.kernel();
  const code = k === 'portable' ? 'portable C++' : k === 'neon' ? 'NEON vector code' : 'AVX2+FMA vector code';
  return `attention, RMSNorm, GELU (${code}) on the matrix kernel's threads`;
}

export function nativeOps(): NativeOps | null {
  if (!enabled || !nativeOpsAvailable()) return null;
  const addon = loadGemmAddon() as GemmAddon & Ops;
  const heap = wasmHeap();
  if (!heap) return null;
  // The heap's buffer is read at each call: allocating an output may have grown (replaced) it.
  const mem = () => {
    const buf = heap.memory.buffer;
    return buf instanceof ArrayBuffer ? buf : new Uint8Array(buf);
  };
  const p = heap.ptr;
  const f32 = (t: tf.Tensor) => {
    if (t.dtype !== 'float32') throw new Error(`native ops take float32 tensors, got ${t.dtype}`);
    return p(t);
  };
  return {
    attentionForward(qkv, B, T, H, dh) {
      const out = heap.empty([B * T, H * dh]) as tf.Tensor2D;
      const probs = heap.empty([B, H, T, T]) as tf.Tensor4D;
      addon.attentionForward(mem(), f32(qkv), p(out), p(probs), B, T, H, dh, 1 / Math.sqrt(dh));
      return { out, probs };
    },
    attentionBackward(dOut, qkv, probs, B, T, H, dh) {
      const dqkv = heap.empty([B * T, 3 * H * dh]) as tf.Tensor2D;
      addon.attentionBackward(mem(), f32(qkv), f32(probs), f32(dOut), p(dqkv), B, T, H, dh, 1 / Math.sqrt(dh));
      return dqkv;
    },
    rmsNormForward(x, g, eps) {
      const [n, d] = x.shape;
      const y = heap.empty([n, d]) as tf.Tensor2D;
      const r = heap.empty([n]) as tf.Tensor1D;
      addon.rmsNormForward(mem(), f32(x), f32(g), p(y), p(r), n, d, eps);
      return { y, r };
    },
    rmsNormBackward(dy, x, r, g) {
      const [n, d] = x.shape;
      const dx = heap.empty([n, d]) as tf.Tensor2D;
      const dg = heap.empty([d]) as tf.Tensor1D;
      addon.rmsNormBackward(mem(), f32(dy), f32(x), f32(r), f32(g), p(dx), p(dg), n, d);
      return { dx, dg };
    },
    geluForward(x) {
      const y = heap.empty(x.shape) as tf.Tensor2D;
      const s = heap.empty(x.shape) as tf.Tensor2D;
      addon.geluForward(mem(), f32(x), p(y), p(s), x.size);
      return { y, s };
    },
    geluBackward(dy, x, s) {
      const dx = heap.empty(x.shape) as tf.Tensor2D;
      addon.geluBackward(mem(), f32(dy), f32(x), f32(s), p(dx), x.size);
      return dx;
    },
  };
}
