// Exports a stage as an ordinary model folder ("depth k", engine/io's format): LoRA adapters merged into the
// weights, so generation, evaluation and merging load it with loadModel like any trained model.
import { exportModel } from '../io/model-folder-format';
import { GPT } from '../model/gpt';
import { tokenizerToJson } from '../tokenizer/hf-json';
import type { LoraSet } from './lora';
import type { GrowthData } from './stage';

/** A plain GPT whose adapted weights are W + (alpha/r)·A·B, with the same frozen flags; the caller disposes it. */
export async function mergedModel(model: GPT, lora: LoraSet): Promise<GPT> {
  const merged = await lora.merged(model);
  await model.params.readAll();
  const host = model.params.toHost();
  const m = GPT.fromWeights(model.config, model.substrate, model.tokenizerId, (name) => merged.get(name) ?? host[name]);
  m.setFrozen((n) => model.params.isFrozen(n));
  return m;
}

/** Writes the stage's usable model into `dir` (with `training` provenance in its config.json); returns the folder. */
export async function exportStageModel(
  dir: string,
  model: GPT,
  lora: LoraSet | null,
  data: GrowthData,
  training: Record<string, unknown>,
): Promise<string> {
  const m = lora ? await mergedModel(model, lora) : model;
  try {
    // The folder writer reads the weights synchronously; read them to the host first (WebGPU has no sync read).
    await m.params.readAll();
    exportModel(dir, m, {
      tokenizerJson: tokenizerToJson(data.tokenizer),
      training,
      ...(data.substrateFile !== undefined ? { substrateFile: data.substrateFile } : {}),
    });
  } finally {
    if (m !== model) m.dispose();
  }
  return dir;
}
