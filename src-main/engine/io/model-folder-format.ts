// Model folders: model.safetensors (stable names), config.json, tokenizer.json and the substrate — a copy in
// substrate.safetensors (self-contained, what exports are) or a relative reference to a shared substrate file
// (how a workspace stores each substrate once). config.json's substrate.file says which; loading follows either.
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { configFromJson, type ModelConfig } from '../model/config';
import { GPT, type SubstrateRef } from '../model/gpt';
import { loadSubstrate, saveSubstrate, type Substrate } from '../substrate/index';
import { UserError } from '../../common/errors';
import { parseWith } from '../util/schema';
import { writeFileAtomic } from '../util/atomic';
import { withSafetensors, writeSafetensorsStream, type TensorSource } from '../util/safetensors';
import { readJsonCapped } from '../util/read-capped';

export const MODEL_FORMAT = 'espalier-model';
export const MODEL_VERSION = 1;
export const SUBSTRATE_FILE = 'substrate.safetensors';

export interface ModelFolderMeta {
  format: typeof MODEL_FORMAT;
  version: number;
  config: ModelConfig;
  substrate: { id: string; kind?: string; dim: number; vocabSize: number; file: string };
  tokenizerId: string;
  /** Parameter names that were frozen when exported (growth stages record their frozen tiers). */
  frozen: string[];
  /** Free-form provenance: data files, steps, losses. */
  training?: Record<string, unknown>;
  createdAt: string;
}

export interface ExportOptions {
  /** The tokenizer.json text the model was trained with (its id must be the model's tokenizerId). */
  tokenizerJson: string;
  training?: Record<string, unknown>;
  /**
   * An existing file holding the model's substrate (same id) to reference instead of writing a copy; the folder
   * records it relative to itself, so it must keep its place beside that file (a workspace's layout does).
   */
  substrateFile?: string;
}

/** Whether the folder's substrate is its own copy (self-contained) or a reference to a shared file. */
export function hasSubstrateCopy(meta: ModelFolderMeta): boolean {
  return !meta.substrate.file || meta.substrate.file === SUBSTRATE_FILE;
}

/** The substrate file a folder's config.json points at (its copy, or the shared file it references). */
export function substratePathOf(dir: string, meta: ModelFolderMeta): string {
  return join(dir, ...(meta.substrate.file || SUBSTRATE_FILE).split('/'));
}

/** config.json's substrate.file for a shared file: relative to the folder, with forward slashes. */
export function substrateReference(dir: string, file: string): string {
  return relative(dir, file).split(sep).join('/');
}

/** Writes the folder; each file atomically, config.json last (a folder without it is incomplete). */
export function exportModel(dir: string, model: GPT, opts: ExportOptions): ModelFolderMeta {
  const sub = model.substrate;
  if (!sub.meta)
    throw new UserError(
      `export ${dir}: the model's substrate ${sub.id.slice(0, 12)}… has no metadata to save; load it with loadSubstrate`,
    );
  return writeModelFolder(dir, {
    config: model.config,
    tensors: {},
    sources: Object.fromEntries(
      model.params.list().map((e) => [
        e.name,
        {
          dtype: 'F32',
          shape: [...e.variable.shape],
          data: () => e.variable.dataSync() as Float32Array,
        } satisfies TensorSource,
      ]),
    ),
    substrate: sub as Substrate,
    tokenizerId: model.tokenizerId,
    frozen: model.params
      .list()
      .filter((e) => e.frozen)
      .map((e) => e.name),
    ...opts,
  });
}

export interface HostModelFolder extends ExportOptions {
  config: ModelConfig;
  /** Every parameter by stable name. */
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
  /** Instead of `tensors`: parameters produced one at a time as the writer reaches them (bounded memory). */
  sources?: Record<string, TensorSource>;
  substrate: Substrate;
  tokenizerId: string;
  frozen: string[];
}

/** The same folder from host arrays (no tfjs): for converters such as the Hugging Face import. */
export function writeModelFolder(dir: string, m: HostModelFolder): ModelFolderMeta {
  const sub = m.substrate;
  mkdirSync(dir, { recursive: true });
  const sources =
    m.sources ??
    Object.fromEntries(
      Object.entries(m.tensors).map(([n, t]) => [
        n,
        { dtype: 'F32', shape: t.shape, data: t.data } satisfies TensorSource,
      ]),
    );
  writeSafetensorsStream(join(dir, 'model.safetensors'), sources, { format: MODEL_FORMAT });
  let file = SUBSTRATE_FILE;
  if (m.substrateFile !== undefined) {
    if (!existsSync(m.substrateFile))
      throw new UserError(`${dir}: the shared substrate file ${m.substrateFile} does not exist`);
    file = substrateReference(dir, m.substrateFile);
  } else saveSubstrate(join(dir, SUBSTRATE_FILE), sub);
  writeFileAtomic(join(dir, 'tokenizer.json'), m.tokenizerJson);
  const meta: ModelFolderMeta = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    config: m.config,
    substrate: { id: sub.id, kind: sub.meta.kind, dim: sub.dim, vocabSize: sub.vocabSize, file },
    tokenizerId: m.tokenizerId,
    frozen: m.frozen,
    ...(m.training ? { training: m.training } : {}),
    createdAt: new Date().toISOString(),
  };
  writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** config.json's shape; "config" is checked by configFromJson (types, then values and defaults). */
const MetaJson = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.number().int().max(MODEL_VERSION, `is newer than this Espalier reads (${MODEL_VERSION})`),
    config: z.unknown(),
    substrate: z.object({
      id: z.string().min(1),
      kind: z.string().optional(),
      dim: z.number(),
      vocabSize: z.number(),
      file: z.string(),
    }),
    tokenizerId: z.string().min(1),
    frozen: z.array(z.string()).default([]),
    training: z.record(z.string(), z.unknown()).optional(),
    createdAt: z.string().default(''),
  })
  .loose();

export function readModelMeta(dir: string): ModelFolderMeta {
  const path = join(dir, 'config.json');
  if (!existsSync(path))
    throw new UserError(`${dir}: not a model folder (no config.json); export one with \`espalier train --out DIR\``);
  const raw = readJsonCapped(path, 'model config');
  const parsed = parseWith(MetaJson, raw, path);
  const meta: ModelFolderMeta = { ...parsed, config: configFromJson(parsed.config, `${path} "config"`) };
  return meta;
}

export interface LoadedModel {
  model: GPT;
  meta: ModelFolderMeta;
  /** Path of the folder's tokenizer.json. */
  tokenizerPath: string;
}

/** Loads a model folder; `substrate` overrides the folder's copy (it must have the recorded id). */
export function loadModel(dir: string, opts: { substrate?: SubstrateRef } = {}): LoadedModel {
  const meta = readModelMeta(dir);
  const substrate = opts.substrate ?? loadFolderSubstrate(dir, meta);
  if (substrate.id !== meta.substrate.id) {
    throw new UserError(
      `${dir}: the model needs substrate ${meta.substrate.id.slice(0, 12)}…, but ${substrate.id.slice(0, 12)}… was given`,
    );
  }
  // Each tensor is read by offset when the model asks for it: the file is never in memory whole.
  const model = withSafetensors(join(dir, 'model.safetensors'), (file) =>
    GPT.fromWeights(
      meta.config,
      substrate,
      meta.tokenizerId,
      (name) => {
        const t = file.read(name);
        return t && t.data instanceof Float32Array ? { shape: t.shape, data: t.data } : undefined;
      },
      join(dir, 'model.safetensors'),
    ),
  );
  const frozen = new Set(meta.frozen);
  model.setFrozen((n) => frozen.has(n));
  return { model, meta, tokenizerPath: join(dir, 'tokenizer.json') };
}

/** Reads the folder's substrate; a missing shared file says how to get a self-contained folder. */
export function loadFolderSubstrate(dir: string, meta: ModelFolderMeta): Substrate {
  const file = substratePathOf(dir, meta);
  if (!existsSync(file)) {
    if (hasSubstrateCopy(meta)) throw new UserError(`${dir}: the model's substrate copy ${SUBSTRATE_FILE} is missing`);
    throw new UserError(
      `${dir}: the model references the shared substrate ${meta.substrate.file}, which is not there (the folder was moved out of its workspace); export the model from the app or pass --substrate FILE`,
    );
  }
  return loadSubstrate(file);
}
