// Runs (jobs): queued → running → done | failed | cancelled | paused, with progress, checkpoint and error text.
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, jsonObject, newId, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

export const RUN_KINDS = [
  'train',
  'grow',
  'merge-preview',
  'eval',
  'import',
  'substrate',
  'world',
  'merge-tune',
  'study',
] as const;
export const RUN_STATUSES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * The legal moves. Resuming is failed | paused | cancelled → queued: the job starts again from
 * its last checkpoint. done is final.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled'],
  running: ['done', 'failed', 'cancelled', 'paused'],
  paused: ['queued', 'cancelled'],
  failed: ['queued'],
  cancelled: ['queued'],
  done: [],
};

const rowSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    kind: z.enum(RUN_KINDS),
    status: z.enum(RUN_STATUSES),
    name: z.string(),
    params: jsonColumn(jsonObject),
    model_id: z.string().nullable(),
    progress: z.number(),
    step: z.number(),
    total_steps: z.number().nullable(),
    error: z.string().nullable(),
    checkpoint: z.string().nullable(),
    checkpoint_step: z.number().nullable(),
    attempts: z.number(),
    worker_pid: z.number().nullable(),
    created_at: z.number(),
    updated_at: z.number(),
    started_at: z.number().nullable(),
    finished_at: z.number().nullable(),
    message: z.string(),
    result: z.string().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    status: r.status,
    name: r.name,
    /** The job's full input (configs, dataset ids, seeds); the worker needs nothing else. */
    params: r.params,
    /** The model the run produced, grows or evaluates. */
    modelId: r.model_id,
    /** 0..1 */
    progress: r.progress,
    step: r.step,
    totalSteps: r.total_steps,
    /** The worker's last error (failed runs), kept after a resume for the record until it succeeds. */
    error: r.error,
    /** Latest checkpoint folder relative to the workspace, and the step it holds. */
    checkpoint: r.checkpoint,
    checkpointStep: r.checkpoint_step,
    /** How many times the run was started (1 + resumes). */
    attempts: r.attempts,
    workerPid: r.worker_pid,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    /** The latest progress message ("step 120/300"). */
    message: r.message,
    /** What the finished job produced (JSON), or null. */
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
  }));
export type Run = z.output<typeof rowSchema>;

export const newRunSchema = z.object({
  id: idSchema.optional(),
  projectId: idSchema,
  kind: z.enum(RUN_KINDS),
  name: z.string().max(300).default(''),
  params: jsonObject.default({}),
  modelId: idSchema.nullable().default(null),
  totalSteps: z.number().int().nonnegative().nullable().default(null),
});
export type NewRun = z.input<typeof newRunSchema>;

export interface RunProgress {
  progress?: number;
  message?: string;
  step?: number;
  totalSteps?: number | null;
}

export interface RunListFilter {
  projectId?: string;
  status?: RunStatus | RunStatus[];
  kind?: RunKind;
  /** Newest first when limited; default: all, oldest first. */
  limit?: number;
}

export class RunsRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO runs (id, project_id, kind, status, name, params, model_id, total_steps, created_at, updated_at)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM runs WHERE id = ?'),
      // Guarded by the expected status, so two supervisors never both move the same run.
      move: db.prepare(
        `UPDATE runs SET status = @to, updated_at = @t,
           started_at  = CASE WHEN @to = 'running' THEN @t ELSE started_at END,
           finished_at = CASE WHEN @to IN ('done', 'failed', 'cancelled') THEN @t WHEN @to = 'queued' THEN NULL ELSE finished_at END,
           attempts    = attempts + (CASE WHEN @to = 'running' THEN 1 ELSE 0 END),
           worker_pid  = CASE WHEN @to = 'running' THEN @pid ELSE NULL END,
           error       = CASE WHEN @to = 'failed' THEN @error WHEN @to = 'done' THEN NULL ELSE error END,
           progress    = CASE WHEN @to = 'done' THEN 1 ELSE progress END
         WHERE id = @id AND status = @from`,
      ),
      nextQueued: db.prepare(`SELECT id FROM runs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1`),
      running: db.prepare(`SELECT id FROM runs WHERE status = 'running' ORDER BY created_at, id`),
      progress: db.prepare(
        `UPDATE runs SET progress = COALESCE(@progress, progress), step = COALESCE(@step, step), message = COALESCE(@message, message),
           total_steps = CASE WHEN @setTotal THEN @total ELSE total_steps END, updated_at = @t
         WHERE id = @id AND status = 'running'`,
      ),
      checkpoint: db.prepare('UPDATE runs SET checkpoint = ?, checkpoint_step = ?, updated_at = ? WHERE id = ?'),
      setModel: db.prepare('UPDATE runs SET model_id = ?, updated_at = ? WHERE id = ?'),
      setResult: db.prepare('UPDATE runs SET result = ?, updated_at = ? WHERE id = ?'),
      setMessage: db.prepare('UPDATE runs SET message = ?, updated_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM runs WHERE id = ?'),
    };
  }

  create(input: NewRun): Run {
    const r = parseInput(newRunSchema, input, 'run');
    const id = r.id ?? newId('run');
    const t = this.ctx.now();
    try {
      this.q.insert.run(id, r.projectId, r.kind, r.name, toJson(r.params), r.modelId, r.totalSteps, t, t);
    } catch (err) {
      if (isConstraint(err, 'FOREIGNKEY'))
        throw new UserError(`cannot queue the ${r.kind} run: unknown project ${r.projectId} or model ${r.modelId}`);
      throw err;
    }
    return this.require(id);
  }

  get(id: string): Run | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'run');
  }

  require(id: string): Run {
    const r = this.get(id);
    if (!r) throw new UserError(`no run with id ${id}`);
    return r;
  }

  list(filter: RunListFilter = {}): Run[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.projectId) {
      where.push('project_id = ?');
      args.push(filter.projectId);
    }
    if (filter.kind) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    if (filter.status) {
      const s = Array.isArray(filter.status) ? filter.status : [filter.status];
      where.push(`status IN (${s.map(() => '?').join(', ')})`);
      args.push(...s);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const sql =
      filter.limit !== undefined
        ? `SELECT * FROM runs ${clause} ORDER BY created_at DESC, id DESC LIMIT ${Math.max(0, Math.floor(filter.limit))}`
        : `SELECT * FROM runs ${clause} ORDER BY created_at, id`;
    return this.ctx.db
      .prepare(sql)
      .all(...args)
      .map((r) => parseRow(rowSchema, r, 'run'));
  }

  /**
   * Moves a run along RUN_TRANSITIONS. Throws a UserError naming both states when the move is
   * illegal or another process moved the run first.
   */
  transition(id: string, to: RunStatus, opts: { error?: string; workerPid?: number } = {}): Run {
    const cur = this.require(id);
    if (!RUN_TRANSITIONS[cur.status].includes(to)) {
      throw new UserError(`run ${id} is ${cur.status}; it cannot become ${to}`);
    }
    const res = this.q.move.run({
      id,
      from: cur.status,
      to,
      t: this.ctx.now(),
      pid: opts.workerPid ?? null,
      error: opts.error ?? null,
    });
    if (res.changes === 0) {
      const now = this.require(id);
      throw new UserError(`run ${id} changed to ${now.status} meanwhile; it cannot become ${to}`);
    }
    return this.require(id);
  }

  start(id: string, workerPid?: number): Run {
    return this.transition(id, 'running', { workerPid });
  }
  finish(id: string): Run {
    return this.transition(id, 'done');
  }
  fail(id: string, error: string): Run {
    return this.transition(id, 'failed', { error });
  }
  cancel(id: string): Run {
    return this.transition(id, 'cancelled');
  }
  pause(id: string): Run {
    return this.transition(id, 'paused');
  }
  /** Puts a paused, failed or cancelled run back in the queue; it resumes from its checkpoint. */
  resume(id: string): Run {
    return this.transition(id, 'queued');
  }

  /** Atomically takes the oldest queued run and marks it running (for a single-worker queue). */
  claimNext(workerPid?: number): Run | undefined {
    return this.ctx.db
      .transaction((): Run | undefined => {
        const next = this.q.nextQueued.get() as { id: string } | undefined;
        return next ? this.start(next.id, workerPid) : undefined;
      })
      .immediate();
  }

  /**
   * At startup nothing can be running: marks such runs failed with `reason` so they can be
   * resumed. Returns the ids it changed.
   */
  failOrphans(reason: string): string[] {
    return this.ctx.db.transaction(() => {
      const ids = (this.q.running.all() as { id: string }[]).map((r) => r.id);
      for (const id of ids) this.fail(id, reason);
      return ids;
    })();
  }

  /** Cheap, frequent (one UPDATE): only touches a running run, so late events after a cancel are ignored. */
  setProgress(id: string, p: RunProgress): boolean {
    const progress = p.progress === undefined ? null : Math.min(1, Math.max(0, p.progress));
    const setTotal = p.totalSteps !== undefined ? 1 : 0;
    const args = {
      id,
      progress,
      step: p.step ?? null,
      message: p.message ?? null,
      setTotal,
      total: p.totalSteps ?? null,
      t: this.ctx.now(),
    };
    return this.q.progress.run(args).changes > 0;
  }

  /** Records the newest checkpoint (relative to the workspace) once it is fully written. */
  setCheckpoint(id: string, checkpoint: string | null, step: number | null): void {
    this.q.checkpoint.run(checkpoint, step, this.ctx.now(), id);
  }

  setModel(id: string, modelId: string | null): void {
    this.q.setModel.run(modelId, this.ctx.now(), id);
  }

  /** Stores what the job produced (any JSON value; null clears it). */
  setResult(id: string, result: unknown): void {
    this.q.setResult.run(result === null || result === undefined ? null : JSON.stringify(result), this.ctx.now(), id);
  }

  /** Sets the progress message whatever the status (e.g. "queued behind run_x", "resumed from step 50"). */
  setMessage(id: string, message: string): void {
    this.q.setMessage.run(message, this.ctx.now(), id);
  }

  /** Deletes the run and its metrics; its eval results keep a null run link. The run folder is the caller's. */
  delete(id: string): boolean {
    const r = this.get(id);
    if (r?.status === 'running') throw new UserError(`run ${id} is running; cancel it before deleting`);
    return this.q.delete.run(id).changes > 0;
  }
}
