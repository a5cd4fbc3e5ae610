// The one checkpoint convention: one safetensors file (written atomically, streamed tensor by tensor, any size)
// holding every tensor (weights under their stable names, AdamW moments, adapters) and, as JSON metadata, all
// other state a resume needs to continue bit-for-bit. One reader for every version written so far (see upgradeV1).
import { existsSync } from 'node:fs';
import { configFromJson, type ModelConfig } from '../model/config';
import { GPT, type SubstrateRef } from '../model/gpt';
import type { HostTensor } from '../model/init';
import type { ResolvedTrainOptions, TrainerState } from '../train/trainer-options';
import { UserError } from '../../common/errors';
import { readSafetensors, writeSafetensorsStream, type NamedTensor, type TensorSource } from '../util/safetensors';

export const CHECKPOINT_FORMAT = 'espalier-checkpoint';
/** 2: adapters as tensors (version 1 kept a growth stage's LoRA weights as base64 inside the JSON). */
export const CHECKPOINT_VERSION = 2;
const M_PREFIX = 'optimizer.m.';
const V_PREFIX = 'optimizer.v.';
const ADAPTER_PREFIX = 'adapter.';

/** Trainable adapters saved beside the model (LoRA: `blocks.0.attn.wq.lora_a` / `.lora_b` tensors). */
export interface AdapterSnapshot {
  kind: 'lora';
  rank: number;
  alpha: number;
  tensors: Map<string, HostTensor>;
}

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
  /** The adapters' kind and shape parameters (their tensors are in the file); null without adapters. */
  adapter?: { kind: 'lora'; rank: number; alpha: number } | null;
  /** Anything the caller wants restored with the run (data files and their hashes, for example). */
  extra: Record<string, unknown>;
  savedAt: string;
}

export interface Checkpoint {
  meta: CheckpointMeta;
  weights: Map<string, HostTensor>;
  adapter: AdapterSnapshot | null;
  trainerState: TrainerState;
}

/**
 * Writes model + trainer state (+ adapters) to the one file `path` (temp file, fsync, rename). Training runs call
 * saveFolderCheckpoint (checkpoint-folder.ts), which puts the file where every resume looks for it.
 */
export function writeCheckpointFile(
  path: string,
  model: GPT,
  train: ResolvedTrainOptions,
  state: TrainerState,
  extra: Record<string, unknown> = {},
  adapter: AdapterSnapshot | null = null,
): void {
  // Weights are read off the backend one at a time as the writer reaches them: no second copy of the model.
  const tensors: Record<string, TensorSource> = {};
  for (const e of model.params.list())
    tensors[e.name] = { dtype: 'F32', shape: [...e.variable.shape], data: () => e.variable.dataSync() as Float32Array };
  const host = (t: HostTensor): TensorSource => ({ dtype: 'F32', shape: t.shape, data: t.data });
  for (const [k, t] of Object.entries(state.optimizer.m)) tensors[M_PREFIX + k] = host(t);
  for (const [k, t] of Object.entries(state.optimizer.v)) tensors[V_PREFIX + k] = host(t);
  for (const [k, t] of adapter?.tensors ?? []) tensors[ADAPTER_PREFIX + k] = host(t);
  const { optimizer, ...rest } = state;
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: state.step,
    config: model.config,
    frozen: model.params
      .list()
      .filter((e) => e.frozen)
      .map((e) => e.name),
    substrate: {
      id: model.substrate.id,
      dim: model.substrate.dim,
      vocabSize: model.substrate.vocabSize,
      kind: model.substrate.meta?.kind,
    },
    tokenizerId: model.tokenizerId,
    train,
    trainer: { ...rest, optimizerSteps: optimizer.t },
    adapter: adapter ? { kind: adapter.kind, rank: adapter.rank, alpha: adapter.alpha } : null,
    extra,
    savedAt: new Date().toISOString(),
  };
  writeSafetensorsStream(path, tensors, { format: CHECKPOINT_FORMAT, meta: JSON.stringify(meta) });
}

function host(t: NamedTensor, name: string, path: string): HostTensor {
  if (!(t.data instanceof Float32Array)) throw new UserError(`${path}: tensor "${name}" is ${t.dtype}, expected F32`);
  return { shape: t.shape, data: t.data };
}

export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path))
    throw new UserError(`${path}: no checkpoint here (train with --out first, or give the checkpoint file)`);
  const file = readSafetensors(path);
  if (file.metadata['format'] !== CHECKPOINT_FORMAT)
    throw new UserError(
      `${path}: not an Espalier checkpoint (metadata "format" is ${file.metadata['format'] ?? 'missing'})`,
    );
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(file.metadata['meta'] ?? '') as CheckpointMeta;
  } catch {
    throw new UserError(`${path}: the checkpoint's "meta" metadata is not JSON`);
  }
  if (meta.version > CHECKPOINT_VERSION)
    throw new UserError(
      `${path}: checkpoint version ${meta.version} is newer than this Espalier reads (${CHECKPOINT_VERSION}); upgrade Espalier`,
    );
  meta.config = configFromJson(meta.config, `${path} (config)`);
  const weights = new Map<string, HostTensor>();
  const adapterTensors = new Map<string, HostTensor>();
  const m: Record<string, HostTensor> = {};
  const v: Record<string, HostTensor> = {};
  for (const [name, t] of file.tensors) {
    if (name.startsWith(M_PREFIX)) m[name.slice(M_PREFIX.length)] = host(t, name, path);
    else if (name.startsWith(V_PREFIX)) v[name.slice(V_PREFIX.length)] = host(t, name, path);
    else if (name.startsWith(ADAPTER_PREFIX))
      adapterTensors.set(name.slice(ADAPTER_PREFIX.length), host(t, name, path));
    else weights.set(name, host(t, name, path));
  }
  const adapter =
    meta.version < 2 ? upgradeV1(meta) : meta.adapter ? { ...meta.adapter, tensors: adapterTensors } : null;
  const { optimizerSteps, ...rest } = meta.trainer;
  return { meta, weights, adapter, trainerState: { ...rest, optimizer: { t: optimizerSteps, m, v } } };
}

interface V1Lora {
  rank: number;
  alpha: number;
  tensors: Record<string, { shape: number[]; base64: string }>;
}

/** Version 1 kept a growth stage's LoRA weights as base64 float32 in extra.growth.lora; move them out. */
function upgradeV1(meta: CheckpointMeta): AdapterSnapshot | null {
  const growth = meta.extra['growth'] as { lora?: V1Lora | null } | undefined;
  const lora = growth?.lora;
  if (growth) delete growth.lora;
  if (!lora) return null;
  const tensors = new Map<string, HostTensor>();
  for (const [name, e] of Object.entries(lora.tensors)) {
    const bytes = Buffer.from(e.base64, 'base64');
    // Copy into a fresh buffer: Buffer memory may be pooled and unaligned for a Float32Array view.
    const data = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(data.buffer).set(bytes);
    tensors.set(name, { shape: e.shape, data });
  }
  return { kind: 'lora', rank: lora.rank, alpha: lora.alpha, tensors };
}

/** Rebuilds the model a checkpoint holds, with its frozen flags, on the given substrate. */
export function modelFromCheckpoint(ckpt: Checkpoint, substrate: SubstrateRef, source: string): GPT {
  if (substrate.id !== ckpt.meta.substrate.id) {
    throw new UserError(
      `${source}: the checkpoint was trained on substrate ${ckpt.meta.substrate.id.slice(0, 12)}…, not ${substrate.id.slice(0, 12)}…; give the same --substrate`,
    );
  }
  const model = GPT.fromWeights(ckpt.meta.config, substrate, ckpt.meta.tokenizerId, (n) => ckpt.weights.get(n), source);
  const frozen = new Set(ckpt.meta.frozen);
  model.setFrozen((n) => frozen.has(n));
  return model;
}
