// One helper for every hand-differentiated op: gradients flow only to the inputs that need them, and the
// backward pass reads only what the forward saved (so nothing it needs is freed by an enclosing tidy).
import * as tf from '@tensorflow/tfjs-core';
import { timed } from './profile';

export interface Forward<T extends tf.Tensor = tf.Tensor> {
  value: T;
  /** Tensors the backward pass needs (tfjs keeps them until the gradients are computed). */
  save: tf.Tensor[];
}

/** Gradients per input, in input order; an entry whose `needs` is false may be null (and is ignored). */
export type Backward = (dy: tf.Tensor, saved: tf.Tensor[], needs: readonly boolean[]) => (tf.Tensor | null)[];

/** Saved-tensor aliases whose backward has not run yet (see releaseSavedTensors). */
const pending = new Set<tf.Tensor[]>();

/**
 * Frees what forward passes saved for backward passes that never ran (a node off the path to the loss).
 * The trainer calls it after every gradient computation; anyone else using these ops under tf.grads should too.
 */
export function releaseSavedTensors(): void {
  for (const kept of pending) tf.dispose(kept);
  pending.clear();
}

/**
 * Runs `forward` on `inputs`. Inputs whose `needs` flag is true become inputs of a tf.customGrad node;
 * the others act as constants, so no gradient is computed for them (frozen weights, frozen-prefix
 * activations). With no flag set this is a plain forward pass with no tape bookkeeping.
 */
export function gradOp<T extends tf.Tensor>(
  inputs: tf.Tensor[],
  needs: readonly boolean[],
  forward: (xs: tf.Tensor[]) => Forward<T>,
  backward: Backward,
  /** The op's name in the per-op profile (profile.ts); its backward is filed under name + '.bwd'. */
  name = 'other op',
): T {
  if (!needs.some(Boolean)) return timed(name, () => tf.tidy(() => forward(inputs).value));
  const diffIdx: number[] = [];
  needs.forEach((n, i) => n && diffIdx.push(i));
  const node = tf.customGrad(() => {
    const out = timed(name, () => forward(inputs));
    // tfjs's save() clones, and on tfjs-wasm a clone copies the data (the 16 MB softmax of the head, the
    // attention probabilities…). A same-shape reshape is a zero-copy alias with its own reference count.
    const kept = out.save.map((t) => tf.keep(tf.reshape(t, t.shape)));
    pending.add(kept);
    return {
      value: out.value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const grads = timed(`${name}.bwd`, () => backward(dy as tf.Tensor, kept, needs));
        pending.delete(kept);
        tf.dispose(kept);
        return diffIdx.map((i) => {
          const g = grads[i];
          if (!g) throw new Error(`gradOp: backward returned no gradient for input ${i}`);
          return g;
        });
      },
    };
  });
  return node(...diffIdx.map((i) => inputs[i]!)) as T;
}
