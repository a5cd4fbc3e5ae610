// The one validation routine: mean next-token loss over a fixed, evenly spread subset of windows (the same
// windows every time, so successive evaluations and the growth spike measurements compare like with like).
import * as tf from '@tensorflow/tfjs-core';
import type { BlockAdapter } from '../model/adapter';
import type { GPT } from '../model/gpt';
import { batchOf, type TokenSeq, type Windows } from './data';

/** `k` of `n` indices, evenly spread from 0. */
export function spreadIds(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

/** The loss of each batch of the spread subset, as tensors with their row counts (the caller reads and disposes). */
function batchLosses(
  model: GPT,
  w: Windows<TokenSeq>,
  limit: number,
  batchSize: number,
  adapter?: BlockAdapter | null,
): { k: number; losses: { l: tf.Scalar; rows: number }[] } {
  const n = w.starts.length;
  const k = Math.min(n, limit);
  const ids = spreadIds(n, k);
  const losses: { l: tf.Scalar; rows: number }[] = [];
  for (let s = 0; s < k; s += batchSize) {
    const b = batchOf(w, ids.slice(s, s + batchSize));
    const rows = b.windows.length;
    losses.push({
      l: tf.tidy(() =>
        model.loss(
          tf.tensor2d(b.inputs, [rows, w.T], 'int32'),
          tf.tensor2d(b.targets, [rows, w.T], 'int32'),
          adapter ?? undefined,
        ),
      ),
      rows,
    });
  }
  return { k, losses };
}

/**
 * Mean loss (no dropout) of `model`, through `adapter` when given, over at most `limit` windows of `w`,
 * `batchSize` windows per forward pass; null when `w` has no windows.
 */
export function meanLoss(
  model: GPT,
  w: Windows<TokenSeq> | null,
  limit: number,
  batchSize: number,
  adapter?: BlockAdapter | null,
): number | null {
  if (!w || w.starts.length === 0) return null;
  const { k, losses } = batchLosses(model, w, limit, batchSize, adapter);
  const total = losses.reduce((acc, { l, rows }) => acc + l.dataSync()[0]! * rows, 0);
  tf.dispose(losses.map((x) => x.l));
  return total / k;
}

/** meanLoss read asynchronously, as WebGPU needs (Node has no synchronous GPU read). */
export async function meanLossAsync(
  model: GPT,
  w: Windows<TokenSeq> | null,
  limit: number,
  batchSize: number,
  adapter?: BlockAdapter | null,
): Promise<number | null> {
  if (!w || w.starts.length === 0) return null;
  const { k, losses } = batchLosses(model, w, limit, batchSize, adapter);
  try {
    const values = await Promise.all(losses.map((x) => x.l.data()));
    return values.reduce((acc, v, i) => acc + v[0]! * losses[i]!.rows, 0) / k;
  } finally {
    tf.dispose(losses.map((x) => x.l));
  }
}
