// op(A)·op(B) on WebGPU for every transpose layout the forward and backward passes use: a workgroup computes a
// BM×BN tile of C, staging BK-deep slices of A and B in workgroup memory; each thread keeps a 4×4 block of C in
// registers and updates it with vec4 multiply-adds. The tile shape is picked per adapter and per problem size.
import * as tf from '@tensorflow/tfjs-core';
import { ceilDiv, flatGrid, gpuRuntime, type GpuRuntime } from './runtime';

const BK = 16;

export interface TileShape {
  /** Rows and columns of C per workgroup (multiples of 4: each thread owns 4×4). */
  bm: number;
  bn: number;
}

/**
 * 64×64 tiles (256 threads) where the adapter allows 256 invocations and the product fills enough of them;
 * 32×32 (64 threads) for small products, where big tiles would leave most of the GPU idle.
 */
export function chooseTile(limits: Record<string, number>, m: number, n: number): TileShape {
  const big =
    (limits['maxComputeInvocationsPerWorkgroup'] ?? 256) >= 256 &&
    (limits['maxComputeWorkgroupStorageSize'] ?? 16384) >= 8192;
  return big && ceilDiv(m, 64) * ceilDiv(n, 64) >= 32 ? { bm: 64, bn: 64 } : { bm: 32, bn: 32 };
}

/** Loads of one operand into workgroup memory as vec4s along its output axis (rows of A, columns of B). */
function loader(name: 'A' | 'B', tile: number, trans: boolean, threads: number, half: boolean): string {
  // Element (r, k) of the logical operand (r: row of op(A) or column of op(B)). Storage [R, K] or [K, R].
  const outer = name === 'A' ? 'M' : 'N';
  const stored = name === 'A' ? !trans : trans; // true: stored [R, K]
  const idx = stored ? `r * K + gk` : `gk * ${outer} + r`;
  // Half storage: two float16 per 32-bit word, widened to float32 as it is staged (accumulation stays float32).
  const at = half ? `half${name}(${idx})` : `${name}[${idx}]`;
  const vecs = (BK * tile) / 4;
  // Consecutive threads walk the stored layout's fast axis, so neighbours read neighbouring addresses.
  const coords = stored
    ? `let k = i % ${BK}; let r4 = i / ${BK};`
    : `let r4 = i % ${tile / 4}; let k = i / ${tile / 4};`;
  return `
  for (var i = tid; i < ${vecs}; i = i + ${threads}) {
    ${coords}
    let gk = k0 + k;
    var v = vec4<f32>(0.0);
    for (var c = 0; c < 4; c = c + 1) {
      let r = ${name === 'A' ? 'row0' : 'col0'} + r4 * 4 + c;
      if (r < ${outer} && gk < K) { v[c] = ${at}; }
    }
    ${name}s[k * ${tile / 4} + r4] = v;
  }`;
}

const HALF_READ = (name: string) => `fn half${name}(i: i32) -> f32 {
  let w = unpack2x16float(bitcast<u32>(${name}[i / 2]));
  return select(w.x, w.y, (i & 1) == 1);
}
`;

function matmulCode(t: TileShape, transA: boolean, transB: boolean, half = false): string {
  const tx = t.bn / 4;
  const ty = t.bm / 4;
  const threads = tx * ty;
  return `${half ? HALF_READ('A') + HALF_READ('B') : ''}
var<workgroup> As: array<vec4<f32>, ${(BK * t.bm) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(BK * t.bn) / 4}>;

fn main() {
  let M = uniforms.outShape[0];
  let N = uniforms.outShape[1];
  let K = ${half ? 'uniforms.k' : transA ? 'uniforms.aShape[0]' : 'uniforms.aShape[1]'};
  let tid = i32(localIndex);
  let lx = tid % ${tx};
  let ly = tid / ${tx};
  let row0 = i32(workgroupId.y) * ${t.bm};
  let col0 = i32(workgroupId.x) * ${t.bn};
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0; k0 < K; k0 = k0 + ${BK}) {
    ${loader('A', t.bm, transA, threads, half)}
    ${loader('B', t.bn, transB, threads, half)}
    workgroupBarrier();
    for (var k = 0; k < ${BK}; k = k + 1) {
      let a = As[k * ${ty} + ly];
      let b = Bs[k * ${tx} + lx];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }
  for (var r = 0; r < 4; r = r + 1) {
    let m = row0 + ly * 4 + r;
    if (m >= M) { break; }
    for (var c = 0; c < 4; c = c + 1) {
      let n = col0 + lx * 4 + c;
      if (n < N) { result[m * N + n] = acc[r][c]; }
    }
  }
}`;
}

/** op(a)·op(b) on a given runtime with a given tile (tests use it to cover every tile shape). */
export function gpuMatmulWith(
  rt: GpuRuntime,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transA: boolean,
  transB: boolean,
  tile?: TileShape,
): tf.Tensor2D {
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== kb)
    throw new Error(
      `matmul: inner sizes differ (${k} vs ${kb}) for [${a.shape}]${transA ? 'ᵀ' : ''} · [${b.shape}]${transB ? 'ᵀ' : ''}`,
    );
  const t = tile ?? chooseTile(rt.limits, m, n);
  return rt.run({
    key: `matmul_${t.bm}x${t.bn}_${transA ? 't' : 'n'}${transB ? 't' : 'n'}`,
    inputs: [a, b],
    names: ['A', 'B'],
    outShape: [m, n],
    workgroups: [ceilDiv(n, t.bn), ceilDiv(m, t.bm), 1],
    workgroupSize: [(t.bm / 4) * (t.bn / 4), 1, 1],
    code: matmulCode(t, transA, transB),
  }) as tf.Tensor2D;
}

/**
 * op(a)·op(b) by Espalier's float32 kernel when the webgpu backend runs (float32 operands), else null.
 * `--precision f16` products go through half-store.ts's gpuMatmulF16 first (native/matmul.ts picks).
 */
export function gpuMatmul(a: tf.Tensor2D, b: tf.Tensor2D, transA: boolean, transB: boolean): tf.Tensor2D | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const rt = gpuRuntime();
  if (!rt) return null;
  return gpuMatmulWith(rt, a, b, transA, transB);
}

/** A float32 tensor's values as float16 packed two to an int32 word (pack2x16float), ⌈size/2⌉ words, row-major. */
export function gpuPackHalf(rt: GpuRuntime, x: tf.Tensor): tf.Tensor {
  const words = ceilDiv(x.size, 2);
  return rt.run({
    key: 'pack_half',
    inputs: [x],
    names: ['X'],
    outShape: [words],
    workgroups: flatGrid(ceilDiv(words, 256)),
    workgroupSize: [256, 1, 1],
    uniforms: 'n : i32, words : i32,',
    values: [
      { type: 'int32', data: [x.size] },
      { type: 'int32', data: [words] },
    ],
    dtype: 'int32',
    code: `fn main() {
  let i = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * 256 + i32(localIndex);
  if (i >= uniforms.words) { return; }
  let hi = select(0.0, X[2 * i + 1], 2 * i + 1 < uniforms.n);
  result[i] = bitcast<i32>(pack2x16float(vec2<f32>(X[2 * i], hi)));
}`,
  });
}

/**
 * op(A)·op(B) from float16 operands packed by gpuPackHalf (logical shapes `aShape`, `bShape`), accumulated and
 * returned in float32.
 */
export function gpuMatmulPacked(
  rt: GpuRuntime,
  a: tf.Tensor,
  aShape: [number, number],
  b: tf.Tensor,
  bShape: [number, number],
  transA: boolean,
  transB: boolean,
  tile?: TileShape,
): tf.Tensor2D {
  const [m, k] = transA ? [aShape[1], aShape[0]] : aShape;
  const [kb, n] = transB ? [bShape[1], bShape[0]] : bShape;
  if (k !== kb) throw new Error(`matmul (f16): inner sizes differ (${k} vs ${kb})`);
  const t = tile ?? chooseTile(rt.limits, m, n);
  return rt.run({
    key: `matmul_h_${t.bm}x${t.bn}_${transA ? 't' : 'n'}${transB ? 't' : 'n'}`,
    inputs: [a, b],
    names: ['A', 'B'],
    outShape: [m, n],
    workgroups: [ceilDiv(n, t.bn), ceilDiv(m, t.bm), 1],
    workgroupSize: [(t.bm / 4) * (t.bn / 4), 1, 1],
    uniforms: 'k : i32,',
    values: [{ type: 'int32', data: [k] }],
    code: matmulCode(t, transA, transB, true),
  }) as tf.Tensor2D;
}

/** op(a)·op(b) with both float32 operands rounded to float16 storage first (the `--precision f16` path). */
export function gpuMatmulHalf(
  rt: GpuRuntime,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  transA: boolean,
  transB: boolean,
  tile?: TileShape,
): tf.Tensor2D {
  return tf.tidy(() =>
    gpuMatmulPacked(rt, gpuPackHalf(rt, a), a.shape, gpuPackHalf(rt, b), b.shape, transA, transB, tile),
  );
}
