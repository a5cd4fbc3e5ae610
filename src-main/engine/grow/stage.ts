// Runs one training unit of a growth run (a stage, or a baseline's training) from its start or its checkpoint:
// insertion-spike measurement, the engine's Trainer with growth hooks, periodic and on-stop checkpoints, export, the record.
import { join } from 'node:path';
import { CHECKPOINT_FILE } from '../io/checkpoint-folder';
import type { GPT } from '../model/gpt';
import { paramReport, type ParamReport } from '../model/param-report';
import type { Substrate } from '../substrate/index';
import type { Tokenizer } from '../tokenizer/tokenizer';
import type { TokenSeq, Windows } from '../train/data';
import { Trainer } from '../train/trainer';
import type { TrainerState, TrainOptions } from '../train/trainer-options';
import { meanLossAsync } from '../train/validate';
import { hasCheckpoint, loadStageCheckpoint, saveStageCheckpoint } from './checkpoint';
import { exportStageModel } from './export';
import { stageFlops, type StageCost } from './flops';
import type { GrowthHooks, UnitRef } from './hooks';
import type { LoraSet } from './lora';
import type { GrowthPlan } from './plan';
import type { StageRecord } from './records';

/** What a growth run trains on: token windows, the frozen substrate, and the tokenizer exported beside each model. */
export interface GrowthData {
  train: Windows<TokenSeq>;
  /** Validation windows; without them valLoss is null and the spike is measured on training windows. */
  val: Windows<TokenSeq> | null;
  /** As loadSubstrate returns it: its metadata lets every stage folder carry a copy. */
  substrate: Substrate;
  /** A file holding `substrate` that every exported folder references instead of carrying a copy (a workspace's). */
  substrateFile?: string;
  tokenizer: Tokenizer;
  /** Provenance every exported stage folder carries in config.json → training (the data file, its hold-out record). */
  record?: Record<string, unknown>;
}

export interface UnitSpec {
  ref: UnitRef;
  steps: number;
  lr: number;
  /** Undefined: the Trainer's default. */
  warmup?: number;
  seed: number;
  /** Builds the starting model of the unit (new blocks inserted) and the loss before insertion. */
  start(): Promise<{ model: GPT; lora: LoraSet | null; lossBefore: number | null; newBlocks: number[] }>;
}

export type UnitOutcome =
  { status: 'done'; record: StageRecord; model: GPT; lora: LoraSet | null } | { status: 'stopped'; checkpoint: string };

interface Notes {
  lossBefore: number | null;
  lossAfter: number;
  newBlocks: number[];
  curve: number[];
  valCurve: { step: number; valLoss: number }[];
  seconds: number;
  complete: boolean;
}

/** A stage folder's checkpoint: the run-folder layout of engine/io/checkpoint-folder.ts. */
export { CHECKPOINT_FILE };

/**
 * Mean loss on the fixed, evenly spread windows that measure the insertion spike (same ones every stage); read
 * asynchronously, so growth runs on WebGPU too.
 */
export async function spikeLoss(model: GPT, lora: LoraSet | null, data: GrowthData, plan: GrowthPlan): Promise<number> {
  const w = data.val && data.val.starts.length > 0 ? data.val : data.train;
  return (await meanLossAsync(model, w, plan.spikeWindows, plan.batchSize, lora)) ?? NaN;
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
    accumulation: plan.accumulation,
    lr: spec.lr,
    ...(spec.warmup !== undefined ? { warmupSteps: spec.warmup } : {}),
    weightDecay: plan.weightDecay,
    clipNorm: plan.clipNorm,
    ...(plan.precision ? { precision: plan.precision } : {}),
    evalEvery: plan.evalEvery ?? Math.max(1, Math.round(spec.steps / 10)),
    evalWindows: plan.evalWindows,
    seed: spec.seed,
    cachePrefix,
  };
}

function trainableCount(model: GPT, lora: LoraSet | null): number {
  return model.paramCounts().trainable + (lora?.paramCount ?? 0);
}

function stageParams(model: GPT, lora: LoraSet | null): ParamReport {
  const r = paramReport(model);
  const extra = lora?.paramCount ?? 0;
  return { ...r, trainable: r.trainable + extra, total: r.total + extra };
}

/** A unit's model, adapters and notes: from its checkpoint when there is one, else freshly started. */
interface OpenedUnit {
  model: GPT;
  lora: LoraSet | null;
  resume: TrainerState | undefined;
  notes: Notes;
}

async function openUnit(spec: UnitSpec, ckpt: string, plan: GrowthPlan, data: GrowthData): Promise<OpenedUnit> {
  if (hasCheckpoint(ckpt)) {
    const c = loadStageCheckpoint<Notes>(ckpt, data.substrate);
    return { model: c.model, lora: c.lora, resume: c.trainer, notes: c.notes };
  }
  const s = await spec.start();
  const notes = {
    lossBefore: s.lossBefore,
    lossAfter: await spikeLoss(s.model, s.lora, data, plan),
    newBlocks: s.newBlocks,
    curve: [],
    valCurve: [],
    seconds: 0,
    complete: false,
  };
  return { model: s.model, lora: s.lora, resume: undefined, notes };
}

/** Runs the step loop from wherever the trainer stands; returns whether a stop request ended it early. */
async function trainSteps(
  spec: UnitSpec,
  u: OpenedUnit,
  trainer: Trainer,
  plan: GrowthPlan,
  hooks: GrowthHooks,
  save: (complete: boolean) => Promise<void>,
): Promise<boolean> {
  const { notes } = u;
  if (notes.complete) return false;
  const t0 = performance.now();
  const priorSeconds = notes.seconds;
  const seconds = () => priorSeconds + (performance.now() - t0) / 1000;
  await trainer.run({
    until: spec.steps,
    shouldStop: () => Boolean(hooks.shouldStop?.()),
    signal: hooks.signal,
    onEvaluate: (step, valLoss) => notes.valCurve.push({ step, valLoss }),
    onProgress: (e) => {
      notes.curve.push(e.loss);
      hooks.onProgress?.({ ...spec.ref, ...e, elapsed: seconds() });
    },
    afterStep: async (step) => {
      if (step % plan.checkpointEvery !== 0 || step >= spec.steps) return;
      notes.seconds = seconds();
      await save(false);
    },
  });
  notes.seconds = seconds();
  return trainer.step < spec.steps;
}

function unitRecord(
  spec: UnitSpec,
  u: OpenedUnit,
  plan: GrowthPlan,
  data: GrowthData,
  cache: boolean,
  ckpt: string,
  dir: string,
): StageRecord {
  const { model, lora, notes } = u;
  const tokens = spec.steps * plan.batchSize * plan.accumulation * data.train.T;
  const prefixTokens = cache ? Math.min(tokens, data.train.starts.length * data.train.T) : tokens;
  return {
    ...spec.ref,
    steps: spec.steps,
    newBlocks: notes.newBlocks,
    trainableParams: trainableCount(model, lora),
    frozenParams: model.paramCounts().frozen,
    loraParams: lora?.paramCount ?? 0,
    params: stageParams(model, lora),
    tokens,
    seconds: Math.round(notes.seconds * 100) / 100,
    flops: stageFlops(model.config, stageCost(model, lora), tokens, prefixTokens),
    lossBeforeInsert: notes.lossBefore,
    lossAfterInsert: notes.lossAfter,
    trainLoss: notes.curve[notes.curve.length - 1] ?? NaN,
    valLoss: lastValLoss(notes),
    curve: notes.curve,
    valCurve: notes.valCurve,
    prefixCache: cache,
    checkpoint: ckpt,
    model: dir,
  };
}

function lastValLoss(notes: Notes): number | null {
  return notes.valCurve.length > 0 ? notes.valCurve[notes.valCurve.length - 1]!.valLoss : null;
}

/** Trains one unit in `dir` (its checkpoint and, unless hooks.exportDir says otherwise, its exported model live there), resuming when a checkpoint exists. */
export async function runUnit(
  spec: UnitSpec,
  dir: string,
  plan: GrowthPlan,
  data: GrowthData,
  hooks: GrowthHooks,
): Promise<UnitOutcome> {
  const ckpt = join(dir, CHECKPOINT_FILE);
  const modelDir = hooks.exportDir?.(spec.ref) ?? dir;
  const u = await openUnit(spec, ckpt, plan, data);
  const { model, lora, notes } = u;
  const cache = usePrefixCache(plan, data, model, lora);
  const trainer = new Trainer({ model, adapter: lora }, data, trainOptions(spec, plan, cache), u.resume);
  hooks.onStageStart?.({
    ...spec.ref,
    steps: spec.steps,
    resumedAtStep: notes.complete ? spec.steps : trainer.step,
    trainableParams: trainableCount(model, lora),
    frozenParams: model.paramCounts().frozen,
    params: stageParams(model, lora),
    lossBeforeInsert: notes.lossBefore,
    lossAfterInsert: notes.lossAfter,
    prefixCache: cache,
  });
  const save = async (complete: boolean) => {
    notes.complete = complete;
    // Weights, adapters and moments read to the host first: the checkpoint writer reads them synchronously.
    await trainer.hostReady();
    saveStageCheckpoint(ckpt, { model, lora, trainer: trainer.state(), notes }, trainer.opts);
    hooks.onCheckpoint?.(spec.ref, trainer.step);
  };
  let stopped: boolean;
  try {
    stopped = await trainSteps(spec, u, trainer, plan, hooks, save);
    if (!stopped) {
      // The validation protocol beside the hold-out record: `eval --protocol holdout` rescores exactly these windows.
      const validation = { protocol: 'holdout', windows: plan.evalWindows, context: data.train.T };
      const training = {
        ...data.record,
        validation,
        growth: {
          ...spec.ref,
          steps: spec.steps,
          newBlocks: notes.newBlocks,
          valLoss: lastValLoss(notes),
          lora: lora ? { rank: lora.rank, alpha: lora.alpha, merged: true } : null,
        },
      };
      await exportStageModel(modelDir, model, lora, data, training);
    }
    await save(!stopped);
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
  return { status: 'done', record: unitRecord(spec, u, plan, data, cache, ckpt, modelDir), model, lora };
}
