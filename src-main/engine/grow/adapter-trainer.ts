// Training for stages whose frozen blocks carry LoRA adapters: the engine's Trainer cannot see adapters, so
// this mirrors its step (accumulation, clipping, AdamW, NaN stop) over the model's trainable params + adapters.
import * as tf from '@tensorflow/tfjs-core';
import type { GPT } from '../model/gpt';
import { AdamW, learningRate } from '../train/adamw';
import { batchOf, Sampler, type Windows } from '../train/data';
import { resolveTrainOptions, TrainingDivergedError, type ResolvedTrainOptions, type TrainerState, type TrainOptions } from '../train/trainer';
import { Rng } from '../util/rng';
import { adaptedLoss } from './lora-forward';
import type { LoraSet } from './lora';

export class AdapterTrainer {
  readonly opts: ResolvedTrainOptions;
  private readonly optimizer: AdamW;
  private readonly sampler: Sampler;
  private readonly rng: Rng;
  private stepNo: number;
  private lastLoss: number | null;
  private lastValLoss: number | null;

  constructor(
    readonly model: GPT,
    readonly lora: LoraSet,
    readonly data: { train: Windows; val: Windows | null },
    options: TrainOptions,
    resume?: TrainerState,
  ) {
    this.opts = resolveTrainOptions(options);
    const o = this.opts;
    this.optimizer = new AdamW({ beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay });
    this.sampler = new Sampler(data.train, o.seed, resume?.sampler);
    this.rng = new Rng(resume?.rng ?? [o.seed ^ 0x5eed, 1, 2, 3]);
    this.stepNo = resume?.step ?? 0;
    this.lastLoss = resume?.lastLoss ?? null;
    this.lastValLoss = resume?.lastValLoss ?? null;
    if (resume) this.optimizer.load(resume.optimizer);
  }

  get step(): number {
    return this.stepNo;
  }

  get tokensPerStep(): number {
    return this.opts.batchSize * this.opts.accumulation * this.data.train.T;
  }

  private entries() {
    return [...this.model.params.trainable(), ...this.lora.entries()];
  }

  trainStep(): { loss: number; gradNorm: number; lr: number } {
    const o = this.opts;
    const T = this.data.train.T;
    const entries = this.entries();
    const step = this.stepNo + 1;
    const sum = new Map<string, tf.Tensor>();
    let lossSum = 0;
    for (let k = 0; k < o.accumulation; k++) {
      const batch = this.sampler.next(o.batchSize);
      const B = batch.windows.length;
      const tokens = tf.tensor2d(batch.inputs, [B, T], 'int32');
      const targets = tf.tensor1d(batch.targets, 'int32');
      const ctx = { grads: true, rng: this.model.config.dropout > 0 ? this.rng : undefined };
      const { value, grads } = tf.variableGrads(
        () => adaptedLoss(this.model, this.lora, tokens, targets, ctx),
        entries.map((e) => e.variable),
      );
      lossSum += value.dataSync()[0]!;
      tf.dispose([tokens, targets, value]);
      for (const e of entries) {
        const g = grads[e.variable.name];
        if (!g) continue;
        const prev = sum.get(e.name);
        sum.set(e.name, prev ? tf.add(prev, g) : g);
        if (prev) tf.dispose([prev, g]);
      }
    }
    if (o.accumulation > 1) {
      for (const [n, g] of sum) {
        sum.set(n, tf.div(g, o.accumulation));
        g.dispose();
      }
    }
    const loss = lossSum / o.accumulation;
    const normT = tf.tidy(() => tf.sqrt(tf.addN([...sum.values()].map((g) => tf.sum(tf.square(g))))));
    const gradNorm = normT.dataSync()[0]!;
    normT.dispose();
    const lr = learningRate(step, o.steps, o.lr, o.warmupSteps, o.minLrRatio);
    try {
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, 'loss');
      if (!Number.isFinite(gradNorm)) throw new TrainingDivergedError(step, 'gradient norm');
      const clip = o.clipNorm > 0 && gradNorm > o.clipNorm ? o.clipNorm / gradNorm : 1;
      this.optimizer.apply(entries, sum, lr, clip);
    } finally {
      tf.dispose([...sum.values()]);
    }
    this.stepNo = step;
    this.lastLoss = loss;
    return { loss, gradNorm, lr };
  }

  /** Mean validation loss through the adapter forward, on the same fixed subset the Trainer uses. */
  evaluate(): number | null {
    const val = this.data.val;
    if (!val || val.starts.length === 0) return null;
    const n = val.starts.length;
    const k = Math.min(n, this.opts.evalWindows);
    const ids = Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
    let total = 0;
    for (let s = 0; s < k; s += this.opts.batchSize) {
      const b = batchOf(val, ids.slice(s, s + this.opts.batchSize));
      const rows = b.windows.length;
      const l = tf.tidy(() => adaptedLoss(this.model, this.lora, tf.tensor2d(b.inputs, [rows, val.T], 'int32'), tf.tensor1d(b.targets, 'int32')));
      total += l.dataSync()[0]! * rows;
      l.dispose();
    }
    this.lastValLoss = total / k;
    return this.lastValLoss;
  }

  state(): TrainerState {
    return {
      step: this.stepNo,
      sampler: this.sampler.state(),
      rng: this.rng.getState(),
      optimizer: this.optimizer.state(),
      lastLoss: this.lastLoss,
      lastValLoss: this.lastValLoss,
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
