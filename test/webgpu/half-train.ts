// The tiny training run that the f16 tests repeat in float32 and with --precision f16 (webgpu backend): a
// learnable stream, a fixed seed, the losses of every step and the loss scale at the end.
import * as tf from '@tensorflow/tfjs-core';
import { GPT } from '../../src-main/engine/model/gpt';
import { makeWindows } from '../../src-main/engine/train/data';
import type { LossScaler } from '../../src-main/engine/train/loss-scale';
import { Trainer } from '../../src-main/engine/train/trainer';
import { Rng } from '../../src-main/engine/util/rng';
import { randomSubstrate, TEST_TOKENIZER_ID } from '../support/model';

/**
 * `steps` is the schedule's length; `run` how many of them to take (default all). `startScale` (tests only)
 * starts the loss scaler there; `layers` defaults to 2; `frozen` freezes block 0 (a growth stage: its weights'
 * float16 copies are written once and the frozen prefix runs outside the tape). `leaked`: tensors left over.
 */
export async function train(
  precision: 'f32' | 'f16',
  steps: number,
  startScale?: number,
  run = steps,
  layers = 2,
  frozen = false,
): Promise<{ losses: number[]; scale: number; leaked: number }> {
  const before = tf.memory().numTensors;
  const V = 48;
  const T = 16;
  const model = GPT.create({
    config: { vocabSize: V, layers, dModel: 32, heads: 2, contextLength: T, mlpRatio: 2 },
    substrate: randomSubstrate(V, 32, 2),
    tokenizerId: TEST_TOKENIZER_ID,
    seed: 4,
  });
  if (frozen) model.freezeBlock(0);
  // A learnable stream (a noisy cycle), so the loss falls well below its start over the run.
  const r = new Rng(9);
  const ids = Int32Array.from({ length: 64 * T + 1 }, (_, i) => (r.next() < 0.8 ? (i * 7) % V : r.int(V)));
  const trainer = new Trainer(
    model,
    { train: makeWindows(ids, T), val: null },
    { steps, batchSize: 4, lr: 1e-2, seed: 3, precision },
  );
  // Tests only: start the scaler where float16 overflows, to see it halve and the steps redone.
  if (startScale) (trainer as unknown as { scaler: LossScaler }).scaler.scale = startScale;
  const losses: number[] = [];
  for (let s = 0; s < run; s++) losses.push((await trainer.trainStepAsync()).loss);
  const scale = trainer.lossScale;
  trainer.dispose();
  model.dispose();
  return { losses, scale, leaked: tf.memory().numTensors - before };
}
