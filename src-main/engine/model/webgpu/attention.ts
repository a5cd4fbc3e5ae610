// Flash-style causal attention on WebGPU: the forward keeps, per query row, only its output and the log-sum-exp
// of its scores (never the T×T probabilities); the backward recomputes probabilities block by block from them.
// Forward: one dispatch. Backward: one for dQ (and Δ = rowsum(dO∘O)), one for dK, dV writing the fused dqkv.
import * as tf from '@tensorflow/tfjs-core';
import type { AttnShape } from '../attention';
import { ceilDiv, gpuRuntime, type GpuRuntime } from './runtime';

/** Query (or key) rows per workgroup, one per thread. */
const BQ = 32;

/** Rows staged per step in workgroup memory: two [rows, dh] blocks plus two scalars per row within 16 KiB. */
function stagedRows(dh: number): number {
  let rows = 16;
  while (rows > 1 && rows * (8 * dh + 8) > 16384) rows /= 2;
  return rows;
}

const HEAD = (dh: number) => `
const BQ = ${BQ};
const BK = ${stagedRows(dh)};
const DH4 = ${dh / 4};
var<workgroup> firstRow: i32;`;

/** Every row block loads the keys and values of tile j0 into workgroup memory (all kernels walk the same tiles). */
const LOAD_KV_TILE = `    for (var e = tid; e < BK * DH4; e += BQ) {
      let j = j0 + e / DH4;
      if (j < T) {
        let base = (b * T + j) * W4 + D4 + h * DH4 + e % DH4;
        Ks[e] = X[base];
        Vs[e] = X[base + D4];
      }
    }
    workgroupBarrier();`;

/** Shared prologue: this workgroup's (batch, head), its first row, this thread's row and the layout widths. */
const SETUP = `
  let T = uniforms.T;
  let H = uniforms.H;
  let D4 = H * DH4;
  let W4 = 3 * D4;
  let bh = i32(workgroupId.y);
  let b = bh / H;
  let h = bh % H;
  // Through workgroup memory, so WGSL's uniformity analysis sees r0 (a loop bound around barriers) as uniform.
  if (localIndex == 0u) { firstRow = i32(workgroupId.x) * BQ; }
  let r0 = workgroupUniformLoad(&firstRow);
  let tid = i32(localIndex);
  let i = r0 + tid;
  let valid = i < T;`;

function forwardCode(dh: number): string {
  return `${HEAD(dh)}
var<workgroup> Ks: array<vec4<f32>, BK * DH4>;
var<workgroup> Vs: array<vec4<f32>, BK * DH4>;

fn main() {${SETUP}
  let P = 4 * D4 + H;
  var q: array<vec4<f32>, DH4>;
  var acc: array<vec4<f32>, DH4>;
  if (valid) {
    let base = (b * T + i) * W4 + h * DH4;
    for (var d = 0; d < DH4; d++) { q[d] = X[base + d] * uniforms.scale; }
  }
  var m = -3.0e38;
  var l = 0.0;
  let end = min(r0 + BQ, T);
  for (var j0 = 0; j0 < end; j0 += BK) {
${LOAD_KV_TILE}
    if (valid) {
      for (var jj = 0; jj < BK; jj++) {
        if (j0 + jj > i) { break; }
        var s = 0.0;
        for (var d = 0; d < DH4; d++) { s += dot(q[d], Ks[jj * DH4 + d]); }
        let mNew = max(m, s);
        let corr = exp(m - mNew);
        let p = exp(s - mNew);
        l = l * corr + p;
        for (var d = 0; d < DH4; d++) { acc[d] = acc[d] * corr + p * Vs[jj * DH4 + d]; }
        m = mNew;
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let row = (b * T + i) * P;
    let inv = 1.0 / l;
    for (var d = 0; d < DH4; d++) {
      for (var c = 0; c < 4; c++) { result[row + (h * DH4 + d) * 4 + c] = acc[d][c] * inv; }
    }
    result[row + 4 * D4 + h] = m + log(l);
  }
}`;
}

/** dQ and Δ per query row: out [B·T, D + H] (dq | Δ per head). */
function dqCode(dh: number): string {
  return `${HEAD(dh)}
var<workgroup> Ks: array<vec4<f32>, BK * DH4>;
var<workgroup> Vs: array<vec4<f32>, BK * DH4>;

fn main() {${SETUP}
  let P = 4 * D4 + H;
  var q: array<vec4<f32>, DH4>;
  var go: array<vec4<f32>, DH4>;
  var dq: array<vec4<f32>, DH4>;
  var lse = 0.0;
  var delta = 0.0;
  if (valid) {
    let base = (b * T + i) * W4 + h * DH4;
    let row = (b * T + i) * P;
    for (var d = 0; d < DH4; d++) {
      q[d] = X[base + d] * uniforms.scale;
      go[d] = G[(b * T + i) * D4 + h * DH4 + d];
      let f = row + (h * DH4 + d) * 4;
      delta += dot(go[d], vec4<f32>(F[f], F[f + 1], F[f + 2], F[f + 3]));
    }
    lse = F[row + 4 * D4 + h];
  }
  let end = min(r0 + BQ, T);
  for (var j0 = 0; j0 < end; j0 += BK) {
${LOAD_KV_TILE}
    if (valid) {
      for (var jj = 0; jj < BK; jj++) {
        if (j0 + jj > i) { break; }
        var s = 0.0;
        var dp = 0.0;
        for (var d = 0; d < DH4; d++) {
          s += dot(q[d], Ks[jj * DH4 + d]);
          dp += dot(go[d], Vs[jj * DH4 + d]);
        }
        let ds = exp(s - lse) * (dp - delta);
        for (var d = 0; d < DH4; d++) { dq[d] += ds * Ks[jj * DH4 + d]; }
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let row = (b * T + i) * P;
    for (var d = 0; d < DH4; d++) {
      for (var c = 0; c < 4; c++) { result[row + (h * DH4 + d) * 4 + c] = dq[d][c] * uniforms.scale; }
    }
    result[row + 4 * D4 + h] = delta;
  }
}`;
}

/** dK, dV per key row (here `i` is the key row), written with dq into the fused layout [B·T, 3D]. */
function dkvCode(dh: number): string {
  return `${HEAD(dh)}
var<workgroup> Qs: array<vec4<f32>, BK * DH4>;
var<workgroup> Gs: array<vec4<f32>, BK * DH4>;
var<workgroup> Ls: array<f32, BK>;
var<workgroup> Es: array<f32, BK>;

fn main() {${SETUP}
  let P = 4 * D4 + H;
  var k: array<vec4<f32>, DH4>;
  var v: array<vec4<f32>, DH4>;
  var dk: array<vec4<f32>, DH4>;
  var dv: array<vec4<f32>, DH4>;
  if (valid) {
    let base = (b * T + i) * W4 + D4 + h * DH4;
    for (var d = 0; d < DH4; d++) { k[d] = X[base + d]; v[d] = X[base + D4 + d]; }
  }
  for (var q0 = r0; q0 < T; q0 += BK) {
    for (var e = tid; e < BK * DH4; e += BQ) {
      let qi = q0 + e / DH4;
      if (qi < T) {
        Qs[e] = X[(b * T + qi) * W4 + h * DH4 + e % DH4] * uniforms.scale;
        Gs[e] = G[(b * T + qi) * D4 + h * DH4 + e % DH4];
      }
    }
    for (var e = tid; e < BK; e += BQ) {
      let qi = q0 + e;
      if (qi < T) {
        Ls[e] = F[(b * T + qi) * P + 4 * D4 + h];
        Es[e] = Q[(b * T + qi) * P + 4 * D4 + h];
      }
    }
    workgroupBarrier();
    if (valid) {
      for (var ii = 0; ii < BK; ii++) {
        let qi = q0 + ii;
        if (qi >= T) { break; }
        if (qi < i) { continue; }
        var s = 0.0;
        var dp = 0.0;
        for (var d = 0; d < DH4; d++) {
          s += dot(Qs[ii * DH4 + d], k[d]);
          dp += dot(Gs[ii * DH4 + d], v[d]);
        }
        let p = exp(s - Ls[ii]);
        let ds = p * (dp - Es[ii]);
        for (var d = 0; d < DH4; d++) {
          dv[d] += p * Gs[ii * DH4 + d];
          dk[d] += ds * Qs[ii * DH4 + d];
        }
      }
    }
    workgroupBarrier();
  }
  if (valid) {
    let row = (b * T + i) * 12 * D4;
    let qrow = (b * T + i) * P;
    for (var d = 0; d < DH4; d++) {
      for (var c = 0; c < 4; c++) {
        let col = (h * DH4 + d) * 4 + c;
        result[row + col] = Q[qrow + col];
        result[row + 4 * D4 + col] = dk[d][c];
        result[row + 8 * D4 + col] = dv[d][c];
      }
    }
  }
}`;
}

const UNIFORMS = 'T : i32, H : i32, scale : f32,';

function uniformValues(s: AttnShape): { type: 'int32' | 'float32'; data: number[] }[] {
  return [
    { type: 'int32', data: [s.T] },
    { type: 'int32', data: [s.heads] },
    { type: 'float32', data: [1 / Math.sqrt(s.headDim)] },
  ];
}

function dispatch(
  rt: GpuRuntime,
  key: string,
  code: string,
  s: AttnShape,
  inputs: tf.Tensor[],
  names: string[],
  components: number[],
  width: number,
): tf.Tensor2D {
  return rt.run({
    key: `${key}_dh${s.headDim}`,
    inputs,
    names,
    components,
    outShape: [s.B * s.T, width],
    workgroups: [ceilDiv(s.T, BQ), s.B * s.heads, 1],
    workgroupSize: [BQ, 1, 1],
    uniforms: UNIFORMS,
    values: uniformValues(s),
    code,
  }) as tf.Tensor2D;
}

/** The kernel pair for attention-kernel.ts's selector; null off webgpu or for head sizes not a multiple of 4. */
export function gpuAttention(headDim: number): {
  forward(qkv: tf.Tensor2D, s: AttnShape): { out: tf.Tensor2D; probs: tf.Tensor4D };
  backward(dOut: tf.Tensor2D, qkv: tf.Tensor2D, saved: tf.Tensor4D, s: AttnShape): tf.Tensor2D;
} | null {
  const rt = gpuRuntime();
  if (!rt || headDim % 4 !== 0 || headDim > 256) return null;
  return {
    // What the backward pass keeps in place of the probabilities: [B, T, 1, D + H], outputs then log-sum-exps.
    forward(qkv, s) {
      const D = s.heads * s.headDim;
      const packed = dispatch(rt, 'attn_fwd', forwardCode(s.headDim), s, [qkv], ['X'], [4], D + s.heads);
      const out = tf.slice(packed, [0, 0], [s.B * s.T, D]) as tf.Tensor2D;
      const probs = tf.reshape(packed, [s.B, s.T, 1, D + s.heads]) as tf.Tensor4D;
      packed.dispose();
      return { out, probs };
    },
    backward(dOut, qkv, saved, s) {
      const D = s.heads * s.headDim;
      const F = tf.reshape(saved, [s.B * s.T, D + s.heads]);
      const dq = dispatch(rt, 'attn_dq', dqCode(s.headDim), s, [qkv, F, dOut], ['X', 'F', 'G'], [4, 1, 4], D + s.heads);
      const dqkv = dispatch(
        rt,
        'attn_dkv',
        dkvCode(s.headDim),
        s,
        [qkv, F, dOut, dq],
        ['X', 'F', 'G', 'Q'],
        [4, 1, 4, 1],
        3 * D,
      );
      tf.dispose([F, dq]);
      return dqkv;
    },
  };
}
