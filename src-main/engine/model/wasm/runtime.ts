// Runs Espalier's generated kernels inside tfjs-backend-wasm's own memory: finds the heap of the active
// backend, instantiates one kernel module per (heads, head size), and maps tensors to byte offsets.
import * as tf from '@tensorflow/tfjs-core';
import { buildKernels, type KernelExports } from './kernels';

/** The WebAssembly API (the project's TypeScript lib has no DOM typings, where it is declared). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: abstract new (...args: never[]) => WasmMemory;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

/** The parts of tfjs-backend-wasm's BackendWasm this file relies on (stable across 4.x). */
interface WasmBackendShape {
  wasm: { wasmMemory?: WasmMemory; asm?: { memory?: WasmMemory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

const modules = new WeakMap<WasmMemory, Map<string, unknown>>();
let disabledReason: string | null = process.env['ESPALIER_NO_WASM_KERNELS']
  ? 'disabled by ESPALIER_NO_WASM_KERNELS'
  : null;

let enabled = true;

/** Switches the kernels off (portable tfjs ops everywhere) or back on; tests compare the two paths. */
export function setKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Why the kernels are not in use (null when they are, or before the first attempt). */
export function kernelsDisabledReason(): string | null {
  return disabledReason;
}

function heapOf(backend: unknown): { memory: WasmMemory; b: WasmBackendShape } | null {
  const b = backend as WasmBackendShape;
  const mem = b?.wasm?.wasmMemory ?? b?.wasm?.asm?.memory;
  if (!(mem instanceof WA.Memory) || typeof b.dataIdMap?.get !== 'function') return null;
  return { memory: mem, b };
}

/** Offsets of tensors in the active wasm heap plus an instantiated module's exports. */
export interface WasmRuntime<T> {
  readonly exports: T;
  ptr(t: tf.Tensor): number;
  /** A float32 tensor in the heap with uninitialised contents (tf.zeros would build and copy a JS array). */
  empty(shape: number[]): tf.Tensor;
  /** How many tensors share this tensor's data (in-place updates are safe only at 1). */
  refs(t: tf.Tensor): number;
}

/**
 * Instantiates `build(sharedMemory)` once per heap under `key`, importing tfjs-wasm's memory, or returns
 * null when the active backend is not wasm (or kernels are switched off, or the module does not build).
 * This is the one place that decides kernel versus portable path: every WebAssembly-only kernel (attention,
 * RoPE, head, gathers, AdamW) asks here, so webgpu, node, node-gpu and cpu all take the portable tfjs ops.
 */
export function wasmModule<T>(key: string, build: (shared: boolean) => Uint8Array): WasmRuntime<T> | null {
  if (!enabled || disabledReason || tf.getBackend() !== 'wasm') return null;
  const heap = heapOf(tf.backend());
  if (!heap) {
    disabledReason = 'the wasm backend does not expose its heap';
    return null;
  }
  let perMemory = modules.get(heap.memory);
  if (!perMemory) modules.set(heap.memory, (perMemory = new Map()));
  let exports = perMemory.get(key);
  if (!exports) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && heap.memory.buffer instanceof SharedArrayBuffer;
      const module = new WA.Module(build(shared));
      exports = new WA.Instance(module, { env: { memory: heap.memory } }).exports;
      perMemory.set(key, exports);
    } catch (err) {
      disabledReason = `kernel module ${key} failed to build: ${(err as Error).message}`;
      return null;
    }
  }
  const b = heap.b;
  const info = (t: tf.Tensor) => {
    const i = b.dataIdMap.get(t.dataId);
    if (!i) throw new Error('tensor is not on the wasm backend');
    return i;
  };
  return {
    exports: exports as T,
    ptr: (t) => info(t).memoryOffset,
    refs: (t) => info(t).refCount,
    empty: (shape) => tf.engine().makeTensorFromTensorInfo(b.makeOutput(shape, 'float32')),
  };
}

/** The active wasm heap with tensor offsets, for code outside WebAssembly (the native addon); null off wasm. */
export function wasmHeap(): {
  memory: WasmMemory;
  ptr(t: tf.Tensor): number;
  empty(shape: number[]): tf.Tensor;
} | null {
  if (tf.getBackend() !== 'wasm') return null;
  const heap = heapOf(tf.backend());
  if (!heap) return null;
  const b = heap.b;
  return {
    memory: heap.memory,
    ptr: (t) => {
      const i = b.dataIdMap.get(t.dataId);
      if (!i) throw new Error('tensor is not on the wasm backend');
      return i.memoryOffset;
    },
    empty: (shape) => tf.engine().makeTensorFromTensorInfo(b.makeOutput(shape, 'float32')),
  };
}

/** The attention/RoPE kernels for this shape, or null (see wasmModule). */
export function kernelRuntime(
  heads: number,
  headDim: number,
): (WasmRuntime<KernelExports> & { kernels: KernelExports }) | null {
  if (headDim % 8 !== 0) return null;
  const rt = wasmModule<KernelExports>(`attention:${heads}:${headDim}`, (shared) =>
    buildKernels(heads, headDim, shared),
  );
  return rt ? { ...rt, kernels: rt.exports } : null;
}
