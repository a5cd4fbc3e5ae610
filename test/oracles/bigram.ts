// A real, tiny CausalLM whose next-token logits depend only on the previous token ([V, V] table).
// Used as a constructed model with known preferences in generation, composition and evaluation tests,
// and as a fast count-based expert fitted from token streams (add-α smoothing).
import * as tf from '@tensorflow/tfjs-core';
import type { TunableHead } from '../../src-main/engine/compose/tune';
import type { CausalLM, Decoder } from '../../src-main/engine/model/lm';

export interface BigramOptions {
  /** Longest sequence accepted; the model itself has no limit, but generation's context handling needs one. */
  contextLength?: number;
  substrateId?: string;
  tokenizerId?: string;
  /** Whether the table variable is trainable (head tuning switches it on itself when needed). */
  trainable?: boolean;
}

export interface BigramFitOptions extends BigramOptions {
  /** Add-α smoothing of the counts; rows of never-seen previous tokens become uniform. */
  alpha?: number;
}

export const BIGRAM_DEFAULT_CONTEXT = 1024;

export class BigramLM implements CausalLM {
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly substrateId: string;
  readonly tokenizerId: string;
  /** Row p holds the logits of the token that follows token p. A variable so head tuning can train it. */
  readonly table: tf.Variable<tf.Rank.R2>;

  /** `table` is [V, V] (row = previous token); a Float32Array must hold V*V values. */
  constructor(table: tf.Tensor2D | Float32Array | number[][], opts: BigramOptions = {}) {
    const init = tf.tidy(() => {
      if (table instanceof tf.Tensor) return tf.cast(table, 'float32') as tf.Tensor2D;
      if (table instanceof Float32Array) {
        const v = Math.round(Math.sqrt(table.length));
        if (v * v !== table.length) throw new Error(`bigram table: ${table.length} values is not a square V*V table`);
        return tf.tensor2d(table, [v, v], 'float32');
      }
      return tf.tensor2d(table, undefined, 'float32');
    });
    const [rows, cols] = init.shape as [number, number];
    if (rows !== cols) {
      init.dispose();
      throw new Error(`bigram table must be square [V, V], got [${rows}, ${cols}]`);
    }
    this.vocabSize = rows;
    this.contextLength = opts.contextLength ?? BIGRAM_DEFAULT_CONTEXT;
    this.substrateId = opts.substrateId ?? 'bigram-substrate';
    this.tokenizerId = opts.tokenizerId ?? 'bigram-tokenizer';
    this.table = tf.variable(init, opts.trainable ?? false);
    init.dispose();
  }

  /** Fits log-probabilities from counts of (previous, next) pairs inside each stream (no pair crosses streams). */
  static fit(streams: readonly Int32Array[], vocabSize: number, opts: BigramFitOptions = {}): BigramLM {
    const alpha = opts.alpha ?? 1;
    if (!(alpha > 0)) throw new Error(`bigram fit: alpha must be > 0, got ${alpha}`);
    const v = vocabSize;
    // Integer counts stay exact in float32 up to 2^24 per cell, far beyond any test corpus.
    const counts = new Float32Array(v * v);
    for (const s of streams) {
      for (let i = 1; i < s.length; i++) {
        const p = s[i - 1]!;
        const n = s[i]!;
        if (p < 0 || p >= v || n < 0 || n >= v)
          throw new Error(`bigram fit: token id out of range [0, ${v}) at position ${i}`);
        counts[p * v + n]! += 1;
      }
    }
    for (let p = 0; p < v; p++) {
      let total = 0;
      for (let n = 0; n < v; n++) total += counts[p * v + n]!;
      const logZ = Math.log(total + alpha * v);
      for (let n = 0; n < v; n++) counts[p * v + n] = Math.log(counts[p * v + n]! + alpha) - logZ;
    }
    return new BigramLM(counts, opts);
  }

  logits(tokens: tf.Tensor2D): tf.Tensor3D {
    const [b, t] = tokens.shape;
    if (t > this.contextLength)
      throw new Error(`bigram logits: ${t} positions exceed the context length ${this.contextLength}`);
    return tf.tidy(
      () =>
        tf.reshape(this.rows(tf.cast(tf.reshape(tokens, [b * t]), 'int32') as tf.Tensor1D), [
          b,
          t,
          this.vocabSize,
        ]) as tf.Tensor3D,
    );
  }

  /**
   * table[ids] with a gradient the wasm backend can run: its kernels lack UnsortedSegmentSum, which
   * gather's built-in gradient needs, so the gradient is oneHot(ids)ᵀ·dy instead (explicit transpose,
   * because transposed matMul is the slow path there).
   */
  private rows(ids: tf.Tensor1D): tf.Tensor2D {
    const v = this.vocabSize;
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const table = args[0] as tf.Tensor;
      (args[1] as tf.GradSaveFunc)([ids]);
      return {
        value: tf.gather(table, ids),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          tf.matMul(tf.transpose(tf.oneHot(saved[0] as tf.Tensor1D, v)), dy as tf.Tensor2D),
      };
    });
    return f(this.table) as tf.Tensor2D;
  }

  openDecoder(batch: number): Decoder {
    return new BigramDecoder(this, batch);
  }

  /** The output "head" of this model for post-merge head tuning: the whole table, fed one-hot tokens. */
  tunableHead(): TunableHead {
    return {
      variable: this.table,
      features: (tokens) =>
        tf.tidy(
          () => tf.cast(tf.oneHot(tf.reshape(tokens, [-1]) as tf.Tensor1D, this.vocabSize), 'float32') as tf.Tensor2D,
        ),
    };
  }

  /** A copy of the table, row-major [V, V]. */
  tableData(): Float32Array {
    return this.table.dataSync() as Float32Array;
  }

  dispose(): void {
    this.table.dispose();
  }
}

/** Needs no cache: the logits after a feed depend only on its last token, and nothing earlier is kept. */
class BigramDecoder implements Decoder {
  private pos = 0;

  constructor(
    private readonly model: BigramLM,
    private readonly batch: number,
  ) {}

  get length(): number {
    return this.pos;
  }

  feed(tokens: tf.Tensor2D): tf.Tensor2D {
    const [b, n] = tokens.shape;
    if (b !== this.batch) throw new Error(`bigram decoder opened for batch ${this.batch}, fed ${b} rows`);
    if (n < 1) throw new Error('bigram decoder: feed at least one token');
    if (this.pos + n > this.model.contextLength) {
      throw new Error(
        `bigram decoder: ${this.pos + n} positions exceed the context length ${this.model.contextLength}`,
      );
    }
    const ids = tokens.dataSync();
    const last = new Int32Array(b);
    for (let r = 0; r < b; r++) last[r] = ids[r * n + n - 1]!;
    this.pos += n;
    return tf.tidy(() => tf.gather(this.model.table, tf.tensor1d(last, 'int32')) as tf.Tensor2D);
  }

  dispose(): void {
    this.pos = 0;
  }
}
