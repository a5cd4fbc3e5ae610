// Substrates: frozen embedding tables, content-addressed (id = SHA-256 of vocabulary strings and matrix bytes).
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, jsonObject, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

const rowSchema = z
  .object({
    id: z.string(),
    tokenizer_id: z.string(),
    name: z.string(),
    kind: z.string(),
    dim: z.number(),
    file: z.string(),
    metadata: jsonColumn(jsonObject),
    created_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    tokenizerId: r.tokenizer_id,
    name: r.name,
    /** e.g. "glyph", "binary", "random-binary", "random-float"; the engine owns the list. */
    kind: r.kind,
    dim: r.dim,
    /** The matrix file, relative to the workspace root. */
    file: r.file,
    /** Font, cell size, PCA settings, seed…: whatever reproduces the table. */
    metadata: r.metadata,
    createdAt: r.created_at,
  }));
export type SubstrateRecord = z.output<typeof rowSchema>;

export const newSubstrateSchema = z.object({
  id: idSchema,
  tokenizerId: idSchema,
  name: z.string().trim().min(1).max(300),
  kind: z.string().min(1),
  dim: z.number().int().positive(),
  file: z.string().min(1),
  metadata: jsonObject.default({}),
});
export type NewSubstrate = z.input<typeof newSubstrateSchema>;

export class SubstratesRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO substrates (id, tokenizer_id, name, kind, dim, file, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      get: db.prepare('SELECT * FROM substrates WHERE id = ?'),
      list: db.prepare('SELECT * FROM substrates ORDER BY created_at, id'),
      byTokenizer: db.prepare('SELECT * FROM substrates WHERE tokenizer_id = ? ORDER BY created_at, id'),
      delete: db.prepare('DELETE FROM substrates WHERE id = ?'),
      setMetadata: db.prepare('UPDATE substrates SET metadata = ? WHERE id = ?'),
      modelUsers: db.prepare('SELECT COUNT(*) AS n FROM models WHERE substrate_id = ?'),
      projectUsers: db.prepare('SELECT COUNT(*) AS n FROM projects WHERE substrate_id = ?'),
      buildRuns: db.prepare(
        `SELECT COUNT(*) AS n FROM runs WHERE kind = 'substrate' AND status = 'done' AND json_extract(result, '$.substrateId') = ?`,
      ),
      users: db.prepare('SELECT name FROM models WHERE substrate_id = ? LIMIT 5'),
    };
  }

  /** Idempotent: the same table registered twice is one row. */
  register(input: NewSubstrate): SubstrateRecord {
    const s = parseInput(newSubstrateSchema, input, 'substrate');
    try {
      this.q.insert.run(s.id, s.tokenizerId, s.name, s.kind, s.dim, s.file, toJson(s.metadata), this.ctx.now());
    } catch (err) {
      if (isConstraint(err, 'FOREIGNKEY'))
        throw new UserError(`cannot register substrate "${s.name}": tokenizer ${s.tokenizerId} is not registered`);
      throw err;
    }
    const rec = this.require(s.id);
    if (rec.tokenizerId !== s.tokenizerId || rec.dim !== s.dim) {
      throw new UserError(
        `substrate ${s.id} is already registered for tokenizer ${rec.tokenizerId} with dim ${rec.dim}: the id must be the hash of its contents`,
      );
    }
    return rec;
  }

  get(id: string): SubstrateRecord | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'substrate');
  }

  require(id: string): SubstrateRecord {
    const s = this.get(id);
    if (!s) throw new UserError(`no substrate with id ${id}`);
    return s;
  }

  list(opts: { tokenizerId?: string } = {}): SubstrateRecord[] {
    const rows = opts.tokenizerId ? this.q.byTokenizer.all(opts.tokenizerId) : this.q.list.all();
    return rows.map((r) => parseRow(rowSchema, r, 'substrate'));
  }

  /** The user's own name for the substrate (metadata.label; empty clears it). */
  setLabel(id: string, label: string): SubstrateRecord {
    const s = this.require(id);
    const clean = label.trim().slice(0, 120);
    const { label: _old, ...rest } = s.metadata;
    this.q.setMetadata.run(toJson(clean ? { ...rest, label: clean } : rest), id);
    return this.require(id);
  }

  /**
   * What keeps a substrate: models built on it, projects that chose it, and the finished build runs that list it
   * in a project's Substrate view (the user deletes those substrates there, explicitly).
   */
  references(id: string): { models: number; projects: number; builds: number } {
    const n = (q: { get(id: string): unknown }) => (q.get(id) as { n: number }).n;
    return { models: n(this.q.modelUsers), projects: n(this.q.projectUsers), builds: n(this.q.buildRuns) };
  }

  /** Refuses while a model is built on the substrate, naming a few of them. */
  delete(id: string): boolean {
    try {
      return this.q.delete.run(id).changes > 0;
    } catch (err) {
      if (!isConstraint(err, 'FOREIGNKEY')) throw err;
      const users = (this.q.users.all(id) as { name: string }[]).map((u) => `"${u.name}"`).join(', ');
      throw new UserError(`cannot delete the substrate: model(s) ${users} are built on it; delete those first`);
    }
  }
}
