// Post-merge head tuning (the paper's "averaging followed by brief training of the output heads"): only the
// experts' output heads train, through the merged distribution; every other weight stays bit-identical.
// Gradients are derived by hand (the heads are the last linear layer), so no tfjs gradient registry is needed
// and the same code runs on every backend; the engine's AdamW applies them.
import * as tf from '@tensorflow/tfjs-core';
import { GPT } from '../model/gpt';
import type { CausalLM } from '../model/lm';
import type { ParamEntry } from '../model/params';
import { AdamW } from '../train/adamw';
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';
import { combineLogits, resolveWeights, type MergeMode } from './combine';
import { MergedLM } from './merged';
import { meanCrossEntropy } from './preview';

/** An expert's output head: logits = features(tokens) · variable, with features constant while the head trains. */
export interface TunableHead {
  variable: tf.Variable;
  /** [B·T, D] inputs of the head for tokens [B, T] (forward only). */
  features(tokens: tf.Tensor2D): tf.Tensor2D;
}

/** What tuning needs from an expert: the model, and its head (null: the expert's head stays as it is). */
export interface HeadTunable {
  model: CausalLM;
  head: TunableHead | null;
}

/** A model that describes its own head (test oracles such as the bigram do). */
interface ExposesHead {
  tunableHead(): TunableHead;
}

const exposesHead = (m: CausalLM): m is CausalLM & ExposesHead =>
  typeof (m as Partial<ExposesHead>).tunableHead === 'function';

function headOf(m: CausalLM): TunableHead {
  if (m instanceof GPT) {
    return {
      variable: m.params.get('head.weight'),
      features: (tokens) => tf.tidy(() => m.headInput(m.hidden(tokens).value as tf.Tensor2D)),
    };
  }
  if (exposesHead(m)) return m.tunableHead();
  throw new UserError('head tuning: this kind of model does not expose its output head');
}

/** The heads of a merge's experts (of merges of merges, recursively), in a fixed order; saved and reloaded in it. */
export function mergeHeads(model: CausalLM): TunableHead[] {
  return model instanceof MergedLM ? model.experts.flatMap(mergeHeads) : [headOf(model)];
}

/** Every expert of a merge with its head. */
export function asHeadTunables(merged: MergedLM): HeadTunable[] {
  return merged.experts.map((model) => ({ model, head: model instanceof MergedLM ? null : headOf(model) }));
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

/**
 * dLoss/dlogitsᵢ for each expert, given G = dLoss/dz = (softmax(z) − onehot(y))/N of the merged logits z.
 * logits / weighted: z = Σ wᵢ lᵢ, so wᵢ·G. probs: z = log Σ wᵢ pᵢ, so Rᵢ − pᵢ·ΣRᵢ with Rᵢ = G·wᵢpᵢ/q.
 */
function expertGradients(
  mode: MergeMode,
  weights: readonly number[],
  logits: readonly tf.Tensor2D[],
  z: tf.Tensor2D,
  g: tf.Tensor2D,
): tf.Tensor2D[] {
  if (mode === 'logits' || mode === 'weighted') return weights.map((w) => tf.mul(g, w));
  if (mode === 'probs') {
    const q = tf.exp(z);
    return logits.map((l, i) => {
      const p = tf.softmax(l);
      const r = tf.div(tf.mul(g, tf.mul(p, weights[i]!)), q);
      return tf.sub(r, tf.mul(p, tf.sum(r, -1, true)));
    });
  }
  throw new UserError(`head tuning supports the logits, weighted and probs modes, not "${mode}"`);
}

/** Fine-tunes the heads in place; the experts' other variables are never touched. */
export async function tuneMergedHeads(
  experts: readonly HeadTunable[],
  data: Int32Array,
  opts: TuneOptions,
): Promise<TuneReport> {
  const mode = opts.mode ?? 'logits';
  const weights = resolveWeights(mode, experts.length, opts.weights);
  if (mode === 'confidence')
    throw new UserError('head tuning supports the logits, weighted and probs modes, not "confidence"');
  const merged = new MergedLM(
    experts.map((e) => e.model),
    { mode, weights },
  );
  const context = Math.min(opts.context ?? 64, merged.contextLength);
  const batch = Math.max(1, opts.batch ?? 8);
  const V = merged.vocabSize;
  if (data.length < context + 1)
    throw new UserError(`tuning data has ${data.length} tokens; it needs more than the window of ${context}`);
  const tuned = experts.flatMap((e, i) => (e.head ? [i] : []));
  if (tuned.length === 0) throw new UserError('head tuning: the experts expose no head variables');
  const val = opts.val ?? data;
  const zeroShotLoss = await meanCrossEntropy(merged, val, { context });
  // One optimizer per head: every head is named "head.weight" in its own model.
  const optimizers = tuned.map(() => new AdamW({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }));
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
      const n = batch * context;
      const [loss, ...grads] = tf.tidy(() => {
        const feats = tuned.map((i) => experts[i]!.head!.features(xt));
        const logits = experts.map((e, i): tf.Tensor2D => {
          const k = tuned.indexOf(i);
          return k >= 0
            ? tf.matMul(feats[k]!, e.head!.variable as tf.Tensor2D)
            : (tf.reshape(e.model.logits(xt), [n, V]) as tf.Tensor2D);
        });
        const z = combineLogits(mode, weights, logits) as tf.Tensor2D;
        const logp = tf.logSoftmax(z);
        const onehot = tf.cast(tf.oneHot(yt, V), 'float32');
        const lossT = tf.neg(tf.div(tf.sum(tf.mul(logp, onehot)), n));
        const g = tf.div(tf.sub(tf.exp(logp), onehot), n) as tf.Tensor2D;
        const dl = expertGradients(mode, weights, logits, z, g);
        // Explicit transpose: transposed matMul is the slow path on the wasm backend.
        return [lossT, ...tuned.map((i, k) => tf.matMul(tf.transpose(feats[k]!), dl[i]!))];
      });
      const value = (await loss!.data())[0]!;
      if (!Number.isFinite(value)) {
        tf.dispose([xt, yt, loss!, ...grads]);
        throw new UserError(`head tuning diverged at step ${step + 1} (loss ${value}); lower the learning rate`);
      }
      tuned.forEach((i, k) => {
        const entry: ParamEntry = {
          name: 'head.weight',
          variable: experts[i]!.head!.variable,
          frozen: false,
          decay: false,
        };
        optimizers[k]!.apply([entry], new Map([['head.weight', grads[k]!]]), opts.lr ?? 1e-3, 1);
      });
      tf.dispose([xt, yt, loss!, ...grads]);
      losses.push(value);
      opts.onStep?.(step + 1, value);
    }
  } finally {
    optimizers.forEach((o) => o.dispose());
  }
  const tunedLoss = await meanCrossEntropy(merged, val, { context });
  return { zeroShotLoss, tunedLoss, steps: losses.length, losses };
}
