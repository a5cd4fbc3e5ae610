// AdamW with decoupled weight decay (Loshchilov & Hutter): moments per trainable parameter, keyed by the
// parameter's stable name so they survive checkpoints, freezing and growth.
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensor } from '../model/init';
import type { ParamEntry } from '../model/params';
import { wasmModule, type WasmRuntime } from '../model/wasm/runtime';
import { buildOptimKernels, type OptimExports } from '../model/wasm/optim';
import { gpuAdamWStep } from '../model/webgpu/adamw';

function optimKernels(): WasmRuntime<OptimExports> | null {
  return wasmModule<OptimExports>('optim', buildOptimKernels);
}

/** Σ‖g‖² over all gradients: one SIMD pass per tensor on wasm, tfjs ops elsewhere. */
export function sumOfSquares(grads: readonly tf.Tensor[]): number {
  const k = optimKernels();
  if (k) return grads.reduce((acc, g) => acc + k.exports.sumsq(k.ptr(g), g.size), 0);
  return tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!);
}

/** sumOfSquares read asynchronously, as WebGPU needs (Node has no synchronous GPU read). */
export async function sumOfSquaresAsync(grads: readonly tf.Tensor[]): Promise<number> {
  if (optimKernels()) return sumOfSquares(grads);
  // A chain of adds rather than addN: WebGPU's addN binds every input at once and exceeds the storage-buffer limit.
  const t = tf.tidy(() => grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
  try {
    return (await t.data())[0]!;
  } finally {
    t.dispose();
  }
}

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamWState {
  /** Updates applied so far (the bias-correction step). */
  t: number;
  m: Record<string, HostTensor>;
  v: Record<string, HostTensor>;
}

export class AdamW {
  private t = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(readonly opts: AdamWOptions) {}

  get steps(): number {
    return this.t;
  }

  private moment(map: Map<string, tf.Variable>, e: ParamEntry): tf.Variable {
    let s = map.get(e.name);
    if (!s) {
      s = hold(tf.zerosLike(e.variable));
      map.set(e.name, s);
    }
    return s;
  }

  /**
   * One update of every entry with a gradient: g is scaled by `gradScale` (clipping) first; the weight
   * decay multiplies the parameter by (1 − lr·wd) independently of the gradient.
   */
  apply(entries: readonly ParamEntry[], grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale: number): void {
    this.t += 1;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this.opts;
    const stepSize = lr / (1 - Math.pow(b1, this.t));
    const sqrtBc2 = Math.sqrt(1 - Math.pow(b2, this.t));
    const k = optimKernels();
    for (const e of entries) {
      const g0 = grads.get(e.name);
      if (!g0) continue;
      const m = this.moment(this.m, e);
      const v = this.moment(this.v, e);
      const decay = e.decay && wd > 0 ? 1 - lr * wd : 1;
      if (gpuAdamWStep(e.variable, m, v, g0, { b1, b2, stepSize, sqrtBc2, eps, decay, gradScale })) continue;
      // The moments update in place, which is safe only while no other tensor shares their data.
      if (k && k.refs(m) === 1 && k.refs(v) === 1) {
        const out = k.empty(e.variable.shape);
        k.exports.adamw(k.ptr(e.variable), k.ptr(out), k.ptr(m), k.ptr(v), k.ptr(g0), g0.size, b1, b2, stepSize, sqrtBc2, eps, decay, gradScale);
        e.variable.assign(out);
        out.dispose();
        continue;
      }
      tf.tidy(() => {
        const g = gradScale === 1 ? g0 : tf.mul(g0, gradScale);
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(mNew);
        v.assign(vNew);
        const update = tf.div(tf.mul(mNew, stepSize), tf.add(tf.div(tf.sqrt(vNew), sqrtBc2), eps));
        const decayed = decay !== 1 ? tf.mul(e.variable, decay) : e.variable;
        e.variable.assign(tf.sub(decayed, update));
      });
    }
  }

  /** Every moment tensor (to read them to the host ahead of `state`). */
  moments(): tf.Variable[] {
    return [...this.m.values(), ...this.v.values()];
  }

  state(): AdamWState {
    const host = (map: Map<string, tf.Variable>) =>
      Object.fromEntries([...map].map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) }]));
    return { t: this.t, m: host(this.m), v: host(this.v) };
  }

  load(state: AdamWState): void {
    this.dispose();
    this.t = state.t;
    for (const [k, h] of Object.entries(state.m)) this.m.set(k, hold(tf.tensor(h.data, h.shape)));
    for (const [k, h] of Object.entries(state.v)) this.v.set(k, hold(tf.tensor(h.data, h.shape)));
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** A non-trainable variable that takes over `t` (tf.variable shares t's data; t itself is released). */
function hold(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, false);
  t.dispose();
  return v;
}

/** Linear warmup to `peak`, then cosine decay to peak·minRatio at `total` steps. `step` counts from 1. */
export function learningRate(step: number, total: number, peak: number, warmup: number, minRatio: number): number {
  if (warmup > 0 && step <= warmup) return (peak * step) / warmup;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, Math.max(0, (step - warmup) / span));
  const min = peak * minRatio;
  return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * progress));
}
