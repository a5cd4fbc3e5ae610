// Growing by one tier: freeze every existing block, stack the stage's new blocks on top (random, zero-output
// or copied init), and give the frozen blocks LoRA adapters when the stage asks for them.
import { GPT } from '../model/gpt';
import { Rng } from '../util/rng';
import { LoraSet } from './lora';
import type { GrowthModelInput, GrowthPlan, StagePlan } from './plan';
import type { GrowthData } from './stage';

/** Seed of a stage's randomness (insertion, sampling order), distinct per stage and per run seed. */
export function stageSeed(seed: number, stage: number, salt = 0): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(stage, 0x85ebca6b) ^ salt) >>> 0;
}

/** The stage-1 model: `blocksPerStage` random blocks on the frozen substrate. */
export function firstStageModel(
  plan: GrowthPlan,
  data: GrowthData,
  layers: number,
  model: GrowthModelInput = plan.model,
): GPT {
  return GPT.create({
    config: { ...model, vocabSize: data.substrate.vocabSize, layers },
    substrate: data.substrate,
    tokenizerId: data.tokenizer.id,
    seed: plan.seed,
  });
}

/** Inserts stage `stage`'s tier into `model` in place; returns the (possibly new) adapter set and the new block indices. */
export function insertTier(
  model: GPT,
  lora: LoraSet | null,
  plan: GrowthPlan,
  stage: StagePlan,
): { lora: LoraSet | null; newBlocks: number[] } {
  const below = model.layers;
  for (let i = 0; i < below; i++) model.freezeBlock(i);
  const rng = new Rng(stageSeed(plan.seed, stage.stage, 0x1a7e));
  const newBlocks: number[] = [];
  for (let j = 0; j < plan.blocksPerStage; j++) newBlocks.push(model.addBlock(plan.init, rng));
  if (stage.lora && plan.lora) {
    lora ??= new LoraSet(plan.lora.rank, plan.lora.alpha);
    for (let i = 0; i < below; i++) lora.addBlock(model, i, rng);
  }
  return { lora, newBlocks };
}
