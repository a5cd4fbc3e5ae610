// Matrix products for the engine's ops: on the wasm backend with the native addon loaded, op(A)·op(B) runs
// in native code directly on tfjs-wasm's heap (no copy, transposes read in place); otherwise plain tfjs
// matMuls with explicit transposes (tfjs-wasm's transposed matMul is 10–20× slower than transpose + matMul).
import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap } from '../wasm/runtime';
import { gpuMatmulF16 } from '../webgpu/half-store';
import { gpuMatmul } from '../webgpu/matmul';
import { loadGemmAddon, type GemmAddon } from './addon';

let enabled = true;

/** Switches the native path off (tfjs matMul everywhere) or back on; tests compare the two paths. */
export function setNativeMatmulEnabled(on: boolean): void {
  enabled = on;
}

/** Rows [row0, row0 + rows) of a row-major 2-D tensor, as an operand of `HeapGemm.run`. */
export interface Operand {
  t: tf.Tensor;
  /** First row used (default 0). */
  row0?: number;
  /** Rows used (default all from row0). */
  rows?: number;
  /** Use the transpose of these rows. */
  trans?: boolean;
}

export interface HeapGemm {
  /** c (rows from cRow0) = op(a)·op(b), or += with `accumulate`. */
  run(c: tf.Tensor, cRow0: number, a: Operand, b: Operand, accumulate: boolean): void;
  empty(shape: number[]): tf.Tensor2D;
  /** Logits [R, V] → softmax in place (minus one-hot targets when `grad`); returns each row's target probability. */
  softmaxXent(logits: tf.Tensor2D, targets: Int32Array, grad: boolean): Float32Array;
}

function viewOf(memory: { buffer: ArrayBuffer | SharedArrayBuffer }): ArrayBuffer | Uint8Array {
  const buf = memory.buffer;
  return buf instanceof ArrayBuffer ? buf : new Uint8Array(buf);
}

/** The native product on the current wasm heap, or null (native off, not built, or another backend). */
export function heapGemm(): HeapGemm | null {
  if (!enabled) return null;
  const addon: GemmAddon | null = loadGemmAddon();
  if (!addon) return null;
  const heap = wasmHeap();
  if (!heap) return null;
  const dims = (o: Operand) => {
    const [r, c] = o.t.shape as [number, number];
    const row0 = o.row0 ?? 0;
    const rows = o.rows ?? r - row0;
    return { off: heap.ptr(o.t) + row0 * c * 4, rows, cols: c, outer: o.trans ? c : rows, inner: o.trans ? rows : c };
  };
  return {
    run(c, cRow0, a, b, accumulate) {
      const A = dims(a);
      const B = dims(b);
      const n = c.shape[1]!;
      if (A.inner !== B.outer || B.inner !== n || c.shape.length !== 2) {
        throw new Error(
          `matmul: shapes [${A.outer}, ${A.inner}] · [${B.outer}, ${B.inner}] do not fit an output [${c.shape}]`,
        );
      }
      // Memory is read only now: a tensor allocated above may have grown (and replaced) the heap's buffer.
      addon.gemm(
        viewOf(heap.memory),
        A.off,
        B.off,
        heap.ptr(c) + cRow0 * n * 4,
        A.outer,
        n,
        A.inner,
        A.cols,
        B.cols,
        n,
        !!a.trans,
        !!b.trans,
        accumulate,
      );
    },
    empty: (shape) => heap.empty(shape) as tf.Tensor2D,
    softmaxXent(logits, targets, grad) {
      const pt = new Float32Array(logits.shape[0]);
      addon.softmaxXent(viewOf(heap.memory), heap.ptr(logits), logits.shape[0], logits.shape[1], targets, pt, grad);
      return pt;
    },
  };
}

/** op(a)·op(b) for 2-D float32 tensors. */
export function matmul(a: tf.Tensor2D, b: tf.Tensor2D, transA = false, transB = false): tf.Tensor2D {
  const onGpu = gpuMatmulF16(a, b, transA, transB) ?? gpuMatmul(a, b, transA, transB);
  if (onGpu) return onGpu;
  const g = a.dtype === 'float32' && b.dtype === 'float32' ? heapGemm() : null;
  if (g) {
    const c = g.empty([transA ? a.shape[1] : a.shape[0], transB ? b.shape[0] : b.shape[1]]);
    g.run(c, 0, { t: a, trans: transA }, { t: b, trans: transB }, false);
    return c;
  }
  return tf.tidy(() => tf.matMul(transA ? tf.transpose(a) : a, transB ? tf.transpose(b) : b));
}
