// Flash-style causal attention on WebGPU: the forward keeps, per query row, only its output and the log-sum-exp
// of its scores (never the T×T probabilities); the backward recomputes probabilities block by block from them.
// Forward: one dispatch. Backward: one for dQ (and Δ = rowsum(dO∘O)), one for dK, dV writing the fused dqkv.
// With RoPE fused (`rope`), the kernels take the unrotated qkv and rotate q and k as they load them (position
// tables R, cos | sin per row, as rope.ts's); the backward un-rotates dQ and dK as it writes them, so the
// gradient is the unrotated qkv's and no separate rope dispatch (or rotated [B·T, 3D] copy) exists.
import * as tf from '@tensorflow/tfjs-core';
import type { AttnShape } from '../attention';
import { angleTable } from './rope';
import { ceilDiv, gpuRuntime, type GpuRuntime } from './runtime';

/** Query (or key) rows per workgroup, one per thread. */
const BQ = 32;

/** Rows staged per step in workgroup memory: two [rows, dh] blocks plus two scalars per row within 16 KiB. */
function stagedRows(dh: number): number {
  let rows = 16;
  while (rows > 1 && rows * (8 * dh + 8) > 16384) rows /= 2;
  return rows;
}

const HEAD = (dh: number, rope: boolean) => `
const BQ = ${BQ};
const BK = ${stagedRows(dh)};
const DH4 = ${dh / 4};
const HD4 = ${dh / 8};
var<workgroup> firstRow: i32;
${rope ? ROPE_FNS : ''}`;

/**
 * Half-split rotation of vec4 d of one head (dh a multiple of 8, so each half is whole vec4s) at position t:
 * first half x·cos − partner·sin, second x·cos + partner·sin; dir −1 applies the inverse (the transpose).
 */
const ROPE_FNS = `
fn ropeRot(x: vec4<f32>, partner: vec4<f32>, d: i32, t: i32, dir: f32) -> vec4<f32> {
  let first = d < HD4;
  let f = select(d - HD4, d, first);
  let cs = R[t * DH4 + f];
  let sn = R[t * DH4 + HD4 + f] * dir;
  return select(x * cs + partner * sn, x * cs - partner * sn, first);
}
// Element vec4 d of the head starting at X[base], rotated for position t.
fn ropeLoad(base: i32, d: i32, t: i32) -> vec4<f32> {
  return ropeRot(X[base + d], X[base + select(d - HD4, d + HD4, d < HD4)], d, t, 1.0);
}`;

/** q or k vec4 d of the head at X[base] for position t: rotated when RoPE is fused. */
const load = (rope: boolean, base: string, d: string, t: string) =>
  rope ? `ropeLoad(${base}, ${d}, ${t})` : `X[${base} + ${d}]`;

/** vec4 d of a gradient held in the private array a for position t, un-rotated when RoPE is fused. */
const unrotate = (rope: boolean, a: string, d: string, t: string) =>
  rope ? `ropeRot(${a}[${d}], ${a}[select(${d} - HD4, ${d} + HD4, ${d} < HD4)], ${d}, ${t}, -1.0)` : `${a}[${d}]`;

/** Every row block loads the keys and values of tile j0 into workgroup memory (all kernels walk the same tiles). */
const LOAD_KV_TILE = (rope: boolean) => `    for (var e = tid; e < BK * DH4; e += BQ) {
      let j = j0 + e / DH4;
      if (j < T) {
        let kb = (b * T + j) * W4 + D4 + h * DH4;
        Ks[e] = ${load(rope, 'kb', 'e % DH4', 'j')};
        Vs[e] = X[kb + D4 + e % DH4];
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

function forwardCode(dh: number, rope: boolean): string {
  return `${HEAD(dh, rope)}
var<workgroup> Ks: array<vec4<f32>, BK * DH4>;
var<workgroup> Vs: array<vec4<f32>, BK * DH4>;

fn main() {${SETUP}
  let P = 4 * D4 + H;
  var q: array<vec4<f32>, DH4>;
  var acc: array<vec4<f32>, DH4>;
  if (valid) {
    let base = (b * T + i) * W4 + h * DH4;
    for (var d = 0; d < DH4; d++) { q[d] = ${load(rope, 'base', 'd', 'i')} * uniforms.scale; }
  }
  var m = -3.0e38;
  var l = 0.0;
  let end = min(r0 + BQ, T);
  for (var j0 = 0; j0 < end; j0 += BK) {
${LOAD_KV_TILE(rope)}
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
function dqCode(dh: number, rope: boolean): string {
  return `${HEAD(dh, rope)}
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
      q[d] = ${load(rope, 'base', 'd', 'i')} * uniforms.scale;
      go[d] = G[(b * T + i) * D4 + h * DH4 + d];
      let f = row + (h * DH4 + d) * 4;
      delta += dot(go[d], vec4<f32>(F[f], F[f + 1], F[f + 2], F[f + 3]));
    }
    lse = F[row + 4 * D4 + h];
  }
  let end = min(r0 + BQ, T);
  for (var j0 = 0; j0 < end; j0 += BK) {
${LOAD_KV_TILE(rope)}
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
      let g = ${unrotate(rope, 'dq', 'd', 'i')} * uniforms.scale;
      for (var c = 0; c < 4; c++) { result[row + (h * DH4 + d) * 4 + c] = g[c]; }
    }
    result[row + 4 * D4 + h] = delta;
  }
}`;
}

/** dK, dV per key row (here `i` is the key row), written with dq into the fused layout [B·T, 3D]. */
function dkvCode(dh: number, rope: boolean): string {
  return `${HEAD(dh, rope)}
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
    for (var d = 0; d < DH4; d++) { k[d] = ${load(rope, 'base', 'd', 'i')}; v[d] = X[base + D4 + d]; }
  }
  for (var q0 = r0; q0 < T; q0 += BK) {
    for (var e = tid; e < BK * DH4; e += BQ) {
      let qi = q0 + e / DH4;
      if (qi < T) {
        Qs[e] = ${load(rope, '(b * T + qi) * W4 + h * DH4', 'e % DH4', 'qi')} * uniforms.scale;
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
      let g = ${unrotate(rope, 'dk', 'd', 'i')};
      for (var c = 0; c < 4; c++) {
        let col = (h * DH4 + d) * 4 + c;
        result[row + col] = Q[qrow + col];
        result[row + 4 * D4 + col] = g[c];
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

/**
 * The kernel pair for attention-kernel.ts's selector; null off webgpu or for head sizes not a multiple of 4.
 * With `ropeBase` the kernels rotate q and k themselves (training positions 0…T−1): qkv is the unrotated
 * projection and the backward's dqkv its gradient; this needs head sizes that are multiples of 8 (else null).
 */
export function gpuAttention(
  headDim: number,
  ropeBase?: number,
): {
  forward(qkv: tf.Tensor2D, s: AttnShape): { out: tf.Tensor2D; probs: tf.Tensor4D };
  backward(dOut: tf.Tensor2D, qkv: tf.Tensor2D, saved: tf.Tensor4D, s: AttnShape): tf.Tensor2D;
} | null {
  const rt = gpuRuntime();
  if (!rt || headDim % 4 !== 0 || headDim > 256) return null;
  const rope = ropeBase !== undefined;
  if (rope && headDim % 8 !== 0) return null;
  const tag = rope ? '_rope' : '';
  // The position table rides along as input R (vec4s); training's offset-0 tables are cached by rope.ts.
  const extra = (s: AttnShape) => (rope ? [angleTable(s.T, 0, s.headDim, ropeBase)] : []);
  const names = (xs: string[]) => (rope ? [...xs, 'R'] : xs);
  const comps = (xs: number[]) => (rope ? [...xs, 4] : xs);
  return {
    // What the backward pass keeps in place of the probabilities: [B, T, 1, D + H], outputs then log-sum-exps.
    forward(qkv, s) {
      const D = s.heads * s.headDim;
      const packed = dispatch(
        rt,
        `attn_fwd${tag}`,
        forwardCode(s.headDim, rope),
        s,
        [qkv, ...extra(s)],
        names(['X']),
        comps([4]),
        D + s.heads,
      );
      const out = tf.slice(packed, [0, 0], [s.B * s.T, D]) as tf.Tensor2D;
      const probs = tf.reshape(packed, [s.B, s.T, 1, D + s.heads]) as tf.Tensor4D;
      packed.dispose();
      return { out, probs };
    },
    backward(dOut, qkv, saved, s) {
      const D = s.heads * s.headDim;
      const F = tf.reshape(saved, [s.B * s.T, D + s.heads]);
      const dq = dispatch(
        rt,
        `attn_dq${tag}`,
        dqCode(s.headDim, rope),
        s,
        [qkv, F, dOut, ...extra(s)],
        names(['X', 'F', 'G']),
        comps([4, 1, 4]),
        D + s.heads,
      );
      const dqkv = dispatch(
        rt,
        `attn_dkv${tag}`,
        dkvCode(s.headDim, rope),
        s,
        [qkv, F, dOut, dq, ...extra(s)],
        names(['X', 'F', 'G', 'Q']),
        comps([4, 1, 4, 1]),
        3 * D,
      );
      tf.dispose([F, dq]);
      return dqkv;
    },
  };
}
