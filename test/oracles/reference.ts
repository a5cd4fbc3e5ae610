// Test-only: the GPT written with stock tfjs ops and autodiff, to check the hand-written gradients against.
import * as tf from '@tensorflow/tfjs-core';
// Stock gradients: this ESM entry loads under Vitest (a bundler resolver), not under plain Node, which is
// why the engine itself never relies on it.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { GPT } from '../../src-main/engine/model/gpt';

/**
 * The same network written with stock tfjs ops and default gradients (transposed matMuls, tanh, logSoftmax):
 * slow, but obviously right. Returns the mean next-token loss.
 */
export function referenceLoss(m: GPT, tokens: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const c = m.config;
  const [B, T] = tokens.shape;
  const H = c.heads;
  const dh = c.dModel / H;
  const p = (n: string) => m.params.get(n) as tf.Tensor;
  const norm = (x: tf.Tensor, pre: string) => {
    if (c.norm === 'rmsnorm')
      return tf.mul(tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), c.normEps))), p(`${pre}.weight`));
    const mu = tf.mean(x, -1, true);
    const va = tf.mean(tf.square(tf.sub(x, mu)), -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mu), tf.sqrt(tf.add(va, c.normEps))), p(`${pre}.weight`)), p(`${pre}.bias`));
  };
  const angles: number[][] = [];
  for (let t = 0; t < T; t++)
    angles.push(Array.from({ length: dh / 2 }, (_, i) => t / Math.pow(c.ropeBase, (2 * i) / dh)));
  const cos = tf.tensor(
    angles.flatMap((r) => [...r, ...r].map(Math.cos)),
    [1, 1, T, dh],
  );
  const sin = tf.tensor(
    angles.flatMap((r) => [...r, ...r].map(Math.sin)),
    [1, 1, T, dh],
  );
  const rot = (x: tf.Tensor) => {
    const [x1, x2] = tf.split(x, 2, -1);
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2!), x1!], -1), sin));
  };
  const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [B, T, H, dh]), [0, 2, 1, 3]);
  const table = m.params.has('embed.weight')
    ? p('embed.weight')
    : tf.tensor2d(m.substrate.matrix, [c.vocabSize, c.substrateDim]);
  // A one-hot product rather than gather: gather's stock gradient needs a kernel tfjs-wasm lacks.
  let x = tf.matMul(tf.oneHot(tf.reshape(tokens, [-1]) as tf.Tensor1D, c.vocabSize), table);
  if (c.inputProjection === 'frozen-random') x = tf.matMul(x, p('embed.proj'));
  x = tf.mul(x, c.inputScale);
  const maskData: number[] = [];
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) maskData.push(j > i ? -1e9 : 0);
  const mask = tf.tensor(maskData, [T, T]);
  for (let i = 0; i < c.layers; i++) {
    const b = `blocks.${i}`;
    const a = norm(x, `${b}.norm1`);
    const q = rot(heads(tf.matMul(a, p(`${b}.attn.wq`))));
    const k = rot(heads(tf.matMul(a, p(`${b}.attn.wk`))));
    const v = heads(tf.matMul(a, p(`${b}.attn.wv`)));
    const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)), mask));
    const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, c.dModel]);
    x = tf.add(x, tf.matMul(o, p(`${b}.attn.wo`)));
    const h = tf.matMul(norm(x, `${b}.norm2`), p(`${b}.mlp.w1`));
    const g = tf.mul(
      tf.mul(0.5, h),
      tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(h, tf.mul(0.044715, tf.pow(h, 3)))))),
    );
    x = tf.add(x, tf.matMul(g, p(`${b}.mlp.w2`)));
  }
  const logits = tf.matMul(norm(x, 'final_norm'), p('head.weight'));
  const logp = tf.logSoftmax(logits);
  const onehot = tf.oneHot(tf.reshape(targets, [-1]) as tf.Tensor1D, c.vocabSize);
  return tf.neg(tf.mean(tf.sum(tf.mul(logp, onehot), -1))) as tf.Scalar;
}
