// Estimated training FLOPs, so grown and monolithic models can be compared at equal compute.
//
// Per token, with d = dModel, f = MLP width, T = context, V = vocabulary (a multiply-add counts 2):
//   F_block = 2·(4d² + 2·d·f) + 4·T·d     q/k/v/o and MLP matmuls, plus QKᵀ and A·V over T keys
//   F_head  = 2·d·V
// Cost multipliers per block, relative to its forward F:
//   trainable block or head              3F  forward + backward (gradients for activations and weights)
//   frozen block, gradient passes        2F  forward + activation-gradient backward (LoRA adapters, a
//                                            trainable embedding below it); adapter matmuls are ignored (r ≪ d)
//   frozen prefix, no gradient           1F  forward only — and 0 for a window already in the prefix cache
// Evaluation passes are not counted. A monolithic model of depth L costs 3·(L·F_block + F_head) per token.
import { mlpWidth, type ModelConfig } from '../model/config';

export function blockFlops(cfg: Pick<ModelConfig, 'dModel' | 'mlpRatio' | 'contextLength'>): number {
  const d = cfg.dModel;
  const f = mlpWidth(cfg);
  return 2 * (4 * d * d + 2 * d * f) + 4 * cfg.contextLength * d;
}

export function headFlops(cfg: Pick<ModelConfig, 'dModel' | 'vocabSize'>): number {
  return 2 * cfg.dModel * cfg.vocabSize;
}

export interface StageCost {
  /** Blocks that train. */
  trainable: number;
  /** Frozen blocks the gradient must still pass through (adapters in them, or a trainable embedding below). */
  frozenWithGrad: number;
  /** Frozen blocks run forward only. */
  frozenForward: number;
}

/**
 * FLOPs of a stage that saw `tokens` training tokens, of which `prefixTokens` had to run the forward-only
 * prefix (all of them without a cache; only first visits of each window with one).
 */
export function stageFlops(cfg: ModelConfig, cost: StageCost, tokens: number, prefixTokens: number = tokens): number {
  const fb = blockFlops(cfg);
  const perToken = 3 * cost.trainable * fb + 2 * cost.frozenWithGrad * fb + 3 * headFlops(cfg);
  return tokens * perToken + prefixTokens * cost.frozenForward * fb;
}
