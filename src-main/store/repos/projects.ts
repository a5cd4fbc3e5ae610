// Projects: the top of the catalog. Deleting one cascades to its datasets, models, runs, metrics and evals.
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { isConstraint, newId, parseInput, parseRow } from '../rows';
import type { RepoContext } from './context';

const rowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    substrate_id: z.string().nullable(),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    /** The substrate the project trains on (its tokenizer follows it); null until one is built or chosen. */
    substrateId: r.substrate_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
export type Project = z.output<typeof rowSchema>;

const name = z.string().trim().min(1, 'must not be empty').max(200);
export const newProjectSchema = z.object({ name, description: z.string().max(10_000).default('') });
export type NewProject = z.input<typeof newProjectSchema>;
export const projectPatchSchema = z.object({ name: name.optional(), description: z.string().max(10_000).optional() });
export type ProjectPatch = z.input<typeof projectPatchSchema>;

export class ProjectsRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare('INSERT INTO projects (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM projects WHERE id = ?'),
      byName: db.prepare('SELECT * FROM projects WHERE name = ?'),
      list: db.prepare('SELECT * FROM projects ORDER BY created_at, id'),
      update: db.prepare('UPDATE projects SET name = ?, description = ?, updated_at = ? WHERE id = ?'),
      setSubstrate: db.prepare('UPDATE projects SET substrate_id = ?, updated_at = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM projects WHERE id = ?'),
    };
  }

  create(input: NewProject): Project {
    const p = parseInput(newProjectSchema, input, 'project');
    const id = newId('prj');
    const t = this.ctx.now();
    try {
      this.q.insert.run(id, p.name, p.description, t, t);
    } catch (err) {
      if (isConstraint(err, 'UNIQUE'))
        throw new UserError(`a project named "${p.name}" already exists; choose another name`);
      throw err;
    }
    return this.require(id);
  }

  get(id: string): Project | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'project');
  }

  require(id: string): Project {
    const p = this.get(id);
    if (!p) throw new UserError(`no project with id ${id}`);
    return p;
  }

  byName(projectName: string): Project | undefined {
    const row = this.q.byName.get(projectName);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'project');
  }

  list(): Project[] {
    return this.q.list.all().map((r) => parseRow(rowSchema, r, 'project'));
  }

  update(id: string, patch: ProjectPatch): Project {
    const p = parseInput(projectPatchSchema, patch, 'project update');
    const cur = this.require(id);
    try {
      this.q.update.run(p.name ?? cur.name, p.description ?? cur.description, this.ctx.now(), id);
    } catch (err) {
      if (isConstraint(err, 'UNIQUE'))
        throw new UserError(`a project named "${p.name}" already exists; choose another name`);
      throw err;
    }
    return this.require(id);
  }

  /** Chooses (or with null clears) the project's substrate. */
  setSubstrate(id: string, substrateId: string | null): Project {
    this.require(id);
    try {
      this.q.setSubstrate.run(substrateId, this.ctx.now(), id);
    } catch (err) {
      if (isConstraint(err, 'FOREIGNKEY')) throw new UserError(`no substrate with id ${substrateId}`);
      throw err;
    }
    return this.require(id);
  }

  /**
   * Deletes the project's rows (datasets, models, runs, metrics, evals go with it). Fails, changing
   * nothing, when a merge in another project uses one of its models. Folders on disk are the
   * caller's: use Workspace.deleteProject to remove both.
   */
  delete(id: string): boolean {
    try {
      return this.q.delete.run(id).changes > 0;
    } catch (err) {
      if (isConstraint(err, 'FOREIGNKEY')) {
        const users = this.ctx.db
          .prepare(
            `SELECT DISTINCT m.name AS merge, p.name AS project FROM model_experts e
             JOIN models x ON x.id = e.expert_id JOIN models m ON m.id = e.merge_id JOIN projects p ON p.id = m.project_id
             WHERE x.project_id = ? AND m.project_id <> ?`,
          )
          .all(id, id) as { merge: string; project: string }[];
        const list = users.map((u) => `"${u.merge}" (project "${u.project}")`).join(', ');
        throw new UserError(
          `cannot delete the project: its models are experts of merged model(s) ${list || 'in other projects'}; delete those first`,
        );
      }
      throw err;
    }
  }
}
