// Model folders and training checkpoints in the workspace, on top of engine/io (the same formats the CLI reads):
// a model folder is written beside its final place and renamed in, so a crash never leaves half a model;
// inside a workspace a folder references the shared substrate file (substrates/<id>.safetensors) instead of
// holding a copy, and an export turns it back into a self-contained folder;
// a run's checkpoints follow the engine's one layout (engine/io/checkpoint-folder.ts), the CLI's too.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFile, cp } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  exportModel,
  hasSubstrateCopy,
  loadModel,
  modelFromCheckpoint,
  readCheckpoint,
  readModelMeta,
  readSafetensorsMetadata,
  findCheckpoint,
  SUBSTRATE_FILE,
  substratePathOf,
  substrateReference,
  writeFileAtomic,
} from '../engine/io';
import type { GPT, SubstrateRef } from '../engine/model';
import { tokenizerToJson, type Tokenizer } from '../engine/tokenizer';
import type { TrainerState } from '../engine/train';
import { UserError } from '../common/errors';
import { readJsonCapped } from '../engine/util/read-capped';

/**
 * Saves a trained model folder; replaces `dir`. With `substrateFile` (the workspace's shared copy of the model's
 * substrate) the folder references it; without, it holds its own copy (self-contained).
 */
export function saveModelFolder(
  dir: string,
  model: GPT,
  tokenizer: Tokenizer,
  training: Record<string, unknown> = {},
  substrateFile?: string,
): void {
  // A sibling of `dir`: the relative substrate reference written there stays right after the rename.
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    exportModel(tmp, model, {
      tokenizerJson: tokenizerToJson(tokenizer),
      training,
      ...(substrateFile !== undefined ? { substrateFile } : {}),
    });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Points a model folder at `sharedFile` (the workspace's copy of its substrate; the id in the file's header is
 * checked) and deletes the folder's own copy if it had one; also fixes a reference after the folder moved.
 * config.json is rewritten before the copy goes, so a crash in between leaves a loadable folder.
 */
export function referenceSubstrate(dir: string, sharedFile: string): void {
  const meta = readModelMeta(dir);
  const id = readSafetensorsMetadata(sharedFile)['id'];
  if (id !== meta.substrate.id)
    throw new UserError(
      `${dir}: the model's substrate is ${meta.substrate.id.slice(0, 12)}…, but ${sharedFile} holds ${String(id).slice(0, 12)}…`,
    );
  const had = hasSubstrateCopy(meta);
  const ref = substrateReference(dir, sharedFile);
  if (meta.substrate.file !== ref) {
    const raw = readJsonCapped(join(dir, 'config.json'), 'model config') as { substrate: Record<string, unknown> };
    raw.substrate['file'] = ref;
    writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(raw, null, 2)}\n`);
  }
  if (had) rmSync(join(dir, SUBSTRATE_FILE), { force: true });
}

/**
 * Copies a model folder to `dest` (which must not exist) as a self-contained one: a referenced substrate is
 * copied in as substrate.safetensors and config.json points at it. Asynchronous: exports run beside a server.
 */
export async function copySelfContained(src: string, dest: string): Promise<void> {
  const meta = readModelMeta(src);
  const shared = hasSubstrateCopy(meta) ? null : substratePathOf(src, meta);
  if (shared !== null && !existsSync(shared)) throw new UserError(`${src}: its substrate ${shared} is missing`);
  await cp(src, dest, { recursive: true, errorOnExist: true, force: false });
  if (shared === null) return;
  await copyFile(shared, join(dest, SUBSTRATE_FILE));
  const raw = readJsonCapped(join(dest, 'config.json'), 'model config') as { substrate: Record<string, unknown> };
  raw.substrate['file'] = SUBSTRATE_FILE;
  writeFileAtomic(join(dest, 'config.json'), `${JSON.stringify(raw, null, 2)}\n`);
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

/**
 * Restores a run from `path`: a checkpoint file, or a run folder (the app's or a CLI `train --out` folder, in the
 * shared layout or the app's older one of step files).
 */
export function loadCheckpoint(path: string, substrate: SubstrateRef): Checkpoint {
  const file = existsSync(path) && statSync(path).isDirectory() ? findCheckpoint(path) : path;
  if (file === null) throw new UserError(`${path}: no checkpoint in this run folder`);
  const ck = readCheckpoint(file);
  return { model: modelFromCheckpoint(ck, substrate, file), trainer: ck.trainerState, job: ck.meta.extra };
}
