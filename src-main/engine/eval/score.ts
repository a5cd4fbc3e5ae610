// Batched log-likelihood scoring: many sequences per forward pass, right-padded (causality makes padding harmless).
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/lm';

/** Score tokens[start..] of `tokens`, each given everything before it; tokens.length ≤ contextLength + 1. */
export interface ScoreRequest {
  tokens: Int32Array;
  /** First scored position, ≥ 1 (position 0 has no context). */
  start: number;
}

export interface ScoreResult {
  /** Sum of natural-log probabilities of the scored tokens. */
  logprob: number;
  /** Whether every scored token was the model's top choice (lm-evaluation-harness's `is_greedy`). */
  greedy: boolean;
  count: number;
}

export interface BatchOptions {
  /** Most sequences per forward pass. Default 16. */
  batchSize?: number;
  /** Cap on B·T·V floats of one logits tensor (memory); default 2^25 (128 MiB). */
  maxLogits?: number;
  /** Id written after a row's end; any valid id works since later positions never affect earlier ones. */
  padId: number;
  /** Called after each batch with (scored so far, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Groups indices into batches of similar length, longest first, within the memory cap. */
export function planBatches(
  lengths: readonly number[],
  vocab: number,
  opts: Pick<BatchOptions, 'batchSize' | 'maxLogits'>,
): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const maxB = Math.max(1, opts.batchSize ?? 16);
  const cap = opts.maxLogits ?? 2 ** 25;
  const batches: number[][] = [];
  for (let i = 0; i < order.length;) {
    const t = Math.max(1, lengths[order[i]!]!);
    const b = Math.max(1, Math.min(maxB, Math.floor(cap / (t * vocab))));
    batches.push(order.slice(i, i + b));
    i += b;
  }
  return batches;
}

/** Right-pads rows into one int32 [B, T] tensor. */
export function padBatch(rows: readonly Int32Array[], width: number, padId: number): tf.Tensor2D {
  const flat = new Int32Array(rows.length * width).fill(padId);
  rows.forEach((r, i) => flat.set(r.subarray(0, width), i * width));
  return tf.tensor2d(flat, [rows.length, width], 'int32');
}

export async function scoreSequences(
  model: CausalLM,
  reqs: readonly ScoreRequest[],
  opts: BatchOptions,
): Promise<ScoreResult[]> {
  const c = model.contextLength;
  const v = model.vocabSize;
  reqs.forEach((r, i) => {
    if (r.tokens.length > c + 1)
      throw new Error(`scoreSequences: request ${i} has ${r.tokens.length} tokens, more than context ${c} + 1`);
    if (r.start < 1 || r.start > r.tokens.length)
      throw new Error(`scoreSequences: request ${i} starts at ${r.start}, outside 1..${r.tokens.length}`);
  });
  const out: ScoreResult[] = reqs.map(() => ({ logprob: 0, greedy: true, count: 0 }));
  const inputLen = reqs.map((r) => r.tokens.length - 1);
  let done = 0;
  for (const batch of planBatches(inputLen, v, opts)) {
    const width = Math.max(1, ...batch.map((i) => inputLen[i]!));
    // Only the scored positions' logits are normalised and read back: for multiple choice that is a few per row.
    const flatPos: number[] = [];
    const flatTarget: number[] = [];
    batch.forEach((ri, b) => {
      const r = reqs[ri]!;
      for (let t = r.start; t < r.tokens.length; t++) {
        flatPos.push(b * width + t - 1);
        flatTarget.push(r.tokens[t]!);
      }
    });
    const k = flatPos.length;
    if (k === 0) continue;
    const input = padBatch(
      batch.map((i) => reqs[i]!.tokens.subarray(0, inputLen[i]!)),
      width,
      opts.padId,
    );
    const [lpT, amT] = tf.tidy(() => {
      const logits = model.logits(input);
      const rows = tf.gather(
        tf.reshape(logits, [batch.length * width, v]),
        tf.tensor1d(flatPos, 'int32'),
      ) as tf.Tensor2D;
      const lse = tf.logSumExp(rows, 1);
      const pickIdx = tf.tensor1d(
        flatTarget.map((tg, j) => j * v + tg),
        'int32',
      );
      const picked = tf.gather(tf.reshape(rows, [k * v]), pickIdx);
      return [tf.sub(picked, lse), tf.argMax(rows, 1)];
    });
    input.dispose();
    const [lp, am] = await Promise.all([lpT.data(), amT.data()]);
    lpT.dispose();
    amT.dispose();
    let j = 0;
    for (const ri of batch) {
      const r = reqs[ri]!;
      const o = out[ri]!;
      for (let t = r.start; t < r.tokens.length; t++, j++) {
        o.logprob += lp[j]!;
        if (am[j] !== r.tokens[t]) o.greedy = false;
        o.count++;
      }
    }
    done += batch.length;
    opts.onProgress?.(done, reqs.length);
  }
  return out;
}

/** Keeps the last contextLength + 1 tokens of context+continuation; throws when the continuation alone is too long. */
export function fitRequest(
  context: Int32Array,
  continuation: Int32Array,
  contextLength: number,
): ScoreRequest | undefined {
  if (continuation.length === 0) return undefined;
  const full = new Int32Array(context.length + continuation.length);
  full.set(context);
  full.set(continuation, context.length);
  const keep = full.length > contextLength + 1 ? full.subarray(full.length - (contextLength + 1)) : full;
  const start = keep.length - continuation.length;
  if (start < 1) return undefined;
  return { tokens: keep, start };
}
