// A growth stage's resumable checkpoint: the engine's training checkpoint (engine/io, one atomic safetensors
// file) whose `extra` carries the stage's notes and its LoRA adapters (float32 bytes, base64: exact and small).
import { existsSync } from 'node:fs';
import { modelFromCheckpoint, readCheckpoint, saveCheckpoint } from '../io/checkpoint';
import type { GPT, SubstrateRef } from '../model/gpt';
import type { HostTensor } from '../model/init';
import type { ResolvedTrainOptions, TrainerState } from '../train/trainer';
import { UserError } from '../util/errors';
import { LoraSet } from './lora';

export interface StageCheckpoint<Notes> {
  model: GPT;
  lora: LoraSet | null;
  trainer: TrainerState;
  notes: Notes;
}

interface GrowthExtra<Notes> {
  notes: Notes;
  lora: { rank: number; alpha: number; tensors: Record<string, { shape: number[]; base64: string }> } | null;
}

function encode(t: HostTensor): { shape: number[]; base64: string } {
  return { shape: t.shape, base64: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') };
}

function decode(e: { shape: number[]; base64: string }): HostTensor {
  const bytes = Buffer.from(e.base64, 'base64');
  // Copy into a fresh buffer: Buffer memory may be pooled and unaligned for a Float32Array view.
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { shape: e.shape, data };
}

export function saveStageCheckpoint<Notes>(path: string, c: StageCheckpoint<Notes>, train: ResolvedTrainOptions): void {
  const lora = c.lora ? { rank: c.lora.rank, alpha: c.lora.alpha, tensors: Object.fromEntries(Object.entries(c.lora.toHost()).map(([k, t]) => [k, encode(t)])) } : null;
  const growth: GrowthExtra<Notes> = { notes: c.notes, lora };
  saveCheckpoint(path, c.model, train, c.trainer, { growth });
}

export function hasCheckpoint(path: string): boolean {
  return existsSync(path);
}

/** Restores a stage checkpoint onto `substrate` (which must be the one the run trained on). */
export function loadStageCheckpoint<Notes>(path: string, substrate: SubstrateRef): StageCheckpoint<Notes> {
  const ckpt = readCheckpoint(path);
  const growth = ckpt.meta.extra['growth'] as GrowthExtra<Notes> | undefined;
  if (!growth) throw new UserError(`${path}: a training checkpoint, but not one of a growth stage (no "growth" entry); use a new --out folder`);
  const model = modelFromCheckpoint(ckpt, substrate, path);
  const lora = growth.lora ? LoraSet.fromHost(growth.lora.rank, growth.lora.alpha, new Map(Object.entries(growth.lora.tensors).map(([k, e]) => [k, decode(e)]))) : null;
  return { model, lora, trainer: ckpt.trainerState, notes: growth.notes };
}
