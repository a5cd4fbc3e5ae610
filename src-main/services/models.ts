// The model catalog: trained models, growth stages and merges — list, rename, delete, export to a folder the CLI
// can load (a merge exports as merge.json plus its experts' folders) or to a Hugging Face folder, and import one.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DiskUsage, ModelFolderFormat } from '../../src-shared/contract';
import type { ModelEntry } from '../../src-shared/domain';
import { UserError } from '../common/errors';
import { diskBytes } from '../store/index';
import type * as store from '../store/index';
import { requireModel, requireProject, substrateFile } from './catalog';
import type { ServiceContext } from './context';
import { modelDto, substrateDto } from './dto';
import { copySelfContained } from '../lib/workspace-model-folders';
import { exportModelHf, importModelHf } from './model-hf';
import { assertFolderInside } from '../engine/util/contain';

function slug(name: string): string {
  return (
    name
      .trim()
      .replace(/[^\p{L}\p{N}._-]+/gu, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 80) || 'model'
  );
}

export class ModelsService {
  /** Called after a model disappears or changes, so caches holding its weights let go. */
  onChanged: (modelId: string) => void = () => undefined;

  constructor(private readonly c: ServiceContext) {}

  dto(m: store.Model): ModelEntry {
    const runId = typeof m.provenance['runId'] === 'string' ? m.provenance['runId'] : null;
    return modelDto(m, runId && this.c.ws.runs.get(runId) ? runId : null);
  }

  list(req: { projectId: string }): ModelEntry[] {
    requireProject(this.c.ws, req.projectId);
    return this.c.ws.models.list(req.projectId).map((m) => this.dto(m));
  }

  rename(req: { id: string; name: string }): ModelEntry {
    const m = requireModel(this.c.ws, req.id);
    const out = this.dto(this.c.ws.models.update(req.id, { name: req.name }));
    this.c.bus.emit('models.changed', { projectId: m.projectId });
    return out;
  }

  /** Frees what nothing else references: the model's folder, and its substrate when it was the last user. */
  delete(req: { id: string }): { ok: true; freedBytes: number; substrateFreed: boolean } {
    const m = requireModel(this.c.ws, req.id);
    // Refuses (a UserError naming them) while merges use the model.
    const freed = this.c.ws.removeModel(req.id) ?? { freedBytes: 0, substrateFreed: false };
    this.onChanged(req.id);
    this.c.bus.emit('models.changed', { projectId: m.projectId });
    return { ok: true, ...freed };
  }

  /** Each model's own files, the substrates they use (once each, however many models share them), the workspace. */
  disk(req: { projectId: string }): DiskUsage {
    const { ws } = this.c;
    requireProject(ws, req.projectId);
    const models: Record<string, number> = {};
    const used = new Set<string>();
    for (const m of ws.models.list(req.projectId)) {
      const dirs = [
        ...(m.folder ? [ws.paths.fromStored(m.folder)] : []),
        ...(m.kind === 'merge' ? [ws.paths.modelDir(m.id)] : []),
      ];
      models[m.id] = dirs.reduce((n, d) => n + diskBytes(d), 0);
      if (m.substrateId && m.kind !== 'merge') used.add(m.substrateId);
    }
    const substrates = [...used].flatMap((id) => {
      const s = ws.substrates.get(id);
      return s
        ? [
            {
              id,
              name: substrateDto(s, req.projectId).name,
              bytes: diskBytes(substrateFile(ws, s)),
              ...ws.substrates.references(id),
            },
          ]
        : [];
    });
    const projectBytes = Object.values(models).reduce((a, b) => a + b, 0) + substrates.reduce((a, s) => a + s.bytes, 0);
    return { models, substrates, projectBytes, workspaceBytes: diskBytes(ws.root) };
  }

  /**
   * Writes the model into a new folder under `dest` (created when missing; confined to the workspace's export
   * folder for browser clients), copied or as a Hugging Face folder; returns that folder. Copies run on the
   * thread pool, never blocking the event loop that serves other clients.
   */
  async export(req: { id: string; dest: string; format?: ModelFolderFormat }): Promise<{ folder: string }> {
    // Validated (and created level by level) before anything else touches the file system: see host-paths.ts.
    const dest = this.c.hostPaths.exportFolder('dest', req.dest);
    const m = requireModel(this.c.ws, req.id);
    const taken = new Set(await readdir(dest));
    let name = slug(m.name);
    for (let i = 2; taken.has(name); i++) name = `${slug(m.name)}-${i}`;
    const folder = join(dest, name);
    try {
      if (req.format === 'hf') exportModelHf(this.c, m, folder);
      else await this.exportInto(m, folder, new Set());
    } catch (err) {
      // A half-written export (a full disk) is removed rather than left looking like a model.
      await rm(folder, { recursive: true, force: true });
      throw err;
    }
    return { folder };
  }

  /** Registers a Hugging Face folder as a new model of the project (its substrate and tokenizer too, when new). */
  import(req: { projectId: string; from: string; format: 'hf'; name?: string | undefined }): ModelEntry {
    // A host folder: refused from the browser, dialog-chosen only in Electron (host-paths.ts).
    const from = this.c.hostPaths.file('from', req.from);
    const m = importModelHf(this.c, { ...req, from });
    this.c.bus.emit('models.changed', { projectId: req.projectId });
    return this.dto(m);
  }

  private async exportInto(m: store.Model, folder: string, seen: Set<string>): Promise<void> {
    if (seen.has(m.id)) throw new UserError(`merged model "${m.name}" contains itself`);
    if (m.kind !== 'merge') {
      if (!m.folder) throw new UserError(`model "${m.name}" has no folder`);
      const src = this.c.ws.paths.fromStored(m.folder);
      if (!existsSync(src)) throw new UserError(`model "${m.name}": its folder ${src} is missing`);
      // A copied workspace may hold links; an export must not carry out what they point at.
      assertFolderInside(this.c.ws.root, src, 'the workspace');
      // Self-contained: a folder that references the workspace's shared substrate gets its own copy.
      await copySelfContained(src, folder);
      return;
    }
    // A merge on disk references its experts by relative path (engine/compose/spec.ts reads it back).
    await mkdir(folder, { recursive: true });
    const refs: string[] = [];
    for (const [i, e] of m.experts.entries()) {
      const expert = requireModel(this.c.ws, e.modelId);
      const ref = `experts/${i + 1}-${slug(expert.name)}`;
      await this.exportInto(expert, join(folder, ref), new Set([...seen, m.id]));
      refs.push(ref);
    }
    const total = m.experts.reduce((s, e) => s + e.weight, 0) || 1;
    const spec = {
      kind: 'merge',
      version: 1,
      mode: typeof m.config['mode'] === 'string' ? m.config['mode'] : 'logits',
      weights: m.experts.map((e) => e.weight / total),
      experts: refs,
      substrateId: m.substrateId ?? '',
      tokenizerId: m.tokenizerId,
      created: new Date(m.createdAt).toISOString(),
    };
    await writeFile(join(folder, 'merge.json'), `${JSON.stringify(spec, null, 2)}\n`);
    const tok = join(folder, refs[0]!, 'tokenizer.json');
    if (existsSync(tok)) await cp(tok, join(folder, 'tokenizer.json'));
  }
}
