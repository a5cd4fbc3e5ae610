// LoRA adapters on frozen blocks: W stays bit-identical, W·x gains (alpha/r)·B(A(x)); merged into plain
// weights (W + (alpha/r)·A·B) when a stage is exported, so the exported model is an ordinary GPT.
import * as tf from '@tensorflow/tfjs-core';
import type { BlockAdapter } from '../model/adapter';
import * as F from '../model/flow';
import { flow, type Flow } from '../model/flow';
import type { GPT } from '../model/gpt';
import type { HostTensor } from '../model/init';
import type { ParamEntry } from '../model/params';
import { gaussian } from '../model/init';
import type { Rng } from '../util/rng';

/** The block matrices that get adapters (every linear map of a block). */
export const LORA_TARGETS = ['attn.wq', 'attn.wk', 'attn.wv', 'attn.wo', 'mlp.w1', 'mlp.w2'] as const;

export interface Adapter {
  /** [in, r]: Gaussian at the start. */
  a: ParamEntry;
  /** [r, out]: zero at the start, so a fresh adapter changes nothing. */
  b: ParamEntry;
}

/** Adapters for a model's blocks; the block forward adds each one's term through its adapter hook. */
export class LoraSet implements BlockAdapter {
  private readonly map = new Map<string, Adapter>();

  constructor(
    readonly rank: number,
    readonly alpha: number,
  ) {}

  get scale(): number {
    return this.alpha / this.rank;
  }

  /** Weight names (`blocks.0.attn.wq`, …) that carry an adapter. */
  targets(): string[] {
    return [...this.map.keys()];
  }

  get(weight: string): Adapter | undefined {
    return this.map.get(weight);
  }

  hasBlock(i: number): boolean {
    return this.map.has(`blocks.${i}.${LORA_TARGETS[0]}`);
  }

  /** (alpha/r)·(x·A)·B for an adapted weight: zero while B is (a fresh adapter changes nothing). */
  delta(weight: string, x: Flow, train: boolean): Flow | null {
    const ad = this.map.get(weight);
    if (!ad) return null;
    const low = F.linear(
      F.linear(x, flow(ad.a.variable as tf.Tensor as tf.Tensor2D, train)),
      flow(ad.b.variable as tf.Tensor as tf.Tensor2D, train),
    );
    return F.scale(low, this.scale);
  }

  /** Adds adapters to every matrix of block i (no-op when present). */
  addBlock(model: GPT, i: number, rng: Rng): void {
    if (this.hasBlock(i)) return;
    for (const t of LORA_TARGETS) {
      const name = `blocks.${i}.${t}`;
      const [din, dout] = model.params.get(name).shape as [number, number];
      this.set(name, gaussian(rng, [din, this.rank], 1 / Math.sqrt(din)), {
        shape: [this.rank, dout],
        data: new Float32Array(this.rank * dout),
      });
    }
  }

  private set(weight: string, a: HostTensor, b: HostTensor): void {
    const entry = (suffix: string, h: HostTensor): ParamEntry => {
      const value = tf.tensor(h.data, h.shape, 'float32');
      const variable = tf.variable(value, true);
      value.dispose();
      return { name: `${weight}.${suffix}`, variable, frozen: false, decay: false };
    };
    this.map.get(weight)?.a.variable.dispose();
    this.map.get(weight)?.b.variable.dispose();
    this.map.set(weight, { a: entry('lora_a', a), b: entry('lora_b', b) });
  }

  /** Trainable entries for the optimizer, named `blocks.0.attn.wq.lora_a` / `.lora_b`. */
  entries(): ParamEntry[] {
    return [...this.map.values()].flatMap((ad) => [ad.a, ad.b]);
  }

  get paramCount(): number {
    return this.entries().reduce((n, e) => n + e.variable.size, 0);
  }

  toHost(): Record<string, HostTensor> {
    const out: Record<string, HostTensor> = {};
    for (const e of this.entries())
      out[e.name] = { shape: [...e.variable.shape], data: Float32Array.from(e.variable.dataSync() as Float32Array) };
    return out;
  }

  /** Restores adapters saved by toHost (names ending in .lora_a / .lora_b). */
  static fromHost(rank: number, alpha: number, tensors: ReadonlyMap<string, HostTensor>): LoraSet {
    const set = new LoraSet(rank, alpha);
    for (const [name, a] of tensors) {
      if (!name.endsWith('.lora_a')) continue;
      const weight = name.slice(0, -'.lora_a'.length);
      const b = tensors.get(`${weight}.lora_b`);
      if (!b) throw new Error(`LoRA checkpoint: ${name} has no matching ${weight}.lora_b`);
      set.set(weight, a, b);
    }
    return set;
  }

  /** W + (alpha/r)·A·B for every adapted weight of `model` (host copies; the model is untouched). */
  async merged(model: GPT): Promise<Map<string, HostTensor>> {
    const out = new Map<string, HostTensor>();
    for (const [weight, ad] of this.map) {
      const w = tf.tidy(() =>
        tf.add(model.params.get(weight), tf.mul(tf.matMul(ad.a.variable, ad.b.variable), this.scale)),
      );
      try {
        out.set(weight, { shape: [...w.shape], data: Float32Array.from((await w.data()) as Float32Array) });
      } finally {
        w.dispose();
      }
    }
    return out;
  }

  dispose(): void {
    for (const e of this.entries()) e.variable.dispose();
    this.map.clear();
  }
}
