// Model folders and training checkpoints in the workspace, on top of engine/io (the same formats the CLI reads):
// a model folder is written beside its final place and renamed in, so a crash never leaves half a model;
// checkpoints follow the engine's convention (engine/io/checkpoint.ts): one file per step, the newest few kept.
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { exportModel, loadModel, modelFromCheckpoint, readCheckpoint, saveStepCheckpoint } from '../engine/io';
import type { GPT, SubstrateRef } from '../engine/model';
import { tokenizerToJson, type Tokenizer } from '../engine/tokenizer';
import type { ResolvedTrainOptions, TrainerState } from '../engine/train';

/** Saves a trained model as a self-contained folder (weights, config, tokenizer, substrate copy); replaces `dir`. */
export function saveModelFolder(dir: string, model: GPT, tokenizer: Tokenizer, training: Record<string, unknown> = {}): void {
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    exportModel(tmp, model, { tokenizerJson: tokenizerToJson(tokenizer), training });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Loads the GPT in `dir`; `substrate` (the registered table, same id) saves reading the folder's copy. */
export function loadModelFolder(dir: string, substrate?: SubstrateRef): GPT {
  return loadModel(dir, substrate ? { substrate } : {}).model;
}

export interface Checkpoint {
  model: GPT;
  trainer: TrainerState;
  /** Whatever the job saved beside the trainer (growth stage, …). */
  job: Record<string, unknown>;
}

export { checkpointStep } from '../engine/io';

/** Writes `<root>/step-NNNNNNNNN.safetensors` and keeps only the newest `keep`; returns the path a resume starts from. */
export function saveCheckpoint(root: string, model: GPT, train: ResolvedTrainOptions, state: TrainerState, job: Record<string, unknown> = {}, keep = 2): string {
  return saveStepCheckpoint(root, model, train, state, job, keep);
}

export function loadCheckpoint(path: string, substrate: SubstrateRef): Checkpoint {
  const ck = readCheckpoint(path);
  return { model: modelFromCheckpoint(ck, substrate, path), trainer: ck.trainerState, job: ck.meta.extra };
}
