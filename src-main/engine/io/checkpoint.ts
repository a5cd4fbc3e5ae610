// Training checkpoints: one safetensors file (written atomically) holding the weights under their stable
// names, the AdamW moments, and as metadata everything else a resume needs to continue bit-for-bit.
import { existsSync } from 'node:fs';
import { configFromJson, type ModelConfig } from '../model/config';
import { GPT, type SubstrateRef } from '../model/gpt';
import type { HostTensor } from '../model/init';
import type { ResolvedTrainOptions, TrainerState } from '../train/trainer';
import { UserError } from '../util/errors';
import { readSafetensors, writeSafetensors, type NamedTensor } from './safetensors';

export const CHECKPOINT_FORMAT = 'espalier-checkpoint';
export const CHECKPOINT_VERSION = 1;
const M_PREFIX = 'optimizer.m.';
const V_PREFIX = 'optimizer.v.';

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  step: number;
  config: ModelConfig;
  /** Names of the frozen parameters. */
  frozen: string[];
  substrate: { id: string; dim: number; vocabSize: number; kind?: string };
  tokenizerId: string;
  train: ResolvedTrainOptions;
  trainer: Omit<TrainerState, 'optimizer'> & { optimizerSteps: number };
  /** Anything the caller wants restored with the run (data files and their hashes, for example). */
  extra: Record<string, unknown>;
  savedAt: string;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  weights: Map<string, HostTensor>;
  trainerState: TrainerState;
}

/** Writes model + trainer state to `path` (temp file, fsync, rename). */
export function saveCheckpoint(path: string, model: GPT, train: ResolvedTrainOptions, state: TrainerState, extra: Record<string, unknown> = {}): void {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = { ...model.params.toHost() };
  for (const [k, t] of Object.entries(state.optimizer.m)) tensors[M_PREFIX + k] = t;
  for (const [k, t] of Object.entries(state.optimizer.v)) tensors[V_PREFIX + k] = t;
  const { optimizer, ...rest } = state;
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: state.step,
    config: model.config,
    frozen: model.params.list().filter((e) => e.frozen).map((e) => e.name),
    substrate: { id: model.substrate.id, dim: model.substrate.dim, vocabSize: model.substrate.vocabSize, kind: model.substrate.meta?.kind },
    tokenizerId: model.tokenizerId,
    train,
    trainer: { ...rest, optimizerSteps: optimizer.t },
    extra,
    savedAt: new Date().toISOString(),
  };
  writeSafetensors(path, tensors, { format: CHECKPOINT_FORMAT, meta: JSON.stringify(meta) });
}

function host(t: NamedTensor, name: string, path: string): HostTensor {
  if (!(t.data instanceof Float32Array)) throw new UserError(`${path}: tensor "${name}" is ${t.dtype}, expected F32`);
  return { shape: t.shape, data: t.data };
}

export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new UserError(`${path}: no checkpoint here (train with --out first, or give the checkpoint file)`);
  const file = readSafetensors(path);
  if (file.metadata['format'] !== CHECKPOINT_FORMAT) throw new UserError(`${path}: not an Espalier checkpoint (metadata "format" is ${file.metadata['format'] ?? 'missing'})`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(file.metadata['meta'] ?? '') as CheckpointMeta;
  } catch {
    throw new UserError(`${path}: the checkpoint's "meta" metadata is not JSON`);
  }
  if (meta.version > CHECKPOINT_VERSION) throw new UserError(`${path}: checkpoint version ${meta.version} is newer than this Espalier reads (${CHECKPOINT_VERSION}); upgrade Espalier`);
  meta.config = configFromJson(meta.config, `${path} (config)`);
  const weights = new Map<string, HostTensor>();
  const m: Record<string, HostTensor> = {};
  const v: Record<string, HostTensor> = {};
  for (const [name, t] of file.tensors) {
    if (name.startsWith(M_PREFIX)) m[name.slice(M_PREFIX.length)] = host(t, name, path);
    else if (name.startsWith(V_PREFIX)) v[name.slice(V_PREFIX.length)] = host(t, name, path);
    else weights.set(name, host(t, name, path));
  }
  const { optimizerSteps, ...rest } = meta.trainer;
  return { meta, weights, trainerState: { ...rest, optimizer: { t: optimizerSteps, m, v } } };
}

/** Rebuilds the model a checkpoint holds, with its frozen flags, on the given substrate. */
export function modelFromCheckpoint(ckpt: Checkpoint, substrate: SubstrateRef, source: string): GPT {
  if (substrate.id !== ckpt.meta.substrate.id) {
    throw new UserError(`${source}: the checkpoint was trained on substrate ${ckpt.meta.substrate.id.slice(0, 12)}…, not ${substrate.id.slice(0, 12)}…; give the same --substrate`);
  }
  const model = GPT.fromWeights(ckpt.meta.config, substrate, ckpt.meta.tokenizerId, (n) => ckpt.weights.get(n), source);
  const frozen = new Set(ckpt.meta.frozen);
  model.setFrozen((n) => frozen.has(n));
  return model;
}
