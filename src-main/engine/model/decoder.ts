// Incremental decoding with a key/value cache: feeding n tokens costs n positions' work, whatever came before.
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../common/errors';
import { headDim } from './config';
import type { GPT } from './gpt';
import type { Decoder } from './lm';

class GptDecoder implements Decoder {
  private len = 0;
  /** Per layer: rotated keys and values [B, H, len, dh]. */
  private keys: (tf.Tensor4D | null)[];
  private values: (tf.Tensor4D | null)[];
  private disposed = false;

  constructor(
    private readonly model: GPT,
    private readonly batch: number,
  ) {
    this.keys = Array.from({ length: model.layers }, () => null);
    this.values = Array.from({ length: model.layers }, () => null);
  }

  get length(): number {
    return this.len;
  }

  feed(tokens: tf.Tensor2D): tf.Tensor2D {
    if (this.disposed) throw new Error('decoder used after dispose()');
    const [B, n] = tokens.shape;
    if (B !== this.batch) throw new Error(`decoder opened for ${this.batch} sequences was fed ${B}`);
    if (n < 1) throw new Error('decoder fed no tokens');
    const c = this.model.config;
    if (this.len + n > c.contextLength) {
      throw new UserError(
        `decoder: ${this.len} + ${n} positions exceed the model's context length ${c.contextLength}; reopen the decoder on the most recent tokens`,
      );
    }
    const H = c.heads;
    const dh = headDim(c);
    const offset = this.len;
    const next: { k: tf.Tensor4D; v: tf.Tensor4D }[] = [];
    const logits = tf.tidy(() => {
      const hook = {
        offset,
        attend: (layer: number, qkv: tf.Tensor2D): tf.Tensor2D => {
          const parts = tf.unstack(tf.transpose(tf.reshape(qkv, [B, n, 3, H, dh]), [2, 0, 3, 1, 4])) as tf.Tensor4D[];
          const [q, kNew, vNew] = parts as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
          const kPrev = this.keys[layer];
          const vPrev = this.values[layer];
          const k = kPrev ? (tf.concat([kPrev, kNew], 2) as tf.Tensor4D) : kNew;
          const v = vPrev ? (tf.concat([vPrev, vNew], 2) as tf.Tensor4D) : vNew;
          next[layer] = { k: tf.keep(k), v: tf.keep(v) };
          const total = offset + n;
          // Query i sits at position offset + i and sees keys 0 … offset + i.
          const mask = new Float32Array(n * total);
          for (let i = 0; i < n; i++) for (let j = offset + i + 1; j < total; j++) mask[i * total + j] = -1e9;
          const scores = tf.add(
            tf.mul(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(dh)),
            tf.tensor2d(mask, [n, total]),
          );
          const o = tf.matMul(tf.softmax(scores), v);
          return tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * n, H * dh]) as tf.Tensor2D;
        },
      };
      let x = this.model.embed(tokens);
      for (let i = 0; i < this.model.layers; i++) x = this.model.block(i, x, B, n, { grads: false }, hook);
      const last = tf.reshape(tf.slice(tf.reshape(x.value, [B, n, c.dModel]), [0, n - 1, 0], [B, 1, c.dModel]), [
        B,
        c.dModel,
      ]) as tf.Tensor2D;
      return this.model.headLogits(last);
    });
    for (let layer = 0; layer < next.length; layer++) {
      this.keys[layer]?.dispose();
      this.values[layer]?.dispose();
      this.keys[layer] = next[layer]!.k;
      this.values[layer] = next[layer]!.v;
    }
    this.len += n;
    return logits;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([...this.keys, ...this.values].filter((t): t is tf.Tensor4D => t !== null));
    this.keys = [];
    this.values = [];
  }
}

export function openGptDecoder(model: GPT, batch: number): Decoder {
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`openDecoder: batch must be a positive integer, got ${batch}`);
  return new GptDecoder(model, batch);
}
