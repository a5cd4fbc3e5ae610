// The model's named parameters: stable names (`blocks.3.attn.wq`, `head.weight`, …), a frozen flag each,
// which ones get weight decay, and the total / trainable / frozen counts.
import * as tf from '@tensorflow/tfjs-core';

export interface ParamEntry {
  readonly name: string;
  readonly variable: tf.Variable;
  /** Frozen parameters get no gradient and no optimizer state. */
  frozen: boolean;
  /** AdamW's decoupled weight decay applies to weight matrices only (not norms, not the embedding). */
  readonly decay: boolean;
}

export interface ParamCounts {
  total: number;
  trainable: number;
  frozen: number;
}

/** Sort key: embedding first, then blocks by index, then the final norm and the head. */
function orderKey(name: string): string {
  const m = /^blocks\.(\d+)\.(.*)$/.exec(name);
  if (m) return `1.${m[1]!.padStart(6, '0')}.${m[2]}`;
  if (name.startsWith('embed.')) return `0.${name}`;
  return `2.${name}`;
}

export class ParamStore {
  private readonly entries = new Map<string, ParamEntry>();

  /** Adds a parameter that takes ownership of a copy of `value` (the caller keeps `value`). */
  add(name: string, value: tf.Tensor, opts: { frozen?: boolean; decay?: boolean } = {}): ParamEntry {
    if (this.entries.has(name)) throw new Error(`parameter ${name} already exists`);
    // tfjs variable names are process-global, so two models (e.g. merge experts) could clash: let tfjs
    // name the variable and keep Espalier's stable name here.
    const variable = tf.variable(value, !opts.frozen);
    const entry: ParamEntry = { name, variable, frozen: opts.frozen ?? false, decay: opts.decay ?? false };
    this.entries.set(name, entry);
    return entry;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): ParamEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`no parameter named ${name}`);
    return e;
  }

  get(name: string): tf.Variable {
    return this.entry(name).variable;
  }

  /** All names in the stable order (embedding, blocks, final norm, head). */
  names(): string[] {
    return [...this.entries.keys()].sort((a, b) =>
      orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0,
    );
  }

  list(): ParamEntry[] {
    return this.names().map((n) => this.entries.get(n)!);
  }

  trainable(): ParamEntry[] {
    return this.list().filter((e) => !e.frozen);
  }

  isFrozen(name: string): boolean {
    return this.entry(name).frozen;
  }

  setFrozen(name: string, frozen: boolean): void {
    const e = this.entry(name);
    e.frozen = frozen;
    e.variable.trainable = !frozen;
  }

  counts(): ParamCounts {
    let total = 0;
    let frozen = 0;
    for (const e of this.entries.values()) {
      total += e.variable.size;
      if (e.frozen) frozen += e.variable.size;
    }
    return { total, trainable: total - frozen, frozen };
  }

  /**
   * Reads every parameter to the host, where tfjs keeps the copy until the next update, so that the synchronous
   * toHost (checkpoints, exports, copied block inits) also works on WebGPU, which Node cannot read synchronously.
   */
  async readAll(): Promise<void> {
    await Promise.all(this.list().map((e) => e.variable.data()));
  }

  /** Copies every parameter to host memory, keyed by stable name. */
  toHost(): Record<string, { shape: number[]; data: Float32Array }> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const e of this.list())
      out[e.name] = { shape: [...e.variable.shape], data: e.variable.dataSync() as Float32Array };
    return out;
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }
}
