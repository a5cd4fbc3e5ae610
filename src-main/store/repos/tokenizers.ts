// Tokenizers: content-addressed (id = SHA-256 of the ordered vocabulary), shared by every project in the workspace.
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, jsonObject, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

const rowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    vocab_size: z.number(),
    file: z.string(),
    metadata: jsonColumn(jsonObject),
    created_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    name: r.name,
    /** e.g. "unicode-ngram"; the engine owns the vocabulary of kinds. */
    kind: r.kind,
    vocabSize: r.vocab_size,
    /** tokenizer.json, relative to the workspace root. */
    file: r.file,
    metadata: r.metadata,
    createdAt: r.created_at,
  }));
export type TokenizerRecord = z.output<typeof rowSchema>;

export const newTokenizerSchema = z.object({
  id: idSchema,
  name: z.string().trim().min(1).max(300),
  kind: z.string().min(1),
  vocabSize: z.number().int().positive(),
  file: z.string().min(1),
  metadata: jsonObject.default({}),
});
export type NewTokenizer = z.input<typeof newTokenizerSchema>;

export class TokenizersRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO tokenizers (id, name, kind, vocab_size, file, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING`,
      ),
      get: db.prepare('SELECT * FROM tokenizers WHERE id = ?'),
      list: db.prepare('SELECT * FROM tokenizers ORDER BY created_at, id'),
      delete: db.prepare('DELETE FROM tokenizers WHERE id = ?'),
      setMetadata: db.prepare('UPDATE tokenizers SET metadata = ? WHERE id = ?'),
      users: db.prepare(
        `SELECT 'model' AS kind, name FROM models WHERE tokenizer_id = @id
         UNION ALL SELECT 'substrate', name FROM substrates WHERE tokenizer_id = @id LIMIT 5`,
      ),
    };
  }

  /** Idempotent: the same vocabulary registered twice is one row (the first registration's name wins). */
  register(input: NewTokenizer): TokenizerRecord {
    const t = parseInput(newTokenizerSchema, input, 'tokenizer');
    this.q.insert.run(t.id, t.name, t.kind, t.vocabSize, t.file, toJson(t.metadata), this.ctx.now());
    const rec = this.require(t.id);
    if (rec.vocabSize !== t.vocabSize) {
      throw new UserError(
        `tokenizer ${t.id} is registered with ${rec.vocabSize} tokens, not ${t.vocabSize}: the id must be the hash of the vocabulary`,
      );
    }
    return rec;
  }

  get(id: string): TokenizerRecord | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'tokenizer');
  }

  require(id: string): TokenizerRecord {
    const t = this.get(id);
    if (!t) throw new UserError(`no tokenizer with id ${id}`);
    return t;
  }

  /**
   * Records datasets' token counts under this tokenizer (metadata.datasetTokens, by dataset id), beside the counts
   * the datasets already show: a new tokenizer never silently replaces a figure the user has seen.
   */
  recordDatasetTokens(id: string, counts: Readonly<Record<string, number>>): TokenizerRecord {
    const t = this.require(id);
    const prev = datasetTokens(t);
    this.q.setMetadata.run(toJson({ ...t.metadata, datasetTokens: { ...prev, ...counts } }), id);
    return this.require(id);
  }

  list(): TokenizerRecord[] {
    return this.q.list.all().map((r) => parseRow(rowSchema, r, 'tokenizer'));
  }

  /** Refuses while a model or substrate uses the tokenizer, naming a few of them. */
  delete(id: string): boolean {
    try {
      return this.q.delete.run(id).changes > 0;
    } catch (err) {
      if (!isConstraint(err, 'FOREIGNKEY')) throw err;
      const users = (this.q.users.all({ id }) as { kind: string; name: string }[])
        .map((u) => `${u.kind} "${u.name}"`)
        .join(', ');
      throw new UserError(`cannot delete tokenizer ${id}: it is used by ${users}; delete those first`);
    }
  }
}

/** The token counts recorded under a tokenizer, by dataset id (recordDatasetTokens). */
export function datasetTokens(t: TokenizerRecord): Record<string, number> {
  const raw = t.metadata['datasetTokens'];
  const out: Record<string, number> = {};
  if (raw && typeof raw === 'object')
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[k] = v;
  return out;
}
