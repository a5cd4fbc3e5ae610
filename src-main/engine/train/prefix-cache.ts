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
    const run = (t: tf.Tensor2D) => tf.tidy(() => model.blocks(model.embed(t), 0, from, t.shape[0], T).value);
    if (!useCache || from === 0) return run(tokens);
    const key = `${from}:${model.layers}:${model.substrateId}`;
    if (key !== this.key) this.clear();
    this.key = key;
    const d = model.config.dModel;
    const missing: number[] = [];
    for (let b = 0; b < B; b++) if (!this.rows.has(windows[b]!)) missing.push(b);
    if (missing.length > 0) {
      const sub = tf.tidy(() => tf.gather(tokens, tf.tensor1d(missing, 'int32')) as tf.Tensor2D);
      const out = run(sub);
      const data = out.dataSync() as Float32Array;
      missing.forEach((b, j) => this.rows.set(windows[b]!, data.slice(j * T * d, (j + 1) * T * d)));
      tf.dispose([sub, out]);
    }
    const all = new Float32Array(B * T * d);
    for (let b = 0; b < B; b++) all.set(this.rows.get(windows[b]!)!, b * T * d);
    return tf.tensor2d(all, [B * T, d]);
  }
}
