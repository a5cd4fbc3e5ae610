// Runs one training unit of a growth run (a stage, or a baseline's training) from its start or its checkpoint:
// insertion-spike measurement, the step loop with hooks, periodic and on-stop checkpoints, export, the record.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { GPT } from '../model/gpt';
import type { Substrate } from '../substrate/index';
import type { Tokenizer } from '../tokenizer/tokenizer';
import { batchOf, type Windows } from '../train/data';
import { Trainer, type ResolvedTrainOptions, type TrainerState, type TrainOptions } from '../train/trainer';
import { AdapterTrainer } from './adapter-trainer';
import { hasCheckpoint, loadStageCheckpoint, saveStageCheckpoint } from './checkpoint';
import { exportStageModel } from './export';
import { stageFlops, type StageCost } from './flops';
import type { GrowthHooks, UnitRef } from './hooks';
import { adaptedLoss } from './lora-forward';
import type { LoraSet } from './lora';
import type { GrowthPlan } from './plan';
import type { StageRecord } from './records';

/** What a growth run trains on: token windows, the frozen substrate, and the tokenizer exported beside each model. */
export interface GrowthData {
  train: Windows;
  /** Validation windows; without them valLoss is null and the spike is measured on training windows. */
  val: Windows | null;
  /** As loadSubstrate returns it: its metadata lets every stage folder carry a copy. */
  substrate: Substrate;
  tokenizer: Tokenizer;
}

export interface UnitSpec {
  ref: UnitRef;
  steps: number;
  lr: number;
  /** Undefined: the Trainer's default. */
  warmup?: number;
  seed: number;
  /** Builds the starting model of the unit (new blocks inserted) and the loss before insertion. */
  start(): { model: GPT; lora: LoraSet | null; lossBefore: number | null; newBlocks: number[] };
}

export type UnitOutcome = { status: 'done'; record: StageRecord; model: GPT; lora: LoraSet | null } | { status: 'stopped'; checkpoint: string };

interface Notes {
  lossBefore: number | null;
  lossAfter: number;
  newBlocks: number[];
  curve: number[];
  valCurve: { step: number; valLoss: number }[];
  seconds: number;
  complete: boolean;
}

interface StageTrainer {
  readonly opts: ResolvedTrainOptions;
  readonly step: number;
  readonly tokensPerStep: number;
  trainStep(): { loss: number; gradNorm: number; lr: number };
  evaluate(): number | null;
  state(): TrainerState;
  dispose(): void;
}

export const CHECKPOINT_FILE = 'checkpoint.safetensors';

/** Mean loss on the fixed, evenly spread windows that measure the insertion spike (same ones every stage). */
export function spikeLoss(model: GPT, lora: LoraSet | null, data: GrowthData, plan: GrowthPlan): number {
  const w = data.val && data.val.starts.length > 0 ? data.val : data.train;
  const n = w.starts.length;
  const k = Math.min(n, plan.spikeWindows);
  const ids = Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
  let total = 0;
  for (let s = 0; s < k; s += plan.batchSize) {
    const b = batchOf(w, ids.slice(s, s + plan.batchSize));
    const rows = b.windows.length;
    const l = tf.tidy(() => {
      const tokens = tf.tensor2d(b.inputs, [rows, w.T], 'int32');
      if (lora) return adaptedLoss(model, lora, tokens, tf.tensor1d(b.targets, 'int32'));
      return model.loss(tokens, tf.tensor2d(b.targets, [rows, w.T], 'int32'));
    });
    total += l.dataSync()[0]! * rows;
    l.dispose();
  }
  return total / k;
}

/** Whether the frozen prefix's outputs for every training window fit the plan's cache budget. */
export function usePrefixCache(plan: GrowthPlan, data: GrowthData, model: GPT, lora: LoraSet | null): boolean {
  if (lora || plan.cachePrefix === false) return false;
  const from = model.firstTrainableBlock();
  if (from <= 0) return false;
  if (plan.cachePrefix === true) return true;
  const bytes = data.train.starts.length * data.train.T * model.config.dModel * 4;
  return bytes <= plan.cacheBudgetMB * 1024 * 1024;
}

/** Which blocks train, pass gradient while frozen, or only run forward (for the FLOPs estimate). */
export function stageCost(model: GPT, lora: LoraSet | null): StageCost {
  const embedTrains = model.firstTrainableBlock() < 0;
  const cost: StageCost = { trainable: 0, frozenWithGrad: 0, frozenForward: 0 };
  // A frozen block needs an activation-gradient backward when something below it (or its own adapter) trains.
  let gradBelow = embedTrains;
  for (let i = 0; i < model.layers; i++) {
    const trains = !model.isBlockFrozen(i);
    const adapted = Boolean(lora?.hasBlock(i));
    if (trains) cost.trainable++;
    else if (gradBelow || adapted) cost.frozenWithGrad++;
    else cost.frozenForward++;
    gradBelow ||= trains || adapted;
  }
  return cost;
}

function trainOptions(spec: UnitSpec, plan: GrowthPlan, cachePrefix: boolean): TrainOptions {
  return {
    steps: spec.steps,
    batchSize: plan.batchSize,
    lr: spec.lr,
    ...(spec.warmup !== undefined ? { warmupSteps: spec.warmup } : {}),
    weightDecay: plan.weightDecay,
    clipNorm: plan.clipNorm,
    evalEvery: plan.evalEvery ?? Math.max(1, Math.round(spec.steps / 10)),
    evalWindows: plan.evalWindows,
    seed: spec.seed,
    cachePrefix,
  };
}

function trainableCount(model: GPT, lora: LoraSet | null): number {
  return model.paramCounts().trainable + (lora?.paramCount ?? 0);
}

/** Trains one unit in `dir` (its checkpoint and exported model live there), resuming when a checkpoint exists. */
export async function runUnit(spec: UnitSpec, dir: string, plan: GrowthPlan, data: GrowthData, hooks: GrowthHooks): Promise<UnitOutcome> {
  const ckpt = join(dir, CHECKPOINT_FILE);
  let model: GPT;
  let lora: LoraSet | null;
  let resume: TrainerState | undefined;
  let notes: Notes;
  if (hasCheckpoint(ckpt)) {
    const c = loadStageCheckpoint<Notes>(ckpt, data.substrate);
    ({ model, lora, notes } = c);
    resume = c.trainer;
  } else {
    const s = spec.start();
    ({ model, lora } = s);
    notes = { lossBefore: s.lossBefore, lossAfter: spikeLoss(model, lora, data, plan), newBlocks: s.newBlocks, curve: [], valCurve: [], seconds: 0, complete: false };
  }
  const cache = usePrefixCache(plan, data, model, lora);
  const opts = trainOptions(spec, plan, cache);
  const trainer: StageTrainer = lora ? new AdapterTrainer(model, lora, data, opts, resume) : new Trainer(model, data, opts, resume);
  const counts = model.paramCounts();
  const start = notes.complete ? spec.steps : trainer.step;
  hooks.onStageStart?.({
    ...spec.ref,
    steps: spec.steps,
    resumedAtStep: start,
    trainableParams: trainableCount(model, lora),
    frozenParams: counts.frozen,
    lossBeforeInsert: notes.lossBefore,
    lossAfterInsert: notes.lossAfter,
    prefixCache: cache,
  });
  const save = (complete: boolean) => {
    notes.complete = complete;
    saveStageCheckpoint(ckpt, { model, lora, trainer: trainer.state(), notes }, trainer.opts);
  };
  const t0 = performance.now();
  const priorSeconds = notes.seconds;
  const seconds = () => priorSeconds + (performance.now() - t0) / 1000;
  let trainMs = 0;
  let stepsRun = 0;
  let valLoss = notes.valCurve.length > 0 ? notes.valCurve[notes.valCurve.length - 1]!.valLoss : null;
  const evalEvery = opts.evalEvery!;
  let stopped = false;
  try {
    while (!notes.complete && trainer.step < spec.steps) {
      if (hooks.shouldStop?.() || hooks.signal?.aborted) {
        stopped = true;
        break;
      }
      const s0 = performance.now();
      const r = trainer.trainStep();
      trainMs += performance.now() - s0;
      stepsRun++;
      notes.curve.push(r.loss);
      const step = trainer.step;
      if (step % evalEvery === 0 || step === spec.steps) {
        const v = trainer.evaluate();
        if (v !== null) notes.valCurve.push({ step, valLoss: (valLoss = v) });
      }
      hooks.onProgress?.({
        ...spec.ref,
        step,
        steps: spec.steps,
        loss: r.loss,
        valLoss,
        lr: r.lr,
        gradNorm: r.gradNorm,
        tokensPerSec: (trainer.tokensPerStep * stepsRun * 1000) / trainMs,
        elapsed: seconds(),
        eta: ((spec.steps - step) * trainMs) / stepsRun / 1000,
      });
      if (step % plan.checkpointEvery === 0 && step < spec.steps) {
        notes.seconds = seconds();
        save(false);
      }
      // Let the event loop run (progress output, pause/cancel messages) without slowing the loop measurably.
      if (stepsRun % 4 === 0) await new Promise((r) => setImmediate(r));
    }
    notes.seconds = seconds();
    if (stopped) {
      save(false);
    } else {
      const training = { growth: { ...spec.ref, steps: spec.steps, newBlocks: notes.newBlocks, valLoss, lora: lora ? { rank: lora.rank, alpha: lora.alpha, merged: true } : null } };
      exportStageModel(dir, model, lora, data, training);
      save(true);
    }
  } catch (err) {
    model.dispose();
    lora?.dispose();
    throw err;
  } finally {
    trainer.dispose();
  }
  if (stopped) {
    model.dispose();
    lora?.dispose();
    return { status: 'stopped', checkpoint: ckpt };
  }
  const tokens = spec.steps * plan.batchSize * data.train.T;
  const prefixTokens = cache ? Math.min(tokens, data.train.starts.length * data.train.T) : tokens;
  const record: StageRecord = {
    ...spec.ref,
    steps: spec.steps,
    newBlocks: notes.newBlocks,
    trainableParams: trainableCount(model, lora),
    frozenParams: counts.frozen,
    loraParams: lora?.paramCount ?? 0,
    tokens,
    seconds: Math.round(notes.seconds * 100) / 100,
    flops: stageFlops(model.config, stageCost(model, lora), tokens, prefixTokens),
    lossBeforeInsert: notes.lossBefore,
    lossAfterInsert: notes.lossAfter,
    trainLoss: notes.curve[notes.curve.length - 1] ?? NaN,
    valLoss,
    curve: notes.curve,
    valCurve: notes.valCurve,
    prefixCache: cache,
    checkpoint: ckpt,
    model: dir,
  };
  return { status: 'done', record, model, lora };
}
