// AdamW with decoupled weight decay (Loshchilov & Hutter): moments per trainable parameter, keyed by the
// parameter's stable name so they survive checkpoints, freezing and growth.
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensor } from '../model/init';
import type { ParamEntry } from '../model/params';
import { wasmModule, type WasmRuntime } from '../model/wasm/runtime';
import { buildOptimKernels, type OptimExports } from '../model/wasm/optim';
import { gpuAdamWFlat, gpuAdamWStep } from '../model/webgpu/adamw';
import { gpuRuntime } from '../model/webgpu/runtime';
import { nativeOptim, type AdamWItem, type NativeOptim } from '../model/native/optim';

function optimKernels(): WasmRuntime<OptimExports> | null {
  return wasmModule<OptimExports>('optim', buildOptimKernels);
}

/** Σ‖g‖² over all gradients: one SIMD pass per tensor on wasm, tfjs ops elsewhere. */
export function sumOfSquares(grads: readonly tf.Tensor[]): number {
  const nat = nativeOptim();
  if (nat && grads.every((g) => g.dtype === 'float32')) return nat.sumsq(grads);
  const k = optimKernels();
  if (k) return grads.reduce((acc, g) => acc + k.exports.sumsq(k.ptr(g), g.size), 0);
  return tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!);
}

/** sumOfSquares read asynchronously, as WebGPU needs (Node has no synchronous GPU read). */
export async function sumOfSquaresAsync(grads: readonly tf.Tensor[]): Promise<number> {
  if (optimKernels() || nativeOptim()) return sumOfSquares(grads);
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
  /** On WebGPU, the moments of the last step's parameters packed flat as [m | v], in `layout` order. */
  private flat: { key: string; layout: { name: string; shape: number[]; size: number }[]; mv: tf.Variable } | null =
    null;
  /**
   * With the native optimizer (wasm backend + addon), the moments live here, in Node memory outside the
   * WebAssembly heap, instead of in `m`/`v`; each parameter's moments sit in one of the two places.
   */
  private readonly host = new Map<string, { shape: number[]; m: Float32Array; v: Float32Array }>();

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
    if (gpuRuntime() && this.applyFlat(entries, grads, lr, gradScale, { b1, b2, stepSize, sqrtBc2, eps })) return;
    this.unpack();
    const nat = nativeOptim();
    if (nat && this.applyNative(nat, entries, grads, lr, { b1, b2, stepSize, sqrtBc2, eps, gradScale })) return;
    this.toTensors();
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
        k.exports.adamw(
          k.ptr(e.variable),
          k.ptr(out),
          k.ptr(m),
          k.ptr(v),
          k.ptr(g0),
          g0.size,
          b1,
          b2,
          stepSize,
          sqrtBc2,
          eps,
          decay,
          gradScale,
        );
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

  /**
   * The WebGPU step: parameters, gradients and moments packed flat (decayed parameters first) and updated in one
   * dispatch; the packing (concat) and the write-back of each parameter (slice) are copies. False when a
   * parameter is not float32 (then the per-parameter path runs).
   */
  private applyFlat(
    entries: readonly ParamEntry[],
    grads: ReadonlyMap<string, tf.Tensor>,
    lr: number,
    gradScale: number,
    s: { b1: number; b2: number; stepSize: number; sqrtBc2: number; eps: number },
  ): boolean {
    const wd = this.opts.weightDecay;
    const live = entries.filter((e) => grads.has(e.name));
    if (live.length === 0 || live.some((e) => e.variable.dtype !== 'float32')) return false;
    const decayed = (e: ParamEntry) => e.decay && wd > 0;
    const order = [...live.filter(decayed), ...live.filter((e) => !decayed(e))];
    const nDecay = order.filter(decayed).reduce((a, e) => a + e.variable.size, 0);
    const layout = order.map((e) => ({ name: e.name, shape: [...e.variable.shape], size: e.variable.size }));
    const key = layout.map((l) => `${l.name}:${l.size}`).join(',');
    if (this.flat?.key !== key) {
      this.unpack();
      const mv = tf.tidy(() => {
        const part = (map: Map<string, tf.Variable>) =>
          layout.map((l) => (map.get(l.name) ? tf.reshape(map.get(l.name)!, [-1]) : tf.zeros([l.size])));
        return tf.concat([...part(this.m), ...part(this.v)]);
      });
      for (const l of layout) {
        this.m.get(l.name)?.dispose();
        this.v.get(l.name)?.dispose();
        this.m.delete(l.name);
        this.v.delete(l.name);
      }
      this.flat = { key, layout, mv: hold(mv) };
    }
    const flat = this.flat;
    const n = layout.reduce((a, l) => a + l.size, 0);
    tf.tidy(() => {
      const flatten = (ts: tf.Tensor[]) =>
        ts.length === 1 ? tf.reshape(ts[0]!, [-1]) : tf.concat(ts.map((t) => tf.reshape(t, [-1])));
      const p = flatten(order.map((e) => e.variable));
      const g = flatten(order.map((e) => grads.get(e.name)!));
      const out = gpuAdamWFlat(p, g, flat.mv, nDecay, { ...s, decay: 1 - lr * wd, gradScale })!;
      flat.mv.assign(tf.slice(out, 0, 2 * n));
      let off = 2 * n;
      for (const e of order) {
        e.variable.assign(tf.reshape(tf.slice(out, off, e.variable.size), e.variable.shape));
        off += e.variable.size;
      }
    });
    return true;
  }

  /**
   * The native step: moments in `host`, parameters written to fresh heap tensors (see OptimExports.adamw for
   * why never in place), a group of parameters per call so the threads share big and small tensors alike while
   * the fresh outputs stay a bounded extra on the heap. False when a tensor is not float32.
   */
  private applyNative(
    nat: NativeOptim,
    entries: readonly ParamEntry[],
    grads: ReadonlyMap<string, tf.Tensor>,
    lr: number,
    h: { b1: number; b2: number; stepSize: number; sqrtBc2: number; eps: number; gradScale: number },
  ): boolean {
    const wd = this.opts.weightDecay;
    const live = entries.filter((e) => grads.has(e.name));
    if (live.some((e) => e.variable.dtype !== 'float32' || grads.get(e.name)!.dtype !== 'float32')) return false;
    this.toHost();
    const GROUP_FLOATS = 1 << 24;
    for (let i = 0; i < live.length;) {
      const group: ParamEntry[] = [];
      let floats = 0;
      while (i < live.length && (group.length === 0 || floats + live[i]!.variable.size <= GROUP_FLOATS)) {
        floats += live[i]!.variable.size;
        group.push(live[i++]!);
      }
      const items: AdamWItem[] = group.map((e) => {
        const mv = this.hostMoments(e);
        return {
          p: e.variable,
          out: nat.empty([...e.variable.shape]),
          g: grads.get(e.name)!,
          m: mv.m,
          v: mv.v,
          decay: e.decay && wd > 0 ? 1 - lr * wd : 1,
        };
      });
      try {
        nat.adamw(items, h);
        items.forEach((it, k) => group[k]!.variable.assign(it.out));
      } finally {
        for (const it of items) it.out.dispose();
      }
    }
    return true;
  }

  private hostMoments(e: ParamEntry): { m: Float32Array; v: Float32Array } {
    let mv = this.host.get(e.name);
    if (!mv) {
      mv = { shape: [...e.variable.shape], m: new Float32Array(e.variable.size), v: new Float32Array(e.variable.size) };
      this.host.set(e.name, mv);
    }
    return mv;
  }

  /** Moves moments held as tensors into host memory (the native step's place for them). */
  private toHost(): void {
    for (const [k, m] of this.m) {
      const v = this.v.get(k)!;
      const copy = (t: tf.Tensor) => new Float32Array(t.dataSync() as Float32Array);
      this.host.set(k, { shape: [...m.shape], m: copy(m), v: copy(v) });
      tf.dispose([m, v]);
    }
    this.m.clear();
    this.v.clear();
  }

  /** Moves host moments back into tensors (the native optimizer went away: another backend, or switched off). */
  private toTensors(): void {
    for (const [k, h] of this.host) {
      this.m.set(k, hold(tf.tensor(h.m, h.shape)));
      this.v.set(k, hold(tf.tensor(h.v, h.shape)));
    }
    this.host.clear();
  }

  /** Moves packed moments back to one tensor per parameter (before a per-parameter step, a load, or a new layout). */
  private unpack(): void {
    const flat = this.flat;
    if (!flat) return;
    this.flat = null;
    const n = flat.layout.reduce((a, l) => a + l.size, 0);
    let off = 0;
    for (const l of flat.layout) {
      this.m.set(l.name, hold(tf.tidy(() => tf.reshape(tf.slice(flat.mv, off, l.size), l.shape))));
      this.v.set(l.name, hold(tf.tidy(() => tf.reshape(tf.slice(flat.mv, n + off, l.size), l.shape))));
      off += l.size;
    }
    flat.mv.dispose();
  }

  /** Every moment tensor (to read them to the host ahead of `state`); packed moments come as one flat tensor. */
  moments(): tf.Variable[] {
    return [...this.m.values(), ...this.v.values(), ...(this.flat ? [this.flat.mv] : [])];
  }

  /** The moments per parameter, packed ones in the order `layout` gives (for tests and checkpoints). */
  momentList(names: readonly string[]): tf.Tensor[] {
    this.unpack();
    this.toTensors();
    return [...names.map((k) => this.m.get(k)!), ...names.map((k) => this.v.get(k)!)];
  }

  state(): AdamWState {
    const host = (map: Map<string, tf.Variable>) =>
      Object.fromEntries(
        [...map].map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) }]),
      );
    const st = { t: this.t, m: host(this.m), v: host(this.v) };
    for (const [k, h] of this.host) {
      st.m[k] = { shape: [...h.shape], data: h.m.slice() };
      st.v[k] = { shape: [...h.shape], data: h.v.slice() };
    }
    if (this.flat) {
      // Read on the host from the flat buffer (moments() let the caller download it ahead, as WebGPU needs).
      const data = this.flat.mv.dataSync() as Float32Array;
      const n = data.length / 2;
      let off = 0;
      for (const l of this.flat.layout) {
        st.m[l.name] = { shape: [...l.shape], data: data.slice(off, off + l.size) };
        st.v[l.name] = { shape: [...l.shape], data: data.slice(n + off, n + off + l.size) };
        off += l.size;
      }
    }
    return st;
  }

  load(state: AdamWState): void {
    this.dispose();
    this.t = state.t;
    if (nativeOptim()) {
      // Straight to host memory (copies: the caller's state stays its own), never through the wasm heap.
      for (const [k, h] of Object.entries(state.m)) {
        const v = state.v[k];
        if (!v) throw new Error(`optimizer state: the moment v of ${k} is missing`);
        this.host.set(k, { shape: [...h.shape], m: new Float32Array(h.data), v: new Float32Array(v.data) });
      }
      return;
    }
    for (const [k, h] of Object.entries(state.m)) this.m.set(k, hold(tf.tensor(h.data, h.shape)));
    for (const [k, h] of Object.entries(state.v)) this.v.set(k, hold(tf.tensor(h.data, h.shape)));
  }

  dispose(): void {
    this.flat?.mv.dispose();
    this.flat = null;
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
    this.host.clear();
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
