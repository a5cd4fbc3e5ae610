// Optional post-merge tuning: trains only the experts' output heads through the merged distribution on
// given data; everything else in every expert stays bit-identical. Reported apart from the zero-shot merge.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone knows no gradients; registering them is idempotent, so tuning does not rely on the trainer's import.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { GPT } from '../model/gpt';
import type { CausalLM } from '../model/lm';
import { UserError } from '../util/errors';
import { Rng } from '../util/rng';
import { combineLogits, resolveWeights, type MergeMode } from './combine';
import { MergedLM } from './merged';
import { meanCrossEntropy } from './preview';

/** What tuning needs from an expert: the model and the variables of its output head (a GPT's `head.weight`). */
export interface HeadTunable {
  model: CausalLM;
  headVariables: tf.Variable[];
}

/**
 * The head variables of the models Espalier knows: a GPT's `head.weight`, a model offering `headVariables()`, and for a
 * merge (of merges) the heads of all its experts. Other CausalLMs must be wrapped by hand.
 */
/** A model that hands out its own head variables (the test bigram does). */
interface ExposesHead {
  headVariables(): tf.Variable[];
}

const exposesHead = (m: CausalLM): m is CausalLM & ExposesHead => typeof (m as Partial<ExposesHead>).headVariables === 'function';

export function asHeadTunable(model: CausalLM): HeadTunable {
  const heads = (m: CausalLM): tf.Variable[] => {
    if (m instanceof GPT) return [m.params.get('head.weight')];
    if (exposesHead(m)) return m.headVariables();
    if (m instanceof MergedLM) return m.experts.flatMap(heads);
    throw new UserError('head tuning: this kind of model does not expose its output head');
  };
  return { model, headVariables: heads(model) };
}

export interface TuneOptions {
  mode?: MergeMode;
  weights?: readonly number[] | null;
  steps: number;
  /** Adam learning rate. */
  lr?: number;
  /** Windows per step. */
  batch?: number;
  /** Window length; default 64, at most the merge's context length. */
  context?: number;
  seed?: number;
  /** Held-out tokens for the before/after loss; default: the training tokens themselves. */
  val?: Int32Array;
  onStep?: (step: number, loss: number) => void;
}

export interface TuneReport {
  /** The zero-shot merge, before any tuning (nats/token on `val`). */
  zeroShotLoss: number;
  tunedLoss: number;
  steps: number;
  /** Training loss at each step. */
  losses: number[];
}

/** Fine-tunes the heads in place; the experts' other variables are never passed to the optimizer. */
export async function tuneMergedHeads(experts: readonly HeadTunable[], data: Int32Array, opts: TuneOptions): Promise<TuneReport> {
  const mode = opts.mode ?? 'logits';
  const weights = resolveWeights(mode, experts.length, opts.weights);
  const merged = new MergedLM(experts.map((e) => e.model), { mode, weights });
  const context = Math.min(opts.context ?? 64, merged.contextLength);
  const batch = Math.max(1, opts.batch ?? 8);
  if (data.length < context + 1) throw new UserError(`tuning data has ${data.length} tokens; it needs more than the window of ${context}`);
  const vars = experts.flatMap((e) => e.headVariables);
  if (vars.length === 0) throw new UserError('head tuning: the experts expose no head variables');
  const val = opts.val ?? data;
  const zeroShotLoss = await meanCrossEntropy(merged, val, { context });

  // tfjs only differentiates trainable variables; heads of a frozen model are switched on for the run.
  const wasTrainable = vars.map((v) => v.trainable);
  vars.forEach((v) => (v.trainable = true));
  const optimizer = tf.train.adam(opts.lr ?? 1e-3);
  const rng = new Rng(opts.seed ?? 0);
  const losses: number[] = [];
  try {
    for (let step = 0; step < opts.steps; step++) {
      const x = new Int32Array(batch * context);
      const y = new Int32Array(batch * context);
      for (let b = 0; b < batch; b++) {
        const s = rng.int(data.length - context);
        x.set(data.subarray(s, s + context), b * context);
        y.set(data.subarray(s + 1, s + 1 + context), b * context);
      }
      const xt = tf.tensor2d(x, [batch, context], 'int32');
      const yt = tf.tensor1d(y, 'int32');
      const cost = optimizer.minimize(
        () => {
          const logits = combineLogits(mode, weights, experts.map((e) => e.model.logits(xt)));
          const flat = tf.reshape(logits, [batch * context, merged.vocabSize]);
          return tf.losses.softmaxCrossEntropy(tf.oneHot(yt, merged.vocabSize), flat) as tf.Scalar;
        },
        true,
        vars,
      );
      const loss = (await cost!.data())[0]!;
      tf.dispose([xt, yt, cost!]);
      if (!Number.isFinite(loss)) throw new UserError(`head tuning diverged at step ${step + 1} (loss ${loss}); lower the learning rate`);
      losses.push(loss);
      opts.onStep?.(step + 1, loss);
    }
  } finally {
    optimizer.dispose();
    vars.forEach((v, i) => (v.trainable = wasTrainable[i]!));
  }
  const tunedLoss = await meanCrossEntropy(merged, val, { context });
  return { zeroShotLoss, tunedLoss, steps: losses.length, losses };
}
