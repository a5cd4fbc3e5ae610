// The interface every language model in Espalier offers — a trained GPT, a growth stage or a merge —
// so that generation, evaluation and composition work on any of them.
import type * as tf from '@tensorflow/tfjs-core';

export interface CausalLM {
  /** Size of the output distribution; equals the tokenizer's vocabulary size. */
  readonly vocabSize: number;
  /** Longest sequence one forward pass accepts. */
  readonly contextLength: number;
  /** Identity of the frozen substrate and tokenizer the model was trained on (docs/file-formats.md, "Training and model folders"). */
  readonly substrateId: string;
  readonly tokenizerId: string;
  /**
   * Next-token logits at every position: int32 [B, T] (T ≤ contextLength) → float32 [B, T, V].
   * Inference only (no dropout). The caller disposes the result.
   */
  logits(tokens: tf.Tensor2D): tf.Tensor3D;
  /** Opens an incremental decoder with a KV cache, for `batch` sequences decoded in lockstep. */
  openDecoder(batch: number): Decoder;
  /** Frees the model's weights (a merge frees its experts'); the model is unusable afterwards. */
  dispose(): void;
}

export interface Decoder {
  /** Positions already in the cache. */
  readonly length: number;
  /** Feeds int32 [B, n] new tokens; returns float32 [B, V] logits after the last one. Caller disposes. */
  feed(tokens: tf.Tensor2D): tf.Tensor2D;
  /** Frees the cache. */
  dispose(): void;
}
