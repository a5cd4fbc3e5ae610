// Exports a stage as an ordinary model folder ("depth k", engine/io's format): LoRA adapters merged into the
// weights, so generation, evaluation and merging load it with loadModel like any trained model.
import { exportModel } from '../io/model-folder';
import { GPT } from '../model/gpt';
import { tokenizerToJson } from '../tokenizer/hf-json';
import type { LoraSet } from './lora';
import type { GrowthData } from './stage';

/** A plain GPT whose adapted weights are W + (alpha/r)·A·B, with the same frozen flags; the caller disposes it. */
export function mergedModel(model: GPT, lora: LoraSet): GPT {
  const merged = lora.merged(model);
  const host = model.params.toHost();
  const m = GPT.fromWeights(model.config, model.substrate, model.tokenizerId, (name) => merged.get(name) ?? host[name]);
  m.setFrozen((n) => model.params.isFrozen(n));
  return m;
}

/** Writes the stage's usable model into `dir` (with `training` provenance in its config.json); returns the folder. */
export function exportStageModel(dir: string, model: GPT, lora: LoraSet | null, data: GrowthData, training: Record<string, unknown>): string {
  const m = lora ? mergedModel(model, lora) : model;
  try {
    exportModel(dir, m, { tokenizerJson: tokenizerToJson(data.tokenizer), training, ...(data.substrateFile !== undefined ? { substrateFile: data.substrateFile } : {}) });
  } finally {
    if (m !== model) m.dispose();
  }
  return dir;
}
