// Registers a self-contained model folder (model.safetensors, config.json, tokenizer.json, substrate.safetensors)
// as a catalog model: its tokenizer and substrate join the workspace when new, the folder is copied to
// models/<id>/. The Hugging Face import and finished study arms both come in this way.
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readModelMeta, readSafetensors, SUBSTRATE_FILE, type ModelFolderMeta } from '../engine/io';
import { referenceSubstrate } from '../lib/workspace-model-folders';
import { newId } from '../store/index';
import type * as store from '../store/index';
import { requireProject } from './catalog';
import type { ServiceContext } from './context';

/**
 * Copies the folder's tokenizer and substrate into the workspace and registers them, unless already there.
 * `label` starts the tokenizer's name ("imported · 3000 tokens"); `origin` goes into both records' metadata.
 */
export function registerFolderTokenizerAndSubstrate(
  c: ServiceContext,
  dir: string,
  meta: ModelFolderMeta,
  label: string,
  origin: Record<string, unknown>,
): void {
  const { ws } = c;
  const tokFile = ws.paths.tokenizerFile(meta.tokenizerId);
  if (!existsSync(tokFile)) {
    mkdirSync(ws.paths.tokenizersDir, { recursive: true });
    copyFileSync(join(dir, 'tokenizer.json'), tokFile);
  }
  const subFile = ws.paths.substrateFile(meta.substrate.id);
  if (!existsSync(subFile)) {
    mkdirSync(ws.paths.substratesDir, { recursive: true });
    copyFileSync(join(dir, meta.substrate.file || SUBSTRATE_FILE), subFile);
  }
  // One copy per workspace: the model folder references the shared file from now on.
  referenceSubstrate(dir, subFile);
  const vocabSize = meta.config.vocabSize;
  ws.transaction(() => {
    if (!ws.tokenizers.get(meta.tokenizerId)) {
      ws.tokenizers.register({
        id: meta.tokenizerId,
        name: `${label} · ${vocabSize} tokens`,
        kind: 'unicode-ngram',
        vocabSize,
        file: ws.paths.toStored(tokFile),
        metadata: origin,
      });
    }
    if (!ws.substrates.get(meta.substrate.id)) {
      const kind = meta.substrate.kind ?? 'imported';
      ws.substrates.register({
        id: meta.substrate.id,
        tokenizerId: meta.tokenizerId,
        name: `${kind} ${meta.substrate.dim}d · ${vocabSize} tokens`,
        kind,
        dim: meta.substrate.dim,
        file: ws.paths.toStored(subFile),
        metadata: { vocabSize, ...origin },
      });
    }
  });
}

/** The paper's counts from the folder alone: every stored tensor, plus the frozen substrate table when frozen. */
export function folderParamCounts(dir: string, meta: ModelFolderMeta): { total: number; trainable: number } {
  const frozen = new Set(meta.frozen);
  let total = meta.config.embedding === 'frozen' ? meta.substrate.vocabSize * meta.substrate.dim : 0;
  let trainable = 0;
  for (const [name, t] of readSafetensors(join(dir, 'model.safetensors')).tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    total += n;
    if (!frozen.has(name)) trainable += n;
  }
  return { total, trainable };
}

export interface FolderModel {
  projectId: string;
  /** The folder to copy (left as it is). */
  from: string;
  name: string;
  kind: 'trained' | 'stage';
  /** Starts the name of a tokenizer registered with it ("study · 1200 tokens"). */
  label: string;
  parentId?: string | null;
  provenance: Record<string, unknown>;
}

/** Copies `from` into models/<new id>/ and registers it (tokenizer and substrate too); nothing is left on failure. */
export function registerModelFolder(c: ServiceContext, m: FolderModel): store.Model {
  const { ws } = c;
  requireProject(ws, m.projectId);
  const id = newId('mdl');
  const dir = ws.paths.modelDir(id);
  try {
    // Resume checkpoints are the runner's, not the model's.
    cpSync(m.from, dir, { recursive: true, filter: (src) => !/checkpoint/i.test(src.slice(m.from.length)) });
    const meta = readModelMeta(dir);
    registerFolderTokenizerAndSubstrate(c, dir, meta, m.label, { from: m.from });
    const counts = folderParamCounts(dir, meta);
    return ws.models.create({
      id,
      projectId: m.projectId,
      kind: m.kind,
      name: m.name,
      parentId: m.parentId ?? null,
      depth: meta.config.layers,
      tokenizerId: meta.tokenizerId,
      substrateId: meta.substrate.id,
      config: { ...meta.config },
      provenance: m.provenance,
      paramsTotal: counts.total,
      paramsTrainable: counts.trainable,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
