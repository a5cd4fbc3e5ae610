// What every evaluation protocol receives (a model, its tokenizer, batching knobs) and returns.
import type { CausalLM } from '../model/lm';
import type { TokenizerLike } from '../tokenizer/types';
import { UserError } from '../../common/errors';
import type { DegenerateSummary } from './degenerate';
import type { ItemAccounting } from './item-filter';

export interface EvalEnv {
  model: CausalLM;
  tokenizer: TokenizerLike;
  /** Most sequences per forward pass (default 16). */
  batchSize?: number;
  /** Cap on the floats of one logits tensor, B·T·V (default 2^25). */
  maxLogits?: number;
  /** Progress for long runs: a phase label, units done and total. */
  onProgress?: (label: string, done: number, total: number) => void;
}

export interface ProtocolOutput {
  /** Items scored. */
  n: number;
  /** Accuracies are fractions in [0, 1] (as lm-evaluation-harness); EM/F1, BLEU and chrF are 0–100 (as their reference scripts). */
  metrics: Record<string, number>;
  /** Half-width of the 95% interval of the headline metric (paper protocol: 1.96σ/√runs); null when not applicable. */
  ci95: number | null;
  runs: number;
  /** Settings that produced the numbers (template, sampling, stride…), saved with the result. */
  settings: Record<string, unknown>;
  /** Per-item records (predictions, scores) for inspection. */
  items: unknown[];
  /** Items dropped before counting or scored differently, with reasons (QA protocols). */
  accounting?: ItemAccounting;
  /** Generated outputs flagged as degenerate, beside the official metric (QA protocols). */
  degenerate?: DegenerateSummary;
  /** Other structured output (per-run accuracies, per-subject accuracies, BLEU details). */
  details?: Record<string, unknown>;
}

/** The model must speak the tokenizer's vocabulary; a mismatch would silently produce garbage scores. */
export function checkCompatible(env: EvalEnv): void {
  const { model, tokenizer } = env;
  if (tokenizer.size !== model.vocabSize) {
    throw new UserError(
      `the tokenizer has ${tokenizer.size} tokens but the model outputs ${model.vocabSize}; evaluate with the tokenizer saved with the model`,
    );
  }
  if (model.tokenizerId && tokenizer.id && model.tokenizerId !== tokenizer.id) {
    throw new UserError(
      `tokenizer ${tokenizer.id.slice(0, 12)}… is not the model's tokenizer ${model.tokenizerId.slice(0, 12)}…; use the tokenizer saved with the model`,
    );
  }
}

/** Ids of vocabulary entries whose text contains a line break: generation of one-line answers stops at them. */
export function newlineIds(tokenizer: TokenizerLike): number[] {
  const ids: number[] = [];
  tokenizer.pieces.forEach((p, i) => {
    if ((p.kind === 'text' && /[\n\r]/.test(p.text)) || (p.kind === 'byte' && (p.byte === 10 || p.byte === 13)))
      ids.push(i);
  });
  return ids;
}
