// Projects: create, rename, delete (with everything in them), choose the substrate, and the demo project whose
// datasets a 'world' job generates and imports.
import type { z } from 'zod';
import { parseRunParams, type RunResult } from '../../src-shared/runs';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { InvokeResponse } from '../../src-shared/contract';
import type { Project } from '../../src-shared/domain';
import { benchmarkRecord, datasetRecord } from '../lib/datasets/record';
import { requireProject, requireSubstrate, uniqueDatasetName, uploadDir } from './catalog';
import type { ServiceContext } from './context';
import { projectDto } from './dto';
import { WorldResult } from '../worker/job-types';
import type * as store from '../store/index';

export class ProjectsService {
  constructor(private readonly c: ServiceContext) {
    c.runs.register('world', {
      prepare: (run) => ({
        ...parseRunParams('world', run.id, run.params),
        dir: join(c.ws.paths.runDir(run.id), 'world'),
        datasetsDir: c.ws.paths.datasetsDir,
      }),
      result: WorldResult,
      complete: (run, r) => this.recordWorld(run, r),
    });
  }

  dto(p: store.Project): Project {
    const tokenizerId = p.substrateId ? (this.c.ws.substrates.get(p.substrateId)?.tokenizerId ?? null) : null;
    return projectDto(p, tokenizerId);
  }

  list(): Project[] {
    return this.c.ws.projects.list().map((p) => this.dto(p));
  }

  create(req: { name: string; description: string }): Project {
    return this.dto(this.c.ws.projects.create(req));
  }

  /** A new project plus a 'world' run that writes the demo corpora and eval sets and imports them. */
  createDemo(req: { name: string; scale: 'quick' | 'default'; seed: number }): InvokeResponse<'projects.createDemo'> {
    const p = this.c.ws.projects.create({
      name: req.name,
      description: `Demo world (${req.scale}, seed ${req.seed}): EN/RU/ZH corpora, QA, multiple choice, translation.`,
    });
    const run = this.c.runs.enqueue({
      projectId: p.id,
      kind: 'world',
      name: 'demo world',
      params: { scale: req.scale, seed: req.seed },
      message: 'queued: generating the demo world',
    });
    return { project: this.dto(p), runId: run.id };
  }

  rename(req: { id: string; name: string }): Project {
    requireProject(this.c.ws, req.id);
    return this.dto(this.c.ws.projects.update(req.id, { name: req.name }));
  }

  setSubstrate(req: { id: string; substrateId: string | null }): Project {
    requireProject(this.c.ws, req.id);
    if (req.substrateId) requireSubstrate(this.c.ws, req.substrateId);
    return this.dto(this.c.ws.projects.setSubstrate(req.id, req.substrateId));
  }

  delete(req: { id: string }): { ok: true } {
    const { ws, runs } = this.c;
    requireProject(ws, req.id);
    // Queued jobs would start on rows that no longer exist; a running one makes deleteProject refuse.
    for (const r of ws.runs.list({ projectId: req.id, status: 'queued' })) runs.cancel(r.id);
    const uploads = ws.datasets.list(req.id).map((d) => uploadDir(ws, d.id));
    ws.deleteProject(req.id);
    for (const dir of uploads) rmSync(dir, { recursive: true, force: true });
    return { ok: true };
  }

  private recordWorld(run: store.Run, r: z.output<typeof WorldResult>): RunResult<'world'> {
    const { ws, bus } = this.c;
    const ids = ws.transaction(() =>
      r.datasets.map((d) => {
        const place = {
          id: d.id,
          projectId: run.projectId,
          name: uniqueDatasetName(ws, run.projectId, d.name),
          split: d.split,
        };
        const rec =
          'kind' in d.stats
            ? benchmarkRecord(d.stats, place)
            : datasetRecord(d.stats, { ...place, textPath: ws.paths.toStored(d.destination) });
        // The world lives inside the workspace: stored relative, so the workspace folder can move.
        return ws.datasets.create({ ...rec, sourcePath: ws.paths.toStored(rec.sourcePath) }).id;
      }),
    );
    bus.emit('datasets.changed', { projectId: run.projectId });
    ws.runs.setMessage(run.id, `${ids.length} datasets imported`);
    return { worldId: r.manifest.id, datasetIds: ids, files: r.manifest.files.length };
  }
}
