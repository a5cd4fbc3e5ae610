// A toy CausalLM with a real per-row cache (a rolling hash of the whole window), for checking that
// KV-cache generation and merges agree with full recomputation. Its output depends on every earlier token.
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, Decoder } from '../../src-main/engine/model/lm';
import { Rng } from '../../src-main/engine/util/rng';

/** A [V, V] table of N(0, scale²) logits. */
export function randomTable(v: number, seed: number, scale = 2): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: v * v }, () => rng.normal() * scale);
}

export class HashLM implements CausalLM {
  readonly vocabSize: number;
  private readonly table: tf.Tensor2D;

  constructor(
    table: Float32Array,
    readonly contextLength: number,
    readonly substrateId = 'toy-substrate',
    readonly tokenizerId = 'toy-tokenizer',
  ) {
    this.vocabSize = Math.round(Math.sqrt(table.length));
    this.table = tf.tensor2d(table, [this.vocabSize, this.vocabSize]);
  }

  /** State after one more token; the logits at a position are the table row of the state. */
  step(h: number, x: number): number {
    return (h * 31 + x + 7) % this.vocabSize;
  }

  logits(tokens: tf.Tensor2D): tf.Tensor3D {
    const [b, t] = tokens.shape;
    if (t > this.contextLength) throw new Error(`HashLM: ${t} > context ${this.contextLength}`);
    const ids = tokens.dataSync();
    const states = new Int32Array(b * t);
    for (let r = 0; r < b; r++) {
      let h = 0;
      for (let i = 0; i < t; i++) states[r * t + i] = h = this.step(h, ids[r * t + i]!);
    }
    return tf.tidy(
      () => tf.reshape(tf.gather(this.table, tf.tensor1d(states, 'int32')), [b, t, this.vocabSize]) as tf.Tensor3D,
    );
  }

  openDecoder(batch: number): Decoder {
    const h = new Int32Array(batch);
    let length = 0;
    const { contextLength, table } = this;
    const step = (hh: number, x: number) => this.step(hh, x);
    return {
      get length() {
        return length;
      },
      feed(tokens: tf.Tensor2D): tf.Tensor2D {
        const [b, n] = tokens.shape;
        if (b !== batch) throw new Error('HashLM decoder: wrong batch');
        if (length + n > contextLength) throw new Error(`HashLM decoder: ${length + n} > context ${contextLength}`);
        const ids = tokens.dataSync();
        for (let r = 0; r < b; r++) for (let i = 0; i < n; i++) h[r] = step(h[r]!, ids[r * n + i]!);
        length += n;
        return tf.tidy(() => tf.gather(table, tf.tensor1d(h, 'int32')) as tf.Tensor2D);
      },
      dispose() {
        length = 0;
      },
    };
  }

  dispose(): void {
    this.table.dispose();
  }
}
