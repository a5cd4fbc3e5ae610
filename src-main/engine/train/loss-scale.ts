// Dynamic loss scaling for `--precision f16`: the loss is multiplied by `scale` before the backward pass so small
// gradients survive float16 operands; an overflow (inf/NaN gradient norm) halves the scale and the step is redone,
// and every `interval` good steps in a row double it again (as PyTorch's GradScaler, smaller numbers for short runs).
import * as tf from '@tensorflow/tfjs-core';
import { gradOp } from '../model/grad-op';

/** loss · scale, with the gradient scaled on its way back (tfjs registers no gradient for a plain multiply here). */
export function scaleLoss(loss: tf.Scalar, scale: number): tf.Scalar {
  return gradOp<tf.Scalar>(
    [loss],
    [true],
    (xs) => ({ value: tf.mul(xs[0]!, scale), save: [] }),
    (dy) => [tf.mul(dy, scale)],
  );
}

export class LossScaler {
  private good = 0;

  constructor(
    public scale = 2 ** 15,
    readonly interval = 200,
    /** Below this the overflow is no longer the scale's doing: the run diverged. */
    readonly floor = 1,
  ) {}

  /** After a step's gradients: true when they were finite (apply the step), false to redo it at half the scale. */
  update(finite: boolean): boolean {
    if (!finite) {
      this.good = 0;
      this.scale /= 2;
      return false;
    }
    if (++this.good >= this.interval) {
      this.good = 0;
      this.scale *= 2;
    }
    return true;
  }

  /** True once halving has gone below `floor`: the caller reports divergence instead of retrying. */
  exhausted(): boolean {
    return this.scale < this.floor;
  }
}
