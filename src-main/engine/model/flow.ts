// Tensors that carry "needs a gradient" with them: each op below passes the flag on (an output needs a
// gradient when any input does), so forward code reads like the architecture and frozen paths stay tape-free.
import type * as tf from '@tensorflow/tfjs-core';
import { causalAttention, type AttnShape } from './attention';
import { headCrossEntropy } from './head';
import * as ops from './ops';

/** A value and whether a gradient must reach it (it depends on something trainable). */
export interface Flow<T extends tf.Tensor = tf.Tensor2D> {
  readonly value: T;
  readonly grad: boolean;
}

/** Wraps a tensor; `grad` false (the default) makes it a constant for the gradient tape. */
export function flow<T extends tf.Tensor>(value: T, grad = false): Flow<T> {
  return { value, grad };
}

/** Rows of table [V, D] at int32 ids [N] (the ids never need a gradient). */
export function embedRows(table: Flow, ids: tf.Tensor1D): Flow {
  return flow(ops.embedRows(table.value, ids, table.grad), table.grad);
}

export function add(x: Flow, y: Flow): Flow {
  return flow(ops.add(x.value, y.value, x.grad, y.grad), x.grad || y.grad);
}

export function scale(x: Flow, s: number): Flow {
  return flow(ops.scale(x.value, s, x.grad), x.grad);
}

/** x · w. */
export function linear(x: Flow, w: Flow): Flow {
  return flow(ops.linear(x.value, w.value, x.grad, w.grad), x.grad || w.grad);
}

/** Matrices side by side. */
export function concatColumns(ws: Flow[]): Flow {
  return flow(
    ops.concatColumns(
      ws.map((w) => w.value),
      ws.map((w) => w.grad),
    ),
    ws.some((w) => w.grad),
  );
}

export function gelu(x: Flow): Flow {
  return flow(ops.gelu(x.value, x.grad), x.grad);
}

export function dropout(x: Flow, rate: number, seed: number): Flow {
  return flow(ops.dropout(x.value, rate, seed, x.grad), x.grad);
}

export function rmsNorm(x: Flow, gain: Flow<tf.Tensor1D>, eps: number): Flow {
  return flow(ops.rmsNorm(x.value, gain.value, eps, x.grad, gain.grad), x.grad || gain.grad);
}

/** Layer norm; gain and bias train together (they are one norm's parameters). */
export function layerNorm(x: Flow, gain: Flow<tf.Tensor1D>, bias: Flow<tf.Tensor1D>, eps: number): Flow {
  const gp = gain.grad || bias.grad;
  return flow(ops.layerNorm(x.value, gain.value, bias.value, eps, x.grad, gp), x.grad || gp);
}

export function rope(
  x: Flow,
  B: number,
  T: number,
  heads: number,
  headDim: number,
  offset: number,
  base: number,
): Flow {
  return flow(ops.rope(x.value, B, T, heads, headDim, offset, base, x.grad), x.grad);
}

export function attention(qkv: Flow, shape: AttnShape): Flow {
  return flow(causalAttention(qkv.value, shape, qkv.grad), qkv.grad);
}

/** Mean cross-entropy of x·w against int32 targets (the loss: the end of every flow). */
export function crossEntropy(x: Flow, w: Flow, targets: tf.Tensor1D): tf.Scalar {
  return headCrossEntropy(x.value, w.value, targets, x.grad, w.grad);
}
