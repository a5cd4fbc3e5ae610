// The one training loop (plain training, growth stages, LoRA stages): gradient accumulation, global-norm
// clipping, AdamW with warmup + cosine, validation every N steps, NaN/Inf detection, progress hooks, and
// exact save/restore of everything that moves.
import * as tf from '@tensorflow/tfjs-core';
import type { BlockAdapter } from '../model/adapter';
import { flow } from '../model/flow';
import { releaseSavedTensors } from '../model/grad-op';
import { timed } from '../model/profile';
import { GPT } from '../model/gpt';
import type { ParamEntry } from '../model/params';
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';
import { AdamW, learningRate, sumOfSquares, sumOfSquaresAsync } from './adamw';
import { Sampler, type Batch, type TokenSeq, type Windows } from './data';
import { PrefixCache } from './prefix-cache';
import { LossScaler, scaleLoss } from './loss-scale';
import { releaseHalfCopies, writeHalfCopies } from '../model/webgpu/half-store';
import { setHalfPrecision } from '../model/webgpu/runtime';
import { meanLoss, meanLossAsync } from './validate';
import {
  resolveTrainOptions,
  TrainingDivergedError,
  type TrainOptions,
  type ResolvedTrainOptions,
  type TrainerState,
  type RunOptions,
  type TrainableSet,
  type RunResult,
} from './trainer-options';

/**
 * Trains a TrainableSet on token windows:
 *   const t = new Trainer({ model, adapter: lora }, { train, val }, { steps: 100, batchSize: 16, lr: 1e-3 });
 *   await t.run({ onProgress });  // or t.trainStep() / t.evaluate() one at a time
 *   t.state();                    // resume: new Trainer(set, data, options, state)
 *   t.dispose();
 * Blocks below the lowest trainable (or adapted) one run outside the gradient tape.
 */
export class Trainer {
  readonly opts: ResolvedTrainOptions;
  readonly model: GPT;
  readonly adapter: BlockAdapter | null;
  private readonly optimizer: AdamW;
  private readonly sampler: Sampler;
  private readonly rng: Rng;
  private readonly prefix = new PrefixCache();
  private stepNo: number;
  /** `--precision f16` only. */
  private readonly scaler: LossScaler | null;
  private lastLoss: number | null;
  private lastValLoss: number | null;

  /** `trainable`: a set, or just a model (its unfrozen parameters). */
  constructor(
    trainable: TrainableSet | GPT,
    readonly data: { train: Windows<TokenSeq>; val: Windows<TokenSeq> | null },
    options: TrainOptions,
    resume?: TrainerState,
  ) {
    const set = trainable instanceof GPT ? { model: trainable } : trainable;
    this.model = set.model;
    this.adapter = set.adapter ?? null;
    this.opts = resolveTrainOptions(options);
    const o = this.opts;
    this.optimizer = new AdamW({ beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay });
    this.sampler = new Sampler(data.train, o.seed, resume?.sampler);
    this.rng = resume ? new Rng(resume.rng) : new Rng((o.seed ^ 0x5eed) >>> 0);
    this.stepNo = resume?.step ?? 0;
    this.lastLoss = resume?.lastLoss ?? null;
    this.lastValLoss = resume?.lastValLoss ?? null;
    if (resume) this.optimizer.load(resume.optimizer);
    this.scaler = null;
    if (o.precision === 'f16') {
      if (tf.getBackend() !== 'webgpu')
        throw new UserError(
          `--precision f16 needs the webgpu backend (this run is on ${tf.getBackend()}); leave it out for float32`,
        );
      this.scaler = new LossScaler();
    }
    setHalfPrecision(o.precision === 'f16');
  }

  /** The current loss scale (1 in float32). */
  get lossScale(): number {
    return this.scaler?.scale ?? 1;
  }

  get step(): number {
    return this.stepNo;
  }

  get tokensPerStep(): number {
    return this.opts.batchSize * this.opts.accumulation * this.data.train.T;
  }

  /** Everything the optimizer updates: the model's unfrozen parameters and the adapter's. */
  private entries(): ParamEntry[] {
    const own = this.model.params.trainable();
    return this.adapter ? [...own, ...this.adapter.entries()] : own;
  }

  /** The lowest block that trains or carries an adapter (-1: the embedding trains). */
  private firstTrainingBlock(): number {
    const from = this.model.firstTrainableBlock();
    for (let i = 0; i < from; i++) if (this.adapter?.hasBlock(i)) return i;
    return from;
  }

  /**
   * Forward (frozen prefix forward-only) and backward of one micro-batch: its loss and the gradient of
   * every trainable tensor by name (what trainStep accumulates). The caller disposes them.
   */
  gradients(batch: Batch, entries: ParamEntry[] = this.entries()): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
    const m = this.model;
    const B = batch.windows.length;
    const T = this.data.train.T;
    const from = this.firstTrainingBlock();
    const tokens = tf.tensor2d(batch.inputs, [B, T], 'int32');
    const targets = tf.tensor1d(batch.targets, 'int32');
    // f16: copies of weights that have none yet (the first step, frozen blocks, a block grown since).
    if (this.scaler) writeHalfCopies(m.params.list().map((e) => e.variable));
    // The frozen prefix runs outside the gradient tape: no backward pass, nothing saved for one.
    const x0 = from >= 0 ? this.prefix.get(m, from, tokens, batch.windows, this.opts.cachePrefix) : null;
    const ctx = { grads: true, rng: m.config.dropout > 0 ? this.rng : undefined, adapter: this.adapter ?? undefined };
    const { value, grads } = tf.variableGrads(
      () => {
        const x = x0 ? flow(x0) : m.embed(tokens, ctx);
        const loss = m.headLoss(m.blocks(x, Math.max(0, from), m.layers, B, T, ctx), targets, ctx);
        return this.scaler ? scaleLoss(loss, this.scaler.scale) : loss;
      },
      entries.map((e) => e.variable),
    );
    releaseSavedTensors();
    tf.dispose([tokens, targets, ...(x0 ? [x0] : [])]);
    const byName = new Map<string, tf.Tensor>();
    for (const e of entries) {
      const g = grads[e.variable.name];
      if (g) byName.set(e.name, g);
    }
    return { loss: value, grads: byName };
  }

  /** One optimizer step over `accumulation` micro-batches. */
  trainStep(): { loss: number; gradNorm: number; lr: number } {
    const batches = this.drawBatches();
    for (;;) {
      const p = this.accumulate(batches);
      let read: { loss: number; sq: number };
      try {
        read = {
          loss: p.lossSum.dataSync()[0]! / this.opts.accumulation,
          sq: timed('grad norm', () => sumOfSquares([...p.grads.values()])),
        };
      } catch (err) {
        tf.dispose([p.lossSum, ...p.grads.values()]);
        throw err;
      }
      const r = this.applyStep(p, read.loss, read.sq);
      if (r) return r;
    }
  }

  /** trainStep reading the loss and gradient norm asynchronously: the only way on WebGPU in Node. */
  async trainStepAsync(): Promise<{ loss: number; gradNorm: number; lr: number }> {
    const batches = this.drawBatches();
    await this.prefillPrefix(batches);
    for (;;) {
      const p = this.accumulate(batches);
      let read: { loss: number; sq: number };
      try {
        read = {
          loss: (await p.lossSum.data())[0]! / this.opts.accumulation,
          sq: await sumOfSquaresAsync([...p.grads.values()]),
        };
      } catch (err) {
        tf.dispose([p.lossSum, ...p.grads.values()]);
        throw err;
      }
      const r = this.applyStep(p, read.loss, read.sq);
      if (r) return r;
    }
  }

  /** The step's micro-batches, drawn before any compute so the frozen prefix can be cached ahead of it. */
  private drawBatches(): Batch[] {
    if (this.entries().length === 0)
      throw new UserError('training: every parameter is frozen; unfreeze a block or the head');
    return Array.from({ length: this.opts.accumulation }, () => this.sampler.next(this.opts.batchSize));
  }

  /** Caches the frozen prefix's outputs for these batches with asynchronous reads (see PrefixCache.prefill). */
  private async prefillPrefix(batches: Batch[]): Promise<void> {
    const from = this.firstTrainingBlock();
    if (!this.opts.cachePrefix || from <= 0) return;
    for (const b of batches) {
      const tokens = tf.tensor2d(b.inputs, [b.windows.length, this.data.train.T], 'int32');
      try {
        await this.prefix.prefill(this.model, from, tokens, b.windows);
      } finally {
        tokens.dispose();
      }
    }
  }

  /**
   * Forward and backward of the step's micro-batches: summed loss and mean gradients (not yet read; the caller
   * disposes them). Equal micro-batches make this the gradient of their concatenation (grad-accum.test.ts).
   */
  accumulate(batches: Batch[]): { entries: ParamEntry[]; grads: Map<string, tf.Tensor>; lossSum: tf.Scalar } {
    const entries = this.entries();
    let sum: Map<string, tf.Tensor> | null = null;
    let lossSum: tf.Scalar | null = null;
    for (const batch of batches) {
      const { loss, grads } = this.gradients(batch, entries);
      if (!sum || !lossSum) {
        sum = grads;
        lossSum = loss;
        continue;
      }
      for (const [n, g] of grads) {
        const prev = sum.get(n);
        sum.set(n, prev ? tf.add(prev, g) : g);
        if (prev) tf.dispose([prev, g]);
      }
      const l = tf.add(lossSum, loss) as tf.Scalar;
      tf.dispose([lossSum, loss]);
      lossSum = l;
    }
    const grads = sum!;
    const o = this.opts;
    if (o.accumulation > 1) {
      for (const [n, g] of grads) {
        grads.set(n, tf.div(g, o.accumulation));
        g.dispose();
      }
    }
    return { entries, grads, lossSum: lossSum! };
  }

  /**
   * Clips and applies the update once loss and Σ‖g‖² are on the host; disposes the step's tensors. Null when the
   * loss-scaled gradients overflowed: nothing applied, the scale halved, the caller redoes the step.
   */
  private applyStep(
    p: { entries: ParamEntry[]; grads: Map<string, tf.Tensor>; lossSum: tf.Scalar },
    scaledLoss: number,
    scaledSumSq: number,
  ): { loss: number; gradNorm: number; lr: number } | null {
    const o = this.opts;
    const step = this.stepNo + 1;
    p.lossSum.dispose();
    const lossScale = this.lossScale;
    const loss = scaledLoss / lossScale;
    const gradNorm = Math.sqrt(scaledSumSq) / lossScale;
    const lr = learningRate(step, o.steps, o.lr, o.warmupSteps, o.minLrRatio);
    try {
      if (
        this.scaler &&
        !this.scaler.update(Number.isFinite(loss) && Number.isFinite(gradNorm)) &&
        !this.scaler.exhausted()
      )
        return null;
      if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, 'loss');
      if (!Number.isFinite(gradNorm)) throw new TrainingDivergedError(step, 'gradient norm');
      const clip = o.clipNorm > 0 && gradNorm > o.clipNorm ? o.clipNorm / gradNorm : 1;
      // The loss scale comes off inside the AdamW kernel, with the clipping factor.
      timed('optimizer', () => this.optimizer.apply(p.entries, p.grads, lr, clip / lossScale));
      // f16: the packed float16 copies the next forward reads, from the float32 masters AdamW just wrote.
      if (this.scaler) writeHalfCopies(p.entries.map((e) => e.variable));
    } finally {
      tf.dispose([...p.grads.values()]);
    }
    this.stepNo = step;
    this.lastLoss = loss;
    return { loss, gradNorm, lr };
  }

  /** Mean next-token loss over (a fixed subset of) the validation windows, or null without validation data. */
  evaluate(): number | null {
    const v = meanLoss(this.model, this.data.val, this.opts.evalWindows, this.opts.batchSize, this.adapter);
    if (v !== null) this.lastValLoss = v;
    return v;
  }

  /** evaluate, read asynchronously (see trainStepAsync). */
  async evaluateAsync(): Promise<number | null> {
    const v = await meanLossAsync(this.model, this.data.val, this.opts.evalWindows, this.opts.batchSize, this.adapter);
    if (v !== null) this.lastValLoss = v;
    return v;
  }

  /**
   * Reads the weights, adapter and optimizer moments to the host, where tfjs caches them, so that `state()`
   * and the model's synchronous `toHost()` that checkpoints use work on WebGPU too. Call right before saving.
   */
  async hostReady(): Promise<void> {
    const ts = [...(this.adapter?.entries().map((e) => e.variable) ?? []), ...this.optimizer.moments()];
    await Promise.all([this.model.params.readAll(), ...ts.map((t) => t.data())]);
  }

  async run(ro: RunOptions = {}): Promise<RunResult> {
    const o = this.opts;
    const until = Math.min(ro.until ?? o.steps, o.steps);
    const t0 = performance.now();
    let trainMs = 0;
    let stepsRun = 0;
    while (this.stepNo < until) {
      if (ro.signal?.aborted || ro.shouldStop?.()) break;
      const s0 = performance.now();
      const r = await this.trainStepAsync();
      trainMs += performance.now() - s0;
      stepsRun++;
      if (this.stepNo % o.evalEvery === 0 || this.stepNo === o.steps) {
        const v = await this.evaluateAsync();
        if (v !== null) ro.onEvaluate?.(this.stepNo, v);
      }
      const perStep = trainMs / stepsRun;
      ro.onProgress?.({
        step: this.stepNo,
        steps: o.steps,
        loss: r.loss,
        valLoss: this.lastValLoss,
        lr: r.lr,
        gradNorm: r.gradNorm,
        tokensPerSec: (this.tokensPerStep * stepsRun * 1000) / trainMs,
        elapsed: (performance.now() - t0) / 1000,
        eta: ((until - this.stepNo) * perStep) / 1000,
      });
      await ro.afterStep?.(this.stepNo);
      // Let the event loop breathe (progress output, pause/cancel messages) without slowing the loop measurably.
      if (stepsRun % 4 === 0) await new Promise((r) => setImmediate(r));
    }
    return {
      step: this.stepNo,
      trainLoss: this.lastLoss ?? NaN,
      valLoss: this.lastValLoss,
      tokensPerSec: trainMs > 0 ? (this.tokensPerStep * stepsRun * 1000) / trainMs : 0,
      seconds: (performance.now() - t0) / 1000,
    };
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
    if (this.scaler) {
      setHalfPrecision(false);
      releaseHalfCopies();
    }
    this.optimizer.dispose();
    this.prefix.clear();
  }
}
