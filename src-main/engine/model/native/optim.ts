// The optimizer step in native code on the wasm backend: parameters and gradients read in place on tfjs-wasm's
// heap, AdamW's moments in Float32Arrays outside it (so a model whose moments would not fit the 4 GiB heap
// beside its weights still trains), the work shared out over the addon's threads. Null off wasm, without the
// addon, or with an addon built before these kernels: callers then take the WebAssembly kernel.
import * as tf from '@tensorflow/tfjs-core';
import { wasmHeap } from '../wasm/runtime';
import { loadGemmAddon } from './addon';

let enabled = true;

/** Switches the native optimizer off (the WebAssembly kernel runs) or back on; tests compare the two paths. */
export function setNativeOptimEnabled(on: boolean): void {
  enabled = on;
}

export interface AdamWHyper {
  b1: number;
  b2: number;
  stepSize: number;
  sqrtBc2: number;
  eps: number;
  gradScale: number;
}

export interface AdamWItem {
  /** The parameter (read) and a fresh tensor of its shape (written: the new value). */
  p: tf.Tensor;
  out: tf.Tensor;
  g: tf.Tensor;
  /** The moments, updated in place. */
  m: Float32Array;
  v: Float32Array;
  decay: number;
}

export interface NativeOptim {
  /** Σ‖g‖² over all gradients, each tensor's sum in float32 as the WebAssembly kernel forms it. */
  sumsq(grads: readonly tf.Tensor[]): number;
  adamw(items: readonly AdamWItem[], h: AdamWHyper): void;
  /** A float32 tensor on the heap with uninitialised contents. */
  empty(shape: number[]): tf.Tensor;
}

function viewOf(buf: ArrayBuffer | SharedArrayBuffer): ArrayBuffer | Uint8Array {
  return buf instanceof ArrayBuffer ? buf : new Uint8Array(buf);
}

/** Whether this process would run the optimizer natively on the wasm backend (for the memory plan). */
export function nativeOptimAvailable(): boolean {
  const a = enabled ? loadGemmAddon() : null;
  return !!a && typeof a.adamw === 'function' && typeof a.sumsq === 'function';
}

export function nativeOptim(): NativeOptim | null {
  if (!nativeOptimAvailable()) return null;
  const addon = loadGemmAddon()!;
  const heap = wasmHeap();
  if (!heap) return null;
  return {
    sumsq(grads) {
      const spans = new Float64Array(2 * grads.length);
      grads.forEach((g, i) => {
        spans[2 * i] = heap.ptr(g);
        spans[2 * i + 1] = g.size;
      });
      const out = new Float32Array(grads.length);
      addon.sumsq!(viewOf(heap.memory.buffer), spans, out);
      // Added in float64 in tensor order, as the WebAssembly path adds its per-tensor sums.
      return out.reduce((acc, x) => acc + x, 0);
    },
    adamw(items, h) {
      const spans = new Float64Array(5 * items.length);
      const moments: Float32Array[] = [];
      items.forEach((it, i) => {
        spans.set([heap.ptr(it.p), heap.ptr(it.out), heap.ptr(it.g), it.p.size, it.decay], 5 * i);
        moments.push(it.m, it.v);
      });
      const hyper = new Float64Array([h.b1, h.b2, h.stepSize, h.sqrtBc2, h.eps, h.gradScale]);
      // The buffer is read now: allocating the outputs may have grown (and replaced) it.
      addon.adamw!(viewOf(heap.memory.buffer), spans, moments, hyper);
    },
    empty: (shape) => heap.empty(shape),
  };
}
