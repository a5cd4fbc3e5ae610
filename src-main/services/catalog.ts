// Workspace lookups every service shares: rows by id (NotFoundError naming what is missing), the files behind
// them as absolute paths, and a catalog model as a ModelSpec the worker can load without the database.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UserError } from '../common/errors';
import { datasetTokens, type Workspace } from '../store/index';
import type * as store from '../store/index';
import { NotFoundError } from '../common/errors';
import type { ModelSpec } from '../lib/model-spec';
import { realInside } from '../engine/util/contain';

/**
 * A file the workspace holds, refused when a link takes it outside the workspace: a copied workspace is untrusted,
 * and `models/<id>/config.json → /proc/self/environ` must not be read, let alone quoted back.
 */
export function workspaceFile(ws: Workspace, file: string, what: string): string {
  return realInside(ws.root, file, what, 'the workspace');
}

/** A stored path: workspace-relative ones are held to the workspace; absolute ones are files the user chose. */
function storedFile(ws: Workspace, stored: string, what: string): string {
  return isAbsolute(stored) ? stored : workspaceFile(ws, ws.paths.fromStored(stored), what);
}

export function requireProject(ws: Workspace, id: string): store.Project {
  const p = ws.projects.get(id);
  if (!p) throw new NotFoundError('project', id);
  return p;
}

export function requireDataset(ws: Workspace, id: string): store.Dataset {
  const d = ws.datasets.get(id);
  if (!d) throw new NotFoundError('dataset', id);
  return d;
}

export function requireModel(ws: Workspace, id: string): store.Model {
  const m = ws.models.get(id);
  if (!m) throw new NotFoundError('model', id);
  return m;
}

export function requireSubstrate(ws: Workspace, id: string): store.SubstrateRecord {
  const s = ws.substrates.get(id);
  if (!s) throw new NotFoundError('substrate', id);
  return s;
}

/** Files the app wrote into the workspace are stored relative (the folder can move); users' files absolute. */
export function storedToAbs(ws: Workspace, stored: string): string {
  return isAbsolute(stored) ? stored : ws.paths.fromStored(stored);
}

/** The extracted UTF-8 text of a dataset (what training and perplexity read). */
export function datasetTextFile(ws: Workspace, d: store.Dataset): string {
  if (d.kind === 'benchmark')
    throw new UserError(
      `"${d.name}" is a benchmark (${d.task}): it evaluates models and is never training text; choose a text dataset`,
    );
  if (!d.textPath) throw new UserError(`dataset "${d.name}" has no extracted text in the workspace; import it again`);
  const file = ws.paths.fromStored(d.textPath);
  if (!existsSync(file))
    throw new UserError(`dataset "${d.name}": its extracted text ${file} is missing; import it again`);
  return workspaceFile(ws, file, 'dataset text');
}

/** The dataset's original file (what the MMLU/SQuAD/parallel loaders read). */
export function datasetSourceFile(ws: Workspace, d: store.Dataset): string {
  const file = storedToAbs(ws, d.sourcePath);
  if (!existsSync(file))
    throw new UserError(
      `dataset "${d.name}": its source file ${file} is gone (moved or deleted); import it again from its new place`,
    );
  return storedFile(ws, d.sourcePath, 'dataset file');
}

export function substrateFile(ws: Workspace, s: store.SubstrateRecord): string {
  return storedFile(ws, s.file, 'substrate file');
}

export function tokenizerFile(ws: Workspace, tokenizerId: string): string {
  const t = ws.tokenizers.get(tokenizerId);
  if (!t) throw new NotFoundError('tokenizer', tokenizerId);
  return storedFile(ws, t.file, 'tokenizer file');
}

/** Picks "name", else "name (2)", "name (3)", … among the project's datasets. */
export function uniqueDatasetName(ws: Workspace, projectId: string, base: string): string {
  const taken = new Set(ws.datasets.list(projectId).map((d) => d.name));
  const clean = base.trim().slice(0, 280) || 'dataset';
  if (!taken.has(clean)) return clean;
  for (let i = 2; ; i++) if (!taken.has(`${clean} (${i})`)) return `${clean} (${i})`;
}

/** A catalog model as a loadable recipe; merges expand to their experts (recursively, cycles refused). */
export function specFor(ws: Workspace, modelId: string, seen: ReadonlySet<string> = new Set()): ModelSpec {
  if (seen.has(modelId)) throw new UserError(`merged model ${modelId} contains itself`);
  const m = requireModel(ws, modelId);
  if (m.kind === 'merge') {
    const experts = m.experts.map((e) => specFor(ws, e.modelId, new Set([...seen, modelId])));
    const mode = m.config['mode'];
    return {
      kind: 'merge',
      id: m.id,
      name: m.name,
      mode: mode === 'weighted' || mode === 'probs' || mode === 'confidence' ? mode : 'logits',
      weights: m.experts.map((e) => e.weight),
      experts,
      tokenizerFile: experts[0]!.tokenizerFile,
      ...tunedHeadsFile(ws, m),
    };
  }
  if (!m.folder) throw new UserError(`model "${m.name}" has no folder`);
  const dir = workspaceFile(ws, ws.paths.fromStored(m.folder), 'model folder');
  for (const [f, what] of [
    ['model.safetensors', 'weights file'],
    ['config.json', 'model config'],
    ['tokenizer.json', 'tokenizer file'],
  ] as const)
    workspaceFile(ws, join(dir, f), what);
  if (!existsSync(join(dir, 'model.safetensors')))
    throw new UserError(`model "${m.name}": its weights ${join(dir, 'model.safetensors')} are missing`);
  if (!m.substrateId) throw new UserError(`model "${m.name}" records no substrate; it cannot be loaded`);
  return {
    kind: 'gpt',
    id: m.id,
    name: m.name,
    dir,
    substrateFile: substrateFile(ws, requireSubstrate(ws, m.substrateId)),
    tokenizerFile: join(dir, 'tokenizer.json'),
  };
}

/** A merge's tuned heads: config.heads.file, a workspace path the 'merge-tune' job wrote (MergeService). */
function tunedHeadsFile(ws: Workspace, m: store.Model): { headsFile?: string } {
  const heads = m.config['heads'];
  const file = heads && typeof heads === 'object' ? (heads as { file?: unknown }).file : undefined;
  return typeof file === 'string'
    ? { headsFile: workspaceFile(ws, ws.paths.fromStored(file), 'tuned heads file') }
    : {};
}

/** Uploaded files live in datasets/uploads/<datasetId>/; removed with the dataset. */
export function uploadDir(ws: Workspace, datasetId: string): string {
  return join(ws.paths.datasetsDir, 'uploads', datasetId);
}

/** Each dataset's token counts under every tokenizer that counted it (tokenizers' metadata), oldest tokenizer first. */
export function tokenCountsByDataset(
  ws: Workspace,
): Map<string, { tokenizerId: string; tokenizerName: string; tokens: number }[]> {
  const out = new Map<string, { tokenizerId: string; tokenizerName: string; tokens: number }[]>();
  for (const t of ws.tokenizers.list()) {
    const name = `${t.name} · ${t.vocabSize.toLocaleString('en')} tokens · ${t.id.slice(0, 8)}`;
    for (const [id, tokens] of Object.entries(datasetTokens(t)))
      out.set(id, [...(out.get(id) ?? []), { tokenizerId: t.id, tokenizerName: name, tokens }]);
  }
  return out;
}
