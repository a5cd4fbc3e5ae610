// Models: trained experts, growth stages (parent = the stage they grew from) and merges (experts listed, no weights).
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, jsonObject, newId, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

export const MODEL_KINDS = ['trained', 'stage', 'merge'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

const rowSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  kind: z.enum(MODEL_KINDS),
  name: z.string(),
  parent_id: z.string().nullable(),
  depth: z.number(),
  tokenizer_id: z.string(),
  substrate_id: z.string().nullable(),
  folder: z.string().nullable(),
  config: jsonColumn(jsonObject),
  provenance: jsonColumn(jsonObject),
  params_total: z.number(),
  params_trainable: z.number(),
  created_at: z.number(),
});
type Row = z.output<typeof rowSchema>;

export interface MergeExpert {
  modelId: string;
  /** Relative weight in the logit average; the paper uses equal weights. */
  weight: number;
}

export interface Model {
  id: string;
  projectId: string;
  kind: ModelKind;
  name: string;
  /** The stage this one grew from (stages), or null. Provenance only: weights are self-contained. */
  parentId: string | null;
  /** Number of transformer blocks. */
  depth: number;
  tokenizerId: string;
  /** Null for a model with a trainable (unfrozen) embedding table. */
  substrateId: string | null;
  /** `models/<id>` relative to the workspace; null for merges, which copy no weights. */
  folder: string | null;
  /** The resolved engine config saved with the weights. */
  config: Record<string, unknown>;
  /** Datasets (with SHA-256), run ids, seeds, code version: how the model came to be. */
  provenance: Record<string, unknown>;
  paramsTotal: number;
  paramsTrainable: number;
  createdAt: number;
  /** Ordered experts of a merge; empty otherwise. */
  experts: MergeExpert[];
}

function toModel(r: Row, experts: MergeExpert[]): Model {
  return {
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    name: r.name,
    parentId: r.parent_id,
    depth: r.depth,
    tokenizerId: r.tokenizer_id,
    substrateId: r.substrate_id,
    folder: r.folder,
    config: r.config,
    provenance: r.provenance,
    paramsTotal: r.params_total,
    paramsTrainable: r.params_trainable,
    createdAt: r.created_at,
    experts,
  };
}

const count = z.number().int().nonnegative();
export const newModelSchema = z.object({
  /** Pass an id reserved with newId('mdl') when the weights were written to models/<id>/ first. */
  id: idSchema.optional(),
  projectId: idSchema,
  kind: z.enum(['trained', 'stage']),
  name: z.string().trim().min(1).max(300),
  parentId: idSchema.nullable().default(null),
  depth: count,
  tokenizerId: idSchema,
  substrateId: idSchema.nullable().default(null),
  config: jsonObject.default({}),
  provenance: jsonObject.default({}),
  paramsTotal: count.default(0),
  paramsTrainable: count.default(0),
});
export type NewModel = z.input<typeof newModelSchema>;

export const newMergeSchema = z.object({
  id: idSchema.optional(),
  projectId: idSchema,
  name: z.string().trim().min(1).max(300),
  experts: z
    .array(z.object({ modelId: idSchema, weight: z.number().positive().finite().default(1) }))
    .min(2, 'a merge needs at least two experts'),
  config: jsonObject.default({}),
  provenance: jsonObject.default({}),
});
export type NewMerge = z.input<typeof newMergeSchema>;

export const modelPatchSchema = z.object({
  name: z.string().trim().min(1).max(300).optional(),
  config: jsonObject.optional(),
  provenance: jsonObject.optional(),
  paramsTotal: count.optional(),
  paramsTrainable: count.optional(),
});
export type ModelPatch = z.input<typeof modelPatchSchema>;

export class ModelsRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO models (id, project_id, kind, name, parent_id, depth, tokenizer_id, substrate_id, folder, config, provenance,
           params_total, params_trainable, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertExpert: db.prepare('INSERT INTO model_experts (merge_id, expert_id, position, weight) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM models WHERE id = ?'),
      list: db.prepare('SELECT * FROM models WHERE project_id = ? ORDER BY created_at, depth, id'),
      listKind: db.prepare('SELECT * FROM models WHERE project_id = ? AND kind = ? ORDER BY created_at, depth, id'),
      experts: db.prepare('SELECT expert_id, weight FROM model_experts WHERE merge_id = ? ORDER BY position'),
      projectExperts: db.prepare(
        `SELECT e.merge_id, e.expert_id, e.weight FROM model_experts e JOIN models m ON m.id = e.merge_id
         WHERE m.project_id = ? ORDER BY e.merge_id, e.position`,
      ),
      children: db.prepare('SELECT * FROM models WHERE parent_id = ? ORDER BY created_at, id'),
      mergesUsing: db.prepare(
        `SELECT DISTINCT m.* FROM models m JOIN model_experts e ON e.merge_id = m.id WHERE e.expert_id = ? ORDER BY m.created_at, m.id`,
      ),
      // Depth-limited so a hand-edited cycle cannot loop forever.
      lineage: db.prepare(
        `WITH RECURSIVE chain(id, parent_id, n) AS (
           SELECT id, parent_id, 0 FROM models WHERE id = ?
           UNION ALL SELECT m.id, m.parent_id, c.n + 1 FROM models m JOIN chain c ON m.id = c.parent_id WHERE c.n < 10000)
         SELECT m.* FROM chain c JOIN models m ON m.id = c.id ORDER BY c.n DESC`,
      ),
      update: db.prepare(
        'UPDATE models SET name = ?, config = ?, provenance = ?, params_total = ?, params_trainable = ? WHERE id = ?',
      ),
      delete: db.prepare('DELETE FROM models WHERE id = ?'),
    };
  }

  private parse(row: unknown): Model {
    const r = parseRow(rowSchema, row, 'model');
    const experts =
      r.kind === 'merge'
        ? (this.q.experts.all(r.id) as { expert_id: string; weight: number }[]).map((e) => ({
            modelId: e.expert_id,
            weight: e.weight,
          }))
        : [];
    return toModel(r, experts);
  }

  /** Registers a trained model or growth stage whose weights are (or will be) in models/<id>/. */
  create(input: NewModel): Model {
    const m = parseInput(newModelSchema, input, 'model');
    const id = m.id ?? newId('mdl');
    try {
      this.q.insert.run(
        id,
        m.projectId,
        m.kind,
        m.name,
        m.parentId,
        m.depth,
        m.tokenizerId,
        m.substrateId,
        `models/${id}`,
        toJson(m.config),
        toJson(m.provenance),
        m.paramsTotal,
        m.paramsTrainable,
        this.ctx.now(),
      );
    } catch (err) {
      if (isConstraint(err, 'FOREIGNKEY')) {
        throw new UserError(
          `cannot add model "${m.name}": one of project ${m.projectId}, parent ${m.parentId}, tokenizer ${m.tokenizerId}, substrate ${m.substrateId} is unknown`,
        );
      }
      if (isConstraint(err, 'PRIMARYKEY')) throw new UserError(`a model with id ${id} already exists`);
      throw err;
    }
    return this.require(id);
  }

  /**
   * Registers a merge of existing experts. They must share tokenizer and substrate (docs/file-formats.md,
   * "Growth runs and merges"): the error names the ones that differ.
   */
  createMerge(input: NewMerge): Model {
    const m = parseInput(newMergeSchema, input, 'merge');
    const experts = m.experts.map((e) => this.require(e.modelId));
    const first = experts[0]!;
    for (const key of ['tokenizerId', 'substrateId'] as const) {
      const other = experts.find((e) => e[key] !== first[key]);
      if (other) {
        const what = key === 'tokenizerId' ? 'tokenizer' : 'substrate';
        throw new UserError(
          `cannot merge: experts use different ${what}s ("${first.name}": ${first[key] ?? 'trainable table'}, "${other.name}": ${other[key] ?? 'trainable table'})`,
        );
      }
    }
    const id = m.id ?? newId('mdl');
    const depth = Math.max(...experts.map((e) => e.depth));
    const params = experts.reduce((s, e) => s + e.paramsTotal, 0);
    this.ctx.db.transaction(() => {
      this.q.insert.run(
        id,
        m.projectId,
        'merge',
        m.name,
        null,
        depth,
        first.tokenizerId,
        first.substrateId,
        null,
        toJson(m.config),
        toJson(m.provenance),
        params,
        0,
        this.ctx.now(),
      );
      m.experts.forEach((e, i) => this.q.insertExpert.run(id, e.modelId, i, e.weight));
    })();
    return this.require(id);
  }

  get(id: string): Model | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : this.parse(row);
  }

  require(id: string): Model {
    const m = this.get(id);
    if (!m) throw new UserError(`no model with id ${id}`);
    return m;
  }

  list(projectId: string, opts: { kind?: ModelKind } = {}): Model[] {
    const rows = opts.kind ? this.q.listKind.all(projectId, opts.kind) : this.q.list.all(projectId);
    // One query for all experts instead of one per merge.
    const byMerge = new Map<string, MergeExpert[]>();
    for (const e of this.q.projectExperts.all(projectId) as { merge_id: string; expert_id: string; weight: number }[]) {
      const list = byMerge.get(e.merge_id) ?? [];
      list.push({ modelId: e.expert_id, weight: e.weight });
      byMerge.set(e.merge_id, list);
    }
    return rows.map((row) => {
      const r = parseRow(rowSchema, row, 'model');
      return toModel(r, byMerge.get(r.id) ?? []);
    });
  }

  /** The growth chain ending at `id`, oldest stage first (the model itself last). */
  lineage(id: string): Model[] {
    return this.q.lineage.all(id).map((r) => this.parse(r));
  }

  /** Stages grown directly from `id`. */
  children(id: string): Model[] {
    return this.q.children.all(id).map((r) => this.parse(r));
  }

  /** Merges that list `id` as an expert (they block its deletion). */
  mergesUsing(id: string): Model[] {
    return this.q.mergesUsing.all(id).map((r) => this.parse(r));
  }

  update(id: string, patch: ModelPatch): Model {
    const p = parseInput(modelPatchSchema, patch, 'model update');
    const cur = this.require(id);
    this.q.update.run(
      p.name ?? cur.name,
      toJson(p.config ?? cur.config),
      toJson(p.provenance ?? cur.provenance),
      p.paramsTotal ?? cur.paramsTotal,
      p.paramsTrainable ?? cur.paramsTrainable,
      id,
    );
    return this.require(id);
  }

  /**
   * Deletes the row (its eval results go with it; runs and child stages keep a null link).
   * Refuses while a merge uses it. The folder is the caller's: Workspace.deleteModel removes both.
   */
  delete(id: string): boolean {
    try {
      return this.q.delete.run(id).changes > 0;
    } catch (err) {
      if (!isConstraint(err, 'FOREIGNKEY')) throw err;
      const names = this.mergesUsing(id)
        .map((m) => `"${m.name}"`)
        .join(', ');
      throw new UserError(`cannot delete model ${id}: it is an expert of merged model(s) ${names}; delete those first`);
    }
  }
}
