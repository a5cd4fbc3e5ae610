// The adapter forward: a frozen block whose matrices carry LoRA adapters, built from the model's own
// differentiable ops, and whole-model loss/logits that use it for the adapted blocks and GPT.block elsewhere.
import * as tf from '@tensorflow/tfjs-core';
import { causalAttention } from '../model/attention';
import { headDim } from '../model/config';
import type { ForwardContext, GPT } from '../model/gpt';
import { add, concatColumns, dropout, gelu, layerNorm, linear, rmsNorm, rope, scale } from '../model/ops';
import type { LoraSet } from './lora';

const INFERENCE: ForwardContext = { grads: false };

/** x·W + s·(x·A)·B with W frozen; `gx`: x carries gradient; `train`: the adapter trains. */
function adapted(model: GPT, lora: LoraSet, weight: string, x: tf.Tensor2D, gx: boolean, train: boolean): tf.Tensor2D {
  const base = linear(x, model.params.get(weight) as tf.Tensor2D, gx, false);
  const ad = lora.get(weight);
  if (!ad) return base;
  const low = linear(linear(x, ad.a.variable as tf.Tensor2D, gx, train), ad.b.variable as tf.Tensor2D, gx || train, train);
  return add(base, scale(low, lora.scale, gx || train), gx, gx || train);
}

function frozenNorm(model: GPT, prefix: string, x: tf.Tensor2D, gx: boolean): tf.Tensor2D {
  const c = model.config;
  const g = model.params.get(`${prefix}.weight`) as tf.Tensor1D;
  if (c.norm === 'rmsnorm') return rmsNorm(x, g, c.normEps, gx, false);
  return layerNorm(x, g, model.params.get(`${prefix}.bias`) as tf.Tensor1D, c.normEps, gx, false);
}

function maybeDropout(model: GPT, x: tf.Tensor2D, g: boolean, ctx: ForwardContext): tf.Tensor2D {
  if (!ctx.rng || model.config.dropout === 0) return x;
  return dropout(x, model.config.dropout, ctx.rng.seed(), g);
}

/**
 * Frozen block i with adapters, mirroring GPT.block (pre-norm attention and MLP, residual adds). With zero
 * B matrices it computes exactly what GPT.block does. The q/k/v adapters share the fused-QKV layout.
 */
export function adaptedBlock(model: GPT, lora: LoraSet, i: number, x: tf.Tensor2D, B: number, T: number, gx: boolean, ctx: ForwardContext = INFERENCE): tf.Tensor2D {
  const c = model.config;
  const p = `blocks.${i}`;
  const train = ctx.grads;
  const g = gx || train;
  const a = frozenNorm(model, `${p}.norm1`, x, gx);
  const qkvBase = linear(a, model.fusedQkv(i), gx, false);
  const deltas = ['wq', 'wk', 'wv'].map((w) => {
    const ad = lora.get(`${p}.attn.${w}`);
    if (!ad) return null;
    return scale(linear(linear(a, ad.a.variable as tf.Tensor2D, gx, train), ad.b.variable as tf.Tensor2D, g, train), lora.scale, g);
  });
  const qkv = deltas.every((d) => d !== null) ? add(qkvBase, concatColumns(deltas as tf.Tensor2D[], [g, g, g]), gx, g) : qkvBase;
  const dh = headDim(c);
  const o = causalAttention(rope(qkv, B, T, c.heads, dh, 0, c.ropeBase, g), { B, T, heads: c.heads, headDim: dh }, g);
  const x2 = add(x, maybeDropout(model, adapted(model, lora, `${p}.attn.wo`, o, g, train), g, ctx), gx, g);
  const h = gelu(adapted(model, lora, `${p}.mlp.w1`, frozenNorm(model, `${p}.norm2`, x2, g), g, train), g);
  return add(x2, maybeDropout(model, adapted(model, lora, `${p}.mlp.w2`, h, g, train), g, ctx), g, g);
}

/** Last hidden state [B·T, D] of tokens [B, T]: adapted blocks through the adapter forward, the rest as usual. */
export function adaptedHidden(model: GPT, lora: LoraSet, tokens: tf.Tensor2D, ctx: ForwardContext = INFERENCE): tf.Tensor2D {
  const [B, T] = tokens.shape;
  const embedTrains = ctx.grads && model.firstTrainableBlock() < 0;
  let x = model.embed(tokens, ctx);
  let carries = embedTrains;
  for (let i = 0; i < model.layers; i++) {
    if (lora.hasBlock(i)) {
      x = adaptedBlock(model, lora, i, x, B, T, carries, ctx);
      carries = carries || ctx.grads;
    } else {
      // GPT.block's own rule (gradBelow) cannot see adapters, so say explicitly whether x carries gradient.
      x = model.block(i, x, B, T, carries, ctx);
      carries = carries || (ctx.grads && model.blockParamNames(i).some((n) => !model.params.isFrozen(n)));
    }
  }
  return x;
}

/** Mean next-token loss with adapters (inference unless ctx.grads). */
export function adaptedLoss(model: GPT, lora: LoraSet, tokens: tf.Tensor2D, targets: tf.Tensor1D, ctx: ForwardContext = INFERENCE): tf.Scalar {
  return model.headLoss(adaptedHidden(model, lora, tokens, ctx), targets, ctx);
}

/** Logits [B, T, V] through the adapter forward (what a LoRA-merged export must reproduce). */
export function adaptedLogits(model: GPT, lora: LoraSet, tokens: tf.Tensor2D): tf.Tensor3D {
  const [B, T] = tokens.shape;
  return tf.tidy(() => tf.reshape(model.headLogits(adaptedHidden(model, lora, tokens)), [B, T, model.vocabSize]) as tf.Tensor3D);
}
