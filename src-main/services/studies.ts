// Studies: define one (a preset's spec or a hand-written one), run it as a 'study' job (resumable: the job skips
// the arms its folder already holds), register every finished arm's models in the catalog as they finish, and
// serve the comparison over seeds and its CSV / Markdown export.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Study as StudyDto, StudyDetail } from '../../src-shared/study-records';
import { studyRunCount } from '../../src-shared/study-records';
import { parseRunParams, type Run, type RunResult } from '../../src-shared/runs';
import { ArmResult, StudySpec, type StudyComparison, type StudyResult } from '../../src-shared/study';
import { ConflictError, NotFoundError, UserError } from '../common/errors';
import { newId } from '../store/index';
import type * as store from '../store/index';
import { compareStudy, plannedRuns } from '../study/index';
import { StudyResult as StudyResultSchema, StudyState, type StudyJobParams } from '../worker/job-types';
import { requireProject } from './catalog';
import type { ServiceContext } from './context';
import { iso } from './dto';
import { promoteStudyModel, registerArmModels, studyDatasets } from './study-models';
import { exportStudyReport } from './study-export';

/** One finished arm as the studies table keeps it: the runner's result and the catalog models it registered. */
type StoredArm = {
  result: ArmResult;
  modelIds: string[];
};

export class StudiesService {
  constructor(private readonly c: ServiceContext) {
    c.runs.register('study', {
      prepare: (run) => this.jobParams(run),
      result: StudyResultSchema,
      complete: (run, r) => this.recordDone(run, r),
      state: { schema: StudyState, record: (run, state) => this.recordState(run, state) },
    });
    // The run is the truth about a running study; its row follows so lists need no join.
    c.bus.on((channel, payload) => {
      if (channel === 'run.updated') this.follow(payload as Run);
    });
  }

  // ---- commands ---------------------------------------------------------------------------------

  create(req: { projectId: string; spec: z.input<typeof StudySpec> }): StudyDto {
    const { ws } = this.c;
    requireProject(ws, req.projectId);
    const spec = StudySpec.parse(req.spec);
    if (spec.data.kind === 'corpora') {
      // Host files named in a spec follow the same rules as every other host path a client names.
      spec.data.corpora.forEach((k, i) => {
        k.train = this.c.hostPaths.file(`spec.data.corpora[${i}].train`, k.train);
        k.val = this.c.hostPaths.file(`spec.data.corpora[${i}].val`, k.val);
      });
    }
    if (spec.data.kind === 'datasets') studyDatasets(this.c, req.projectId, spec.data.datasets);
    if (ws.studies.byName(req.projectId, spec.name))
      throw new ConflictError(`a study named "${spec.name}" already exists in this project; choose another name`);
    const id = newId('std');
    const s = ws.studies.create({
      id,
      projectId: req.projectId,
      name: spec.name,
      spec,
      outDir: ws.paths.toStored(ws.paths.studyDir(id)),
    });
    this.changed(s);
    return this.dto(s);
  }

  /** Runs a draft; resumes a paused, failed or cancelled study from its next unfinished run. */
  start(req: { id: string }): StudyDto {
    const { ws } = this.c;
    const s = this.require(req.id);
    const run = s.runId ? ws.runs.get(s.runId) : undefined;
    if (run && (run.status === 'queued' || run.status === 'running'))
      throw new UserError(`the study "${s.name}" is already ${run.status}`);
    if (run?.status === 'done')
      throw new UserError(`the study "${s.name}" has finished; define a new study to run it again`);
    if (run) {
      this.c.runs.resume(run.id);
    } else {
      const total = studyRunCount(StudySpec.parse(s.spec));
      const queued = this.c.runs.enqueue({
        projectId: s.projectId,
        kind: 'study',
        name: s.name,
        params: { studyId: s.id },
        totalSteps: total,
        message: `queued: ${total} runs`,
      });
      ws.studies.setRun(s.id, queued.id);
    }
    this.sync(s.id);
    return this.dto(this.require(s.id));
  }

  cancel(req: { id: string }): StudyDto {
    const s = this.require(req.id);
    if (!s.runId || !this.c.ws.runs.get(s.runId)) throw new UserError(`the study "${s.name}" has not been started`);
    this.c.runs.cancel(s.runId);
    this.sync(s.id);
    return this.dto(this.require(s.id));
  }

  delete(req: { id: string }): { ok: true } {
    const s = this.require(req.id);
    this.c.ws.deleteStudy(s.id);
    this.c.bus.emit('studies.changed', { projectId: s.projectId, studyId: s.id });
    return { ok: true };
  }

  /** A study's model joins the Merge, Playground and Evaluate pickers (or leaves them again). */
  promote(req: { modelId: string; promoted: boolean }): { ok: true } {
    const m = promoteStudyModel(this.c, req.modelId, req.promoted);
    this.c.bus.emit('models.changed', { projectId: m.projectId });
    return { ok: true };
  }

  list(req: { projectId: string }): StudyDto[] {
    requireProject(this.c.ws, req.projectId);
    return this.c.ws.studies.list(req.projectId).map((s) => this.dto(s));
  }

  get(req: { id: string }): StudyDetail {
    const s = this.require(req.id);
    const arms = this.orderedArms(s).map((a) => a.result);
    let comparison: StudyComparison | null = null;
    let comparisonNote: string | null = null;
    if (arms.length > 0) {
      try {
        comparison = compareStudy(this.resultOf(s));
      } catch (err) {
        comparisonNote = `the comparison could not be computed: ${(err as Error).message}`;
      }
    }
    return { ...this.dto(s), arms, comparison, comparisonNote };
  }

  export(req: { id: string; dest: string; format: 'csv' | 'markdown' }): { path: string; files: string[] } {
    // Validated (and created level by level) before anything else touches the file system: see host-paths.ts.
    const dest = this.c.hostPaths.exportFolder('dest', req.dest);
    const s = this.require(req.id);
    if (this.orderedArms(s).length === 0)
      throw new UserError(`no run of the study "${s.name}" has finished yet; there is nothing to export`);
    const { ws } = this.c;
    mkdirSync(ws.paths.tmpDir, { recursive: true });
    const scratch = mkdtempSync(join(ws.paths.tmpDir, 'study-report-'));
    try {
      return exportStudyReport(this.resultOf(s), scratch, dest, req.format);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  // ---- the 'study' job's hooks --------------------------------------------------------------------

  private jobParams(run: store.Run): StudyJobParams {
    const p = parseRunParams('study', run.id, run.params);
    const s = this.require(p.studyId);
    const spec = StudySpec.parse(s.spec);
    // Ids resolve to files when the job starts: a dataset deleted since the study was defined fails here, by name.
    const datasets = spec.data.kind === 'datasets' ? studyDatasets(this.c, s.projectId, spec.data.datasets) : undefined;
    return { studyId: s.id, spec, outDir: this.c.ws.paths.fromStored(s.outDir), ...(datasets ? { datasets } : {}) };
  }

  private recordState(run: store.Run, state: z.output<typeof StudyState>): Record<string, unknown> {
    const p = parseRunParams('study', run.id, run.params);
    if ('armDone' in state) {
      const s = this.recordArm(this.require(p.studyId), state.armDone, run.id);
      return { studyId: s.id, armsDone: this.orderedArms(s).map((a) => a.result.run) };
    }
    return { studyId: p.studyId, arm: state.position.run, armIndex: state.position.index, arms: state.position.runs };
  }

  private recordDone(run: store.Run, result: z.output<typeof StudyResultSchema>): RunResult<'study'> {
    const p = parseRunParams('study', run.id, run.params);
    let s = this.require(p.studyId);
    for (const arm of result.arms) s = this.recordArm(s, arm, run.id);
    // The arms are kept once, in their own column; the result keeps the rest (notes, times).
    this.c.ws.studies.setResult(s.id, { ...result, arms: [] });
    this.c.ws.runs.setMessage(run.id, `done: ${result.arms.length} runs of ${result.spec.arms.length} arms`);
    this.changed(s);
    return { studyId: s.id, arms: studyRunCount(result.spec), armsDone: result.arms.map((a) => a.run) };
  }

  /** Registers the arm's models and keeps its result, once per run label (a resumed study may report it again). */
  private recordArm(s: store.StudyRecord, arm: ArmResult, runId: string): store.StudyRecord {
    const stored = this.storedArms(s);
    if (stored.some((a) => a.result.run === arm.run)) return s;
    const modelIds = registerArmModels(this.c, s, arm, runId);
    this.c.ws.studies.setArms(s.id, [...stored, { result: arm, modelIds }]);
    this.c.bus.emit('models.changed', { projectId: s.projectId });
    const next = this.require(s.id);
    this.changed(next);
    return next;
  }

  // ---- status -----------------------------------------------------------------------------------

  private follow(run: Run): void {
    if (run.kind !== 'study') return;
    const s = this.c.ws.studies.byRun(run.id);
    if (s && (s.status !== run.status || (run.status === 'failed' && s.error !== run.error))) {
      this.c.ws.studies.setStatus(s.id, run.status, run.error);
      this.changed(this.require(s.id));
    }
  }

  private sync(id: string): void {
    const s = this.require(id);
    const run = s.runId ? this.c.ws.runs.get(s.runId) : undefined;
    if (run && run.status !== s.status) this.c.ws.studies.setStatus(s.id, run.status, run.error);
    this.changed(this.require(id));
  }

  private changed(s: store.StudyRecord): void {
    this.c.bus.emit('studies.changed', { projectId: s.projectId, studyId: s.id });
  }

  // ---- reading ----------------------------------------------------------------------------------

  private require(id: string): store.StudyRecord {
    const s = this.c.ws.studies.get(id);
    if (!s) throw new NotFoundError('study', id);
    return s;
  }

  /** Stored arms that still parse (a hand-edited row loses only the broken entries). */
  private storedArms(s: store.StudyRecord): StoredArm[] {
    const out: StoredArm[] = [];
    for (const raw of s.arms) {
      const result = ArmResult.safeParse(raw['result']);
      const ids = Array.isArray(raw['modelIds'])
        ? raw['modelIds'].filter((x): x is string => typeof x === 'string')
        : [];
      if (result.success) out.push({ result: result.data, modelIds: ids });
    }
    return out;
  }

  /** Finished arms in the order the runner plans them (seed by seed, arm by arm), whatever order they finished in. */
  private orderedArms(s: store.StudyRecord): StoredArm[] {
    const order = new Map(plannedRuns(StudySpec.parse(s.spec)).map((r, i) => [r.run, i]));
    const rank = (a: ArmResult) => order.get(a.run) ?? order.size;
    return this.storedArms(s).sort((a, b) => rank(a.result) - rank(b.result));
  }

  /** The study as the runner's result: every finished arm so far ('stopped' until the study is done). */
  private resultOf(s: store.StudyRecord): StudyResult {
    const spec = StudySpec.parse(s.spec);
    const saved = (s.result ?? {}) as Partial<StudyResult>;
    const arms = this.orderedArms(s).map((a) => a.result);
    const finished = arms.map((a) => a.finishedAt).sort();
    return {
      format: 'espalier-study-result',
      version: 1,
      spec,
      outDir: this.c.ws.paths.fromStored(s.outDir),
      status: s.status === 'done' && arms.length === studyRunCount(spec) ? 'done' : 'stopped',
      arms,
      notes: Array.isArray(saved.notes) ? saved.notes : [],
      startedAt: typeof saved.startedAt === 'string' ? saved.startedAt : iso(s.createdAt),
      finishedAt: typeof saved.finishedAt === 'string' ? saved.finishedAt : (finished.at(-1) ?? iso(s.updatedAt)),
    };
  }

  private dto(s: store.StudyRecord): StudyDto {
    const spec = StudySpec.parse(s.spec);
    const run = s.runId ? this.c.ws.runs.get(s.runId) : undefined;
    const arms = this.storedArms(s);
    return {
      id: s.id,
      projectId: s.projectId,
      name: s.name,
      spec,
      status: run ? run.status : s.status,
      runId: run ? run.id : null,
      runs: studyRunCount(spec),
      runsDone: arms.length,
      models: Object.fromEntries(arms.map((a) => [a.result.run, a.modelIds])),
      error: run ? run.error : s.error,
      createdAt: iso(s.createdAt),
      updatedAt: iso(s.updatedAt),
    };
  }
}
