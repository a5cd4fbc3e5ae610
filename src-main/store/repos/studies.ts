// Studies: a named grid of runs that differ in one or two factors, run one arm after another by a 'study' run.
// The repo keeps the spec, status, output folder, finished arms and the final result as JSON; their shapes
// belong to src-shared/study.ts and the studies service, which validates them on the way in and out.
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, jsonObject, newId, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

export const STUDY_STATUSES = ['draft', 'queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

const rowSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    name: z.string(),
    spec: jsonColumn(jsonObject),
    status: z.enum(STUDY_STATUSES),
    out_dir: z.string(),
    run_id: z.string().nullable(),
    arms: jsonColumn(z.array(jsonObject)),
    result: z.string().nullable(),
    error: z.string().nullable(),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    /** The StudySpec as validated when the study was defined. */
    spec: r.spec,
    status: r.status,
    /** Relative to the workspace: the runner's output folder, holding finished arms and the report. */
    outDir: r.out_dir,
    /** The latest 'study' run, or null before the first start. */
    runId: r.run_id,
    /** Finished arms in the order they finished (each the runner's arm result plus the models registered). */
    arms: r.arms,
    /** The runner's whole result once every arm finished. */
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
export type StudyRecord = z.output<typeof rowSchema>;

export const newStudySchema = z.object({
  id: idSchema.optional(),
  projectId: idSchema,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  spec: jsonObject,
  /** Relative to the workspace (WorkspacePaths.toStored). */
  outDir: z.string().min(1),
});
export type NewStudy = z.input<typeof newStudySchema>;

export class StudiesRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO studies (id, project_id, name, spec, status, out_dir, created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM studies WHERE id = ?'),
      byRun: db.prepare('SELECT * FROM studies WHERE run_id = ?'),
      byName: db.prepare('SELECT * FROM studies WHERE project_id = ? AND name = ?'),
      list: db.prepare('SELECT * FROM studies WHERE project_id = ? ORDER BY created_at, id'),
      status: db.prepare('UPDATE studies SET status = ?, error = ?, updated_at = ? WHERE id = ?'),
      run: db.prepare('UPDATE studies SET run_id = ?, updated_at = ? WHERE id = ?'),
      arms: db.prepare('UPDATE studies SET arms = ?, updated_at = ? WHERE id = ?'),
      result: db.prepare('UPDATE studies SET result = ?, updated_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM studies WHERE id = ?'),
    };
  }

  create(input: NewStudy): StudyRecord {
    const s = parseInput(newStudySchema, input, 'study');
    const id = s.id ?? newId('std');
    const t = this.ctx.now();
    try {
      this.q.insert.run(id, s.projectId, s.name, toJson(s.spec), s.outDir, t, t);
    } catch (err) {
      if (isConstraint(err, 'UNIQUE'))
        throw new UserError(`a study named "${s.name}" already exists in this project; choose another name`);
      if (isConstraint(err, 'FOREIGNKEY'))
        throw new UserError(`cannot create the study: unknown project ${s.projectId}`);
      throw err;
    }
    return this.require(id);
  }

  get(id: string): StudyRecord | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'study');
  }

  require(id: string): StudyRecord {
    const s = this.get(id);
    if (!s) throw new UserError(`no study with id ${id}`);
    return s;
  }

  /** The study a 'study' run belongs to (its latest run). */
  byRun(runId: string): StudyRecord | undefined {
    const row = this.q.byRun.get(runId);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'study');
  }

  byName(projectId: string, name: string): StudyRecord | undefined {
    const row = this.q.byName.get(projectId, name);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'study');
  }

  list(projectId: string): StudyRecord[] {
    return this.q.list.all(projectId).map((r) => parseRow(rowSchema, r, 'study'));
  }

  /** The error is kept only with 'failed'; any other status clears it. */
  setStatus(id: string, status: StudyStatus, error: string | null = null): void {
    this.q.status.run(status, status === 'failed' ? error : null, this.ctx.now(), id);
  }

  setRun(id: string, runId: string | null): void {
    this.q.run.run(runId, this.ctx.now(), id);
  }

  setArms(id: string, arms: readonly Record<string, unknown>[]): void {
    this.q.arms.run(JSON.stringify(arms), this.ctx.now(), id);
  }

  /** The whole result (JSON); null clears it (a study started again). */
  setResult(id: string, result: unknown): void {
    this.q.result.run(result === null || result === undefined ? null : JSON.stringify(result), this.ctx.now(), id);
  }

  /** Deletes the row; the output folder is the caller's. */
  delete(id: string): boolean {
    return this.q.delete.run(id).changes > 0;
  }
}
