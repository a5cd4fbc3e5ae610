// The frozen prefix (embedding + frozen lower blocks) run forward-only, optionally cached per training
// window: its output never changes while those blocks stay frozen, so later epochs skip them entirely.
import * as tf from '@tensorflow/tfjs-core';
import type { GPT } from '../model/gpt';

export class PrefixCache {
  private rows = new Map<number, Float32Array>();
  /** The block boundary and model the cached rows belong to; any change empties the cache. */
  private key = '';

  clear(): void {
    this.rows.clear();
    this.key = '';
  }

  /** Bytes held (for reports). */
  get bytes(): number {
    let n = 0;
    for (const r of this.rows.values()) n += r.byteLength;
    return n;
  }

  /** The activation entering block `from` for tokens [B, T] (a tensor the caller disposes). */
  get(model: GPT, from: number, tokens: tf.Tensor2D, windows: Int32Array, useCache: boolean): tf.Tensor2D {
    const [B, T] = tokens.shape;
    if (!useCache || from === 0) return run(model, from, tokens);
    const missing = this.missing(model, from, windows);
    if (missing.length > 0) {
      const out = this.runMissing(model, from, tokens, missing);
      this.store(missing, windows, T, model.config.dModel, out.dataSync() as Float32Array);
      out.dispose();
    }
    return this.assemble(windows, B, T, model.config.dModel);
  }

  /**
   * Computes and keeps the rows `get` would lack for these windows, reading them asynchronously: WebGPU in Node
   * has no synchronous read, so the async training step fills the cache here first and `get` then only copies.
   */
  async prefill(model: GPT, from: number, tokens: tf.Tensor2D, windows: Int32Array): Promise<void> {
    if (from === 0) return;
    const missing = this.missing(model, from, windows);
    if (missing.length === 0) return;
    const out = this.runMissing(model, from, tokens, missing);
    try {
      this.store(missing, windows, tokens.shape[1], model.config.dModel, (await out.data()) as Float32Array);
    } finally {
      out.dispose();
    }
  }

  /** Batch rows whose windows are not cached yet (after emptying the cache if the boundary or model changed). */
  private missing(model: GPT, from: number, windows: Int32Array): number[] {
    const key = `${from}:${model.layers}:${model.substrateId}`;
    if (key !== this.key) this.clear();
    this.key = key;
    const out: number[] = [];
    for (let b = 0; b < windows.length; b++) if (!this.rows.has(windows[b]!)) out.push(b);
    return out;
  }

  private runMissing(model: GPT, from: number, tokens: tf.Tensor2D, missing: number[]): tf.Tensor2D {
    const sub = tf.tidy(() => tf.gather(tokens, tf.tensor1d(missing, 'int32')) as tf.Tensor2D);
    try {
      return run(model, from, sub);
    } finally {
      sub.dispose();
    }
  }

  private store(missing: number[], windows: Int32Array, T: number, d: number, data: Float32Array): void {
    missing.forEach((b, j) => this.rows.set(windows[b]!, data.slice(j * T * d, (j + 1) * T * d)));
  }

  private assemble(windows: Int32Array, B: number, T: number, d: number): tf.Tensor2D {
    const all = new Float32Array(B * T * d);
    for (let b = 0; b < B; b++) all.set(this.rows.get(windows[b]!)!, b * T * d);
    return tf.tensor2d(all, [B * T, d]);
  }
}

function run(model: GPT, from: number, t: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => model.blocks(model.embed(t), 0, from, t.shape[0], t.shape[1]).value);
}
