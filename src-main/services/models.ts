// The model catalog: trained models, growth stages and merges — list, rename, delete, and export to a folder
// the CLI can load (a merge exports as merge.json plus its experts' folders; it copies no weights otherwise).
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelEntry } from '../../src-shared/domain';
import { writeFileAtomic } from '../engine/io/atomic';
import { UserError } from '../common/errors';
import type * as store from '../store/index';
import { requireModel, requireProject } from './catalog';
import type { ServiceContext } from './context';
import { modelDto } from './dto';

function slug(name: string): string {
  return name.trim().replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80) || 'model';
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

  delete(req: { id: string }): { ok: true } {
    const m = requireModel(this.c.ws, req.id);
    // Refuses (a UserError naming them) while merges use the model.
    this.c.ws.deleteModel(req.id);
    this.onChanged(req.id);
    this.c.bus.emit('models.changed', { projectId: m.projectId });
    return { ok: true };
  }

  /** Copies the model into a new folder under `dest` (created when missing); returns that folder. */
  export(req: { id: string; dest: string }): { folder: string } {
    const m = requireModel(this.c.ws, req.id);
    const dest = resolve(req.dest);
    if (existsSync(dest) && !statSync(dest).isDirectory()) throw new UserError(`${dest} is a file; choose a folder to export into`);
    mkdirSync(dest, { recursive: true });
    const taken = new Set(readdirSync(dest));
    let name = slug(m.name);
    for (let i = 2; taken.has(name); i++) name = `${slug(m.name)}-${i}`;
    const folder = join(dest, name);
    this.exportInto(m, folder, new Set());
    return { folder };
  }

  private exportInto(m: store.Model, folder: string, seen: Set<string>): void {
    if (seen.has(m.id)) throw new UserError(`merged model "${m.name}" contains itself`);
    if (m.kind !== 'merge') {
      if (!m.folder) throw new UserError(`model "${m.name}" has no folder`);
      const src = this.c.ws.paths.fromStored(m.folder);
      if (!existsSync(src)) throw new UserError(`model "${m.name}": its folder ${src} is missing`);
      cpSync(src, folder, { recursive: true, errorOnExist: true, force: false });
      return;
    }
    // A merge on disk references its experts by relative path (engine/compose/spec.ts reads it back).
    mkdirSync(folder, { recursive: true });
    const refs: string[] = [];
    m.experts.forEach((e, i) => {
      const expert = requireModel(this.c.ws, e.modelId);
      const ref = `experts/${i + 1}-${slug(expert.name)}`;
      this.exportInto(expert, join(folder, ref), new Set([...seen, m.id]));
      refs.push(ref);
    });
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
    writeFileAtomic(join(folder, 'merge.json'), `${JSON.stringify(spec, null, 2)}\n`);
    const tok = join(folder, refs[0]!, 'tokenizer.json');
    if (existsSync(tok)) cpSync(tok, join(folder, 'tokenizer.json'));
  }
}
