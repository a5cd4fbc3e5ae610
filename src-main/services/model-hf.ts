// The catalog's "Hugging Face folder" export and import: a model leaves as a transformers ArceeForCausalLM folder
// (its card lists the workspace's growth lineage and eval results) and comes back registered with its substrate.
import { existsSync, rmSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { exportHf, folderGrowth, importHf, MERGE_REFUSAL, type CardEval, type GrowthEntry } from '../engine/hf/index';
import { readModelMeta } from '../engine/io';
import { folderParamReport } from '../engine/io/folder-params';
import { UserError } from '../common/errors';
import { newId } from '../store/index';
import type * as store from '../store/index';
import { requireProject } from './catalog';
import type { ServiceContext } from './context';
import { registerFolderTokenizerAndSubstrate } from './model-registration';
import { assertFolderInside } from '../engine/util/contain';

function folderOf(c: ServiceContext, m: store.Model): string {
  if (!m.folder) throw new UserError(`model "${m.name}" has no folder`);
  const dir = c.ws.paths.fromStored(m.folder);
  if (!existsSync(dir)) throw new UserError(`model "${m.name}": its folder ${dir} is missing`);
  assertFolderInside(c.ws.root, dir, 'the workspace');
  return dir;
}

/** Depth by depth, from the first stage of the model's lineage to the model itself (later records win). */
function lineageGrowth(c: ServiceContext, m: store.Model): GrowthEntry[] {
  const chain: store.Model[] = [];
  for (
    let cur: store.Model | undefined = m;
    cur && chain.length < 1000;
    cur = cur.parentId ? c.ws.models.get(cur.parentId) : undefined
  )
    chain.unshift(cur);
  const byDepth = new Map<number, GrowthEntry>();
  for (const a of chain) {
    if (!a.folder || !existsSync(c.ws.paths.fromStored(a.folder))) continue;
    for (const g of folderGrowth(readModelMeta(c.ws.paths.fromStored(a.folder)))) byDepth.set(g.depth, g);
  }
  return [...byDepth.values()].sort((a, b) => a.depth - b.depth);
}

function workspaceEvals(c: ServiceContext, m: store.Model): CardEval[] {
  const names = new Map(c.ws.datasets.list(m.projectId).map((d) => [d.sha256, d.name]));
  return c.ws.evals.listByModel(m.id).map((e) => ({
    task: e.task,
    protocol: e.protocol,
    metrics: e.metrics,
    ci95: e.ci95,
    n: e.n,
    dataset: names.get(e.datasetSha256) ?? `sha256 ${e.datasetSha256.slice(0, 12)}…`,
    runs: e.runs,
  }));
}

/** Writes `m` into `folder` (which must not exist yet) as a Hugging Face folder. */
export function exportModelHf(c: ServiceContext, m: store.Model, folder: string): void {
  if (m.kind === 'merge')
    throw new UserError(`cannot export the merge "${m.name}" as one Hugging Face model: ${MERGE_REFUSAL}`);
  exportHf(folderOf(c, m), folder, { name: m.name, growth: lineageGrowth(c, m), evals: workspaceEvals(c, m) });
}

/** Imports a Hugging Face folder as a new catalog model of the project, registering its tokenizer and substrate. */
export function importModelHf(
  c: ServiceContext,
  req: { projectId: string; from: string; name?: string | undefined },
): store.Model {
  const { ws } = c;
  requireProject(ws, req.projectId);
  const from = resolve(req.from);
  const id = newId('mdl');
  const dir = ws.paths.modelDir(id);
  const r = importHf(from, dir);
  try {
    const meta = r.meta;
    // The one parameter-count definition (the frozen substrate in the total), as the CLI's import prints it.
    const params = folderParamReport(dir);
    registerFolderTokenizerAndSubstrate(c, dir, meta, 'imported', { importedFrom: from });
    return ws.models.create({
      id,
      projectId: req.projectId,
      kind: 'trained',
      name: req.name?.trim() || basename(from),
      parentId: null,
      depth: r.layers,
      tokenizerId: r.tokenizerId,
      substrateId: r.substrateId,
      config: { ...meta.config },
      provenance: { importedFrom: from, format: 'hf', history: meta.training?.['history'] ?? [], params },
      paramsTotal: params.total,
      paramsTrainable: params.trainable,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
