// Runs Espalier's own WGSL programs on tfjs-backend-webgpu's device and buffers: a program is recorded into the
// backend's open command encoder like any tfjs kernel (no extra submits, no host reads), and its result is an
// ordinary tfjs tensor. Returns null off the webgpu backend or when the kernels are switched off.
import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-backend-webgpu's WebGPUProgram this engine fills in (see runProgram). */
interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  variableComponents?: number[];
  getUserCode: () => string;
}

type Uniform = { type: 'int32' | 'float32' | 'uint32'; data: number[] };

interface WebGPUBackendLike {
  runWebGPUProgram(p: Program, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: Uniform[]): tf.TensorInfo;
  device: { limits: Record<string, number>; features: { has(f: string): boolean } };
}

/** One dispatch of an Espalier kernel. */
export interface KernelSpec {
  /** Unique per distinct WGSL text (tfjs caches pipelines by it, plus input ranks and dtypes). */
  key: string;
  inputs: tf.Tensor[];
  /** Names of the input buffers in the WGSL (bound read-only, in order). */
  names: string[];
  /** Per input, 4 to read it as array<vec4<f32>> (its rows must then be multiples of 4 floats), else 1. */
  components?: number[];
  outShape: number[];
  workgroups: [number, number, number];
  workgroupSize: [number, number, number];
  /** Extra uniform fields, e.g. 'scale : f32, n : i32,' with their values in `values`. */
  uniforms?: string;
  values?: Uniform[];
  /** The WGSL: declares `fn main()` and reads workgroupId / localId / localIndex (tfjs's private globals). */
  code: string;
  dtype?: 'float32' | 'int32';
}

let enabled = true;
let dispatches = 0;
let half = false;

/** `--precision f16`: matrix products take float16 operands (packed two to a word), accumulating in float32. */
export function setHalfPrecision(on: boolean): void {
  half = on;
}

export function halfPrecision(): boolean {
  return half;
}

/** Espalier kernel dispatches recorded so far in this process (tests check that a path really used them). */
export function kernelDispatches(): number {
  return dispatches;
}

/** Switches Espalier's WebGPU kernels off (stock tfjs kernels everywhere) or back on; tests compare the two. */
export function setWebGPUKernelsEnabled(on: boolean): void {
  enabled = on;
}

export interface GpuRuntime {
  run(spec: KernelSpec): tf.Tensor;
  /** Adapter limits, for the tile choice. */
  limits: Record<string, number>;
  hasSubgroups: boolean;
}

/** The runtime when the active tfjs backend is webgpu and the kernels are on, else null. */
export function gpuRuntime(): GpuRuntime | null {
  if (!enabled || tf.getBackend() !== 'webgpu') return null;
  const be = tf.backend() as unknown as WebGPUBackendLike;
  if (typeof be.runWebGPUProgram !== 'function') return null;
  return {
    limits: be.device.limits,
    hasSubgroups: be.device.features.has('subgroups'),
    run(s) {
      const program: Program = {
        variableNames: s.names,
        outputShape: s.outShape,
        shaderKey: `espalier_${s.key}`,
        // A two-axis layout makes tfjs emit `main()` (not `main(index)`); the kernels index by workgroup themselves.
        dispatchLayout: { x: [0], y: [1] },
        dispatch: s.workgroups,
        workgroupSize: s.workgroupSize,
        uniforms: s.uniforms,
        variableComponents: s.components ?? s.names.map(() => 1),
        getUserCode: () => s.code,
      };
      const limit = be.device.limits['maxComputeWorkgroupsPerDimension'] ?? 65535;
      if (s.workgroups.some((w) => w > limit))
        throw new Error(`${s.key}: ${s.workgroups.join('×')} workgroups exceed the adapter's ${limit} per dimension`);
      const info = be.runWebGPUProgram(program, s.inputs, s.dtype ?? 'float32', s.values);
      dispatches++;
      return tf.engine().makeTensorFromTensorInfo(info);
    },
  };
}

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** `n` workgroups as an x × y grid within the per-dimension limit (kernels index with workgroupId.y · numWorkgroups.x + x). */
export function flatGrid(n: number): [number, number, number] {
  return n <= 65535 ? [n, 1, 1] : [65535, ceilDiv(n, 65535), 1];
}
