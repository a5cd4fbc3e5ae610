// Eval results: one scored benchmark pass of a model, labelled with the protocol that produced the numbers.
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, newId, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

/** Named scores, e.g. { accuracy: 0.2344, accuracy_std: 0.011 }; null where a score is undefined. */
const scores = z.record(z.string(), z.number().nullable());

const rowSchema = z
  .object({
    id: z.string(),
    model_id: z.string(),
    run_id: z.string().nullable(),
    task: z.string(),
    protocol: z.string(),
    dataset_sha256: z.string(),
    n: z.number(),
    metrics: jsonColumn(scores),
    ci95: z.number().nullable(),
    runs: z.number(),
    seed: z.number().nullable(),
    created_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    modelId: r.model_id,
    runId: r.run_id,
    /** e.g. "mmlu", "squad-v2", "opus-100-en-ru". */
    task: r.task,
    /** e.g. "paper-generate-first-char" or "loglik": numbers are only comparable within one protocol. */
    protocol: r.protocol,
    /** Identity of the exact items scored. */
    datasetSha256: r.dataset_sha256,
    /** Items scored. */
    n: r.n,
    metrics: r.metrics,
    /** Half-width of the 95% interval of the primary score (1.96σ/√runs for the paper's protocol). */
    ci95: r.ci95,
    /** Stochastic repetitions averaged. */
    runs: r.runs,
    seed: r.seed,
    createdAt: r.created_at,
  }));
export type EvalResult = z.output<typeof rowSchema>;

export const newEvalSchema = z.object({
  modelId: idSchema,
  runId: idSchema.nullable().default(null),
  task: z.string().trim().min(1).max(200),
  protocol: z.string().trim().min(1).max(200),
  datasetSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256'),
  n: z.number().int().nonnegative(),
  metrics: scores,
  ci95: z.number().nonnegative().nullable().default(null),
  runs: z.number().int().positive().default(1),
  seed: z.number().int().nullable().default(null),
});
export type NewEvalResult = z.input<typeof newEvalSchema>;

export class EvalsRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO eval_results (id, model_id, run_id, task, protocol, dataset_sha256, n, metrics, ci95, runs, seed, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare('SELECT * FROM eval_results WHERE id = ?'),
      byModel: db.prepare('SELECT * FROM eval_results WHERE model_id = ? ORDER BY created_at, id'),
      byModelTask: db.prepare('SELECT * FROM eval_results WHERE model_id = ? AND task = ? ORDER BY created_at, id'),
      byTask: db.prepare(
        `SELECT e.* FROM eval_results e JOIN models m ON m.id = e.model_id
         WHERE m.project_id = @project AND e.task = @task AND (@protocol IS NULL OR e.protocol = @protocol) ORDER BY e.created_at, e.id`,
      ),
      byRun: db.prepare('SELECT * FROM eval_results WHERE run_id = ? ORDER BY created_at, id'),
      delete: db.prepare('DELETE FROM eval_results WHERE id = ?'),
    };
  }

  record(input: NewEvalResult): EvalResult {
    const e = parseInput(newEvalSchema, input, 'eval result');
    const id = newId('ev');
    try {
      this.q.insert.run(
        id,
        e.modelId,
        e.runId,
        e.task,
        e.protocol,
        e.datasetSha256,
        e.n,
        toJson(e.metrics),
        e.ci95,
        e.runs,
        e.seed,
        this.ctx.now(),
      );
    } catch (err) {
      if (isConstraint(err, 'FOREIGNKEY'))
        throw new UserError(`cannot record the ${e.task} result: unknown model ${e.modelId} or run ${e.runId}`);
      throw err;
    }
    return this.require(id);
  }

  get(id: string): EvalResult | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'eval result');
  }

  require(id: string): EvalResult {
    const e = this.get(id);
    if (!e) throw new UserError(`no eval result with id ${id}`);
    return e;
  }

  listByModel(modelId: string, opts: { task?: string } = {}): EvalResult[] {
    const rows = opts.task ? this.q.byModelTask.all(modelId, opts.task) : this.q.byModel.all(modelId);
    return rows.map((r) => parseRow(rowSchema, r, 'eval result'));
  }

  /** Every model's results on one task in a project: the comparison table (filter by protocol to compare like with like). */
  listByTask(projectId: string, task: string, opts: { protocol?: string } = {}): EvalResult[] {
    return this.q.byTask
      .all({ project: projectId, task, protocol: opts.protocol ?? null })
      .map((r) => parseRow(rowSchema, r, 'eval result'));
  }

  listByRun(runId: string): EvalResult[] {
    return this.q.byRun.all(runId).map((r) => parseRow(rowSchema, r, 'eval result'));
  }

  delete(id: string): boolean {
    return this.q.delete.run(id).changes > 0;
  }
}
