// AdamW on WebGPU: per parameter in three elementwise dispatches (new m, new v, new parameter), or all parameters
// at once in one dispatch over flat packed buffers (gpuAdamWFlat; tfjs's runner writes one output, so it is
// [m | v | p]). The clipping factor scales the gradient inside the kernels.
import * as tf from '@tensorflow/tfjs-core';
import { ceilDiv, flatGrid, gpuRuntime } from './runtime';

export interface AdamWScalars {
  b1: number;
  b2: number;
  /** lr / (1 − b1^t). */
  stepSize: number;
  /** √(1 − b2^t). */
  sqrtBc2: number;
  eps: number;
  /** 1 − lr·wd for decayed parameters, else 1. */
  decay: number;
  /** The clipping factor applied to the gradient. */
  gradScale: number;
}

const INDEX = `let i = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * 256 + i32(localIndex);
  if (i >= uniforms.n) { return; }
  let g = Gr[i] * uniforms.gs;`;
const M_NEW = `fn main() { ${INDEX} result[i] = uniforms.b1 * M[i] + (1.0 - uniforms.b1) * g; }`;
const V_NEW = `fn main() { ${INDEX} result[i] = uniforms.b2 * V[i] + (1.0 - uniforms.b2) * g * g; }`;
const P_NEW = `fn main() {
  let i = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * 256 + i32(localIndex);
  if (i >= uniforms.n) { return; }
  result[i] = P[i] * uniforms.decay - uniforms.step * M[i] / (sqrt(V[i]) / uniforms.bc2 + uniforms.eps);
}`;

const UNIFORMS = 'n : i32, gs : f32, b1 : f32, b2 : f32, step : f32, bc2 : f32, eps : f32, decay : f32,';

/**
 * One AdamW update of parameter `p` with moments `m`, `v` (assigned their new values) from gradient `g`; false
 * (nothing done) off webgpu.
 */
export function gpuAdamWStep(p: tf.Variable, m: tf.Variable, v: tf.Variable, g: tf.Tensor, s: AdamWScalars): boolean {
  const rt = gpuRuntime();
  if (!rt || p.dtype !== 'float32') return false;
  const n = p.size;
  const values = [
    { type: 'int32' as const, data: [n] },
    ...[s.gradScale, s.b1, s.b2, s.stepSize, s.sqrtBc2, s.eps, s.decay].map((x) => ({
      type: 'float32' as const,
      data: [x],
    })),
  ];
  const run = (key: string, code: string, inputs: tf.Tensor[], names: string[]) =>
    rt.run({
      key,
      inputs: inputs.map((t) => tf.reshape(t, [n])),
      names,
      outShape: [n],
      workgroups: flatGrid(ceilDiv(n, 256)),
      workgroupSize: [256, 1, 1],
      uniforms: UNIFORMS,
      values,
      code,
    });
  tf.tidy(() => {
    const mNew = run('adamw_m', M_NEW, [m, g], ['M', 'Gr']);
    const vNew = run('adamw_v', V_NEW, [v, g], ['V', 'Gr']);
    const pNew = run('adamw_p', P_NEW, [p, mNew, vNew], ['P', 'M', 'V']);
    m.assign(tf.reshape(mNew, m.shape));
    v.assign(tf.reshape(vNew, v.shape));
    p.assign(tf.reshape(pNew, p.shape));
  });
  return true;
}

const FLAT = `fn main() {
  let i = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * 256 + i32(localIndex);
  let n = uniforms.n;
  if (i >= n) { return; }
  let g = G[i] * uniforms.gs;
  let m = uniforms.b1 * MV[i] + (1.0 - uniforms.b1) * g;
  let v = uniforms.b2 * MV[n + i] + (1.0 - uniforms.b2) * g * g;
  // Decayed parameters come first in the packing, so one boundary replaces a per-parameter table.
  var decay = 1.0;
  if (i < uniforms.nd) { decay = uniforms.decay; }
  result[i] = m;
  result[n + i] = v;
  result[2 * n + i] = P[i] * decay - uniforms.step * m / (sqrt(v) / uniforms.bc2 + uniforms.eps);
}`;

/**
 * One AdamW update of every parameter in a single dispatch: `p` and `g` are all parameters and gradients packed
 * flat (the first `nDecay` elements weight-decayed), `mv` the packed moments [m | v]; returns [m' | v' | p'].
 * Null off webgpu.
 */
export function gpuAdamWFlat(
  p: tf.Tensor,
  g: tf.Tensor,
  mv: tf.Tensor,
  nDecay: number,
  s: AdamWScalars,
): tf.Tensor | null {
  const rt = gpuRuntime();
  if (!rt) return null;
  const n = p.size;
  if (g.size !== n || mv.size !== 2 * n)
    throw new Error(`adamw: ${n} parameters, ${g.size} gradients, ${mv.size} moments (want ${2 * n})`);
  const values = [
    { type: 'int32' as const, data: [n] },
    { type: 'int32' as const, data: [nDecay] },
    ...[s.gradScale, s.b1, s.b2, s.stepSize, s.sqrtBc2, s.eps, s.decay].map((x) => ({
      type: 'float32' as const,
      data: [x],
    })),
  ];
  return rt.run({
    key: 'adamw_flat',
    inputs: [p, g, mv],
    names: ['P', 'G', 'MV'],
    outShape: [3 * n],
    workgroups: flatGrid(ceilDiv(n, 256)),
    workgroupSize: [256, 1, 1],
    uniforms: `n : i32, nd : i32, ${UNIFORMS.replace('n : i32, ', '')}`,
    values,
    code: FLAT,
  });
}
