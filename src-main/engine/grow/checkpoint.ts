// A growth stage's resumable checkpoint in the engine's one convention (engine/io/checkpoint.ts): the
// stage's notes ride in the JSON state, its LoRA adapters as tensors beside the weights.
import { existsSync } from 'node:fs';
import { modelFromCheckpoint, readCheckpoint, writeCheckpointFile } from '../io/checkpoint';
import type { GPT, SubstrateRef } from '../model/gpt';
import type { ResolvedTrainOptions, TrainerState } from '../train/trainer-options';
import { UserError } from '../../common/errors';
import { LoraSet } from './lora';

export interface StageCheckpoint<Notes> {
  model: GPT;
  lora: LoraSet | null;
  trainer: TrainerState;
  notes: Notes;
}

export function saveStageCheckpoint<Notes>(path: string, c: StageCheckpoint<Notes>, train: ResolvedTrainOptions): void {
  const adapter = c.lora
    ? {
        kind: 'lora' as const,
        rank: c.lora.rank,
        alpha: c.lora.alpha,
        tensors: new Map(Object.entries(c.lora.toHost())),
      }
    : null;
  writeCheckpointFile(path, c.model, train, c.trainer, { growth: { notes: c.notes } }, adapter);
}

export function hasCheckpoint(path: string): boolean {
  return existsSync(path);
}

/** Restores a stage checkpoint onto `substrate` (which must be the one the run trained on). */
export function loadStageCheckpoint<Notes>(path: string, substrate: SubstrateRef): StageCheckpoint<Notes> {
  const ckpt = readCheckpoint(path);
  const growth = ckpt.meta.extra['growth'] as { notes: Notes } | undefined;
  if (!growth)
    throw new UserError(
      `${path}: a training checkpoint, but not one of a growth stage (no "growth" entry); use a new --out folder`,
    );
  const model = modelFromCheckpoint(ckpt, substrate, path);
  const a = ckpt.adapter;
  const lora = a ? LoraSet.fromHost(a.rank, a.alpha, a.tensors) : null;
  return { model, lora, trainer: ckpt.trainerState, notes: growth.notes };
}
