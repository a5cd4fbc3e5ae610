// How N experts' next-token logits become one distribution (the merge modes), and the rules for merge weights.
//
//   logits     — mean of the raw logits (the paper). softmax of it = normalised geometric mean of the experts' p.
//   weighted   — Σ wᵢ·logitsᵢ with user weights normalised to sum 1 (a weighted geometric mean).
//   probs      — log Σ wᵢ·pᵢ: the mixture of the experts' probabilities (weights default to uniform), returned as
//                log-probabilities, which are valid logits.
//   confidence — per position, cᵢ = softmaxᵢ(log wᵢ − Hᵢ) where Hᵢ = −Σ pᵢ log pᵢ is expert i's entropy in nats
//                at that position (weights act as a prior, default uniform); output Σ cᵢ·log pᵢ. A sure expert
//                (low entropy) dominates where it is sure; with equal entropies this is the `logits` mode.
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../../common/errors';

export const MERGE_MODES = ['logits', 'weighted', 'probs', 'confidence'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

export function parseMergeMode(value: string, where = 'mode'): MergeMode {
  if ((MERGE_MODES as readonly string[]).includes(value)) return value as MergeMode;
  throw new UserError(`${where}: unknown merge mode "${value}" (choose one of ${MERGE_MODES.join(', ')})`);
}

/**
 * Validates user weights for `n` experts and returns them normalised to sum 1 (uniform when absent).
 * `weighted` needs weights; `logits` accepts only uniform ones (otherwise it would silently be `weighted`).
 */
export function resolveWeights(mode: MergeMode, n: number, weights?: readonly number[] | null): number[] {
  if (n < 2) throw new UserError(`a merge needs at least 2 experts, got ${n}`);
  if (weights === undefined || weights === null) {
    if (mode === 'weighted')
      throw new UserError(
        `mode "weighted" needs weights, one per expert (${n} numbers, e.g. ${Array(n)
          .fill((1 / n).toFixed(2))
          .join(',')})`,
      );
    return Array<number>(n).fill(1 / n);
  }
  if (weights.length !== n)
    throw new UserError(`weights: got ${weights.length} numbers for ${n} experts; give exactly one weight per expert`);
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0)
      throw new UserError(`weights: weight ${i + 1} is ${w}; weights must be finite and ≥ 0`);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new UserError('weights: all weights are 0; at least one must be positive');
  const norm = weights.map((w) => w / sum);
  if (mode === 'logits' && norm.some((w) => Math.abs(w - 1 / n) > 1e-9)) {
    throw new UserError(
      `weights ${weights.join(',')} are not uniform, but mode "logits" averages equally; use mode "weighted" for unequal weights`,
    );
  }
  return norm;
}

/**
 * Combines experts' logits of equal shape [..., V] into merged logits of the same shape. Pure tensor
 * math (differentiable, so head tuning can train through it); the caller owns inputs and output.
 */
export function combineLogits(mode: MergeMode, weights: readonly number[], logits: readonly tf.Tensor[]): tf.Tensor {
  if (logits.length !== weights.length)
    throw new Error(`combineLogits: ${logits.length} logits for ${weights.length} weights`);
  return tf.tidy(() => {
    const n = logits.length;
    switch (mode) {
      case 'logits':
        return tf.div(tf.addN(logits as tf.Tensor[]), n);
      case 'weighted':
        return tf.addN(logits.map((l, i) => tf.mul(l, weights[i]!)));
      case 'probs': {
        const terms = logits.map((l, i) => tf.add(tf.logSoftmax(l), Math.log(weights[i]!)));
        return tf.logSumExp(tf.stack(terms), 0);
      }
      case 'confidence': {
        const logp = logits.map((l) => tf.logSoftmax(l));
        // score = log w − H = log w + Σ p log p
        const scores = logp.map((lp, i) => tf.add(tf.sum(tf.mul(tf.exp(lp), lp), -1), Math.log(weights[i]!)));
        const stacked = tf.stack(scores, scores[0]!.rank); // [..., n]: softmax runs over the last axis
        const c = tf.unstack(tf.softmax(stacked), stacked.rank - 1);
        return tf.addN(logp.map((lp, i) => tf.mul(lp, tf.expandDims(c[i]!, -1))));
      }
    }
  });
}
