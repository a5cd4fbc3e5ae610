// Datasets: imported text with its identity (SHA-256), statistics, scripts and languages, and its split role.
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { idSchema, isConstraint, jsonColumn, newId, parseInput, parseRow, toJson } from '../rows';
import type { RepoContext } from './context';

/** File formats: text corpora are txt/jsonl/csv/parquet; benchmarks add SQuAD's json and pairs' tsv. */
export const DATASET_FORMATS = ['txt', 'jsonl', 'csv', 'parquet', 'json', 'tsv'] as const;
export const DATASET_SPLITS = ['train', 'val', 'test'] as const;
/** 'text' trains (and measures perplexity); 'benchmark' only evaluates, with its task. */
export const DATASET_KINDS = ['text', 'benchmark'] as const;
export const BENCHMARK_TASKS = ['mc', 'qa', 'bleu'] as const;
export const BENCH_FORMATS = ['mmlu-csv', 'squad-json', 'mc-jsonl', 'pairs-tsv', 'pairs-jsonl'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];
export type DatasetSplit = (typeof DATASET_SPLITS)[number];
export type DatasetKind = (typeof DATASET_KINDS)[number];

const counts = z.record(z.string(), z.number().nonnegative());
/** Share of letters per language guess, e.g. { en: 0.31, zh: 0.69 }. */
const shares = z.record(z.string(), z.number().min(0).max(1));
/** Language codes a person chose ("zh", "en", "other"), primary first. */
const languageList = z
  .array(
    z
      .string()
      .regex(/^(?:[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?|other)$/, 'must be a language code such as en, ru, zh or other'),
  )
  .min(1)
  .max(8);

const rowSchema = z
  .object({
    id: z.string(),
    project_id: z.string(),
    name: z.string(),
    source_path: z.string(),
    text_path: z.string().nullable(),
    format: z.enum(DATASET_FORMATS),
    field: z.string().nullable(),
    split: z.enum(DATASET_SPLITS),
    sha256: z.string(),
    text_sha256: z.string().nullable(),
    bytes: z.number(),
    characters: z.number(),
    records: z.number(),
    tokens: z.number().nullable(),
    tokenizer_id: z.string().nullable(),
    scripts: jsonColumn(counts),
    language: z.string().nullable(),
    languages: jsonColumn(shares),
    kind: z.enum(DATASET_KINDS),
    task: z.enum(BENCHMARK_TASKS).nullable(),
    bench_format: z.enum(BENCH_FORMATS).nullable(),
    pair: z.string().nullable(),
    languages_set: jsonColumn(languageList).nullable(),
    created_at: z.number(),
  })
  .transform((r) => ({
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    /** Where the user's file was when imported (absolute; it may have moved since). */
    sourcePath: r.source_path,
    /** Extracted UTF-8 text inside the workspace (relative), when it was copied in. */
    textPath: r.text_path,
    format: r.format,
    /** JSONL field or CSV/Parquet column the text came from. */
    field: r.field,
    split: r.split,
    sha256: r.sha256,
    textSha256: r.text_sha256,
    bytes: r.bytes,
    characters: r.characters,
    records: r.records,
    tokens: r.tokens,
    tokenizerId: r.tokenizer_id,
    scripts: r.scripts,
    language: r.language,
    languages: r.languages,
    kind: r.kind,
    /** Benchmarks: the evaluation task, the layout recognised and, for translation, the language pair. */
    task: r.task,
    benchFormat: r.bench_format,
    pair: r.pair,
    /** The languages a person set (primary first); null when the detected mix stands. */
    languagesSet: r.languages_set,
    createdAt: r.created_at,
  }));
export type Dataset = z.output<typeof rowSchema>;

const sha = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
const count = z.number().int().nonnegative();

export const newDatasetSchema = z
  .object({
    id: idSchema.optional(),
    projectId: idSchema,
    name: z.string().trim().min(1, 'must not be empty').max(300),
    sourcePath: z.string().min(1),
    textPath: z.string().min(1).nullable().default(null),
    format: z.enum(DATASET_FORMATS),
    field: z.string().nullable().default(null),
    split: z.enum(DATASET_SPLITS).default('train'),
    sha256: sha,
    textSha256: sha.nullable().default(null),
    bytes: count,
    characters: count,
    records: count,
    tokens: count.nullable().default(null),
    tokenizerId: z.string().nullable().default(null),
    scripts: counts.default({}),
    language: z.string().nullable().default(null),
    languages: shares.default({}),
    kind: z.enum(DATASET_KINDS).default('text'),
    task: z.enum(BENCHMARK_TASKS).nullable().default(null),
    benchFormat: z.enum(BENCH_FORMATS).nullable().default(null),
    pair: z
      .string()
      .regex(/^[a-z]{2,3}-[a-z]{2,3}$/)
      .nullable()
      .default(null),
  })
  .refine((d) => (d.kind === 'benchmark') === (d.task !== null && d.benchFormat !== null), {
    message: 'a benchmark needs its task and layout, and only a benchmark has them',
    path: ['task'],
  });
export type NewDataset = z.input<typeof newDatasetSchema>;

export const datasetPatchSchema = z.object({
  name: z.string().trim().min(1).max(300).optional(),
  split: z.enum(DATASET_SPLITS).optional(),
  textPath: z.string().min(1).nullable().optional(),
  /** Token counts are per tokenizer; set both together. */
  tokens: count.nullable().optional(),
  tokenizerId: z.string().nullable().optional(),
  /** The languages a person set, primary first (null: back to the detected mix). */
  languagesSet: languageList.nullable().optional(),
});
export type DatasetPatch = z.input<typeof datasetPatchSchema>;

const COLUMNS =
  'id, project_id, name, source_path, text_path, format, field, split, sha256, text_sha256, bytes, characters, records, tokens, tokenizer_id, scripts, language, languages, kind, task, bench_format, pair, created_at';

export class DatasetsRepo {
  private readonly q;

  constructor(private readonly ctx: RepoContext) {
    const { db } = ctx;
    this.q = {
      insert: db.prepare(
        `INSERT INTO datasets (${COLUMNS}) VALUES (${COLUMNS.split(',')
          .map(() => '?')
          .join(', ')})`,
      ),
      get: db.prepare('SELECT * FROM datasets WHERE id = ?'),
      list: db.prepare('SELECT * FROM datasets WHERE project_id = ? ORDER BY created_at, id'),
      listSplit: db.prepare('SELECT * FROM datasets WHERE project_id = ? AND split = ? ORDER BY created_at, id'),
      bySha: db.prepare('SELECT * FROM datasets WHERE project_id = ? AND sha256 = ? ORDER BY created_at, id'),
      update: db.prepare(
        'UPDATE datasets SET name = ?, split = ?, text_path = ?, tokens = ?, tokenizer_id = ?, languages_set = ? WHERE id = ?',
      ),
      delete: db.prepare('DELETE FROM datasets WHERE id = ?'),
    };
  }

  create(input: NewDataset): Dataset {
    const d = parseInput(newDatasetSchema, input, 'dataset');
    const id = d.id ?? newId('ds');
    try {
      this.q.insert.run(
        id,
        d.projectId,
        d.name,
        d.sourcePath,
        d.textPath,
        d.format,
        d.field,
        d.split,
        d.sha256,
        d.textSha256,
        d.bytes,
        d.characters,
        d.records,
        d.tokens,
        d.tokenizerId,
        toJson(d.scripts),
        d.language,
        toJson(d.languages),
        d.kind,
        d.task,
        d.benchFormat,
        d.pair,
        this.ctx.now(),
      );
    } catch (err) {
      if (isConstraint(err, 'UNIQUE'))
        throw new UserError(`this project already has a dataset named "${d.name}"; choose another name`);
      if (isConstraint(err, 'FOREIGNKEY'))
        throw new UserError(
          `cannot add dataset "${d.name}": unknown project ${d.projectId} or tokenizer ${d.tokenizerId}`,
        );
      throw err;
    }
    return this.require(id);
  }

  get(id: string): Dataset | undefined {
    const row = this.q.get.get(id);
    return row === undefined ? undefined : parseRow(rowSchema, row, 'dataset');
  }

  require(id: string): Dataset {
    const d = this.get(id);
    if (!d) throw new UserError(`no dataset with id ${id}`);
    return d;
  }

  list(projectId: string, opts: { split?: DatasetSplit } = {}): Dataset[] {
    const rows = opts.split ? this.q.listSplit.all(projectId, opts.split) : this.q.list.all(projectId);
    return rows.map((r) => parseRow(rowSchema, r, 'dataset'));
  }

  /** The same file imported before into this project, to offer reuse instead of a duplicate. */
  findBySha256(projectId: string, sha256: string): Dataset[] {
    return this.q.bySha.all(projectId, sha256).map((r) => parseRow(rowSchema, r, 'dataset'));
  }

  update(id: string, patch: DatasetPatch): Dataset {
    const p = parseInput(datasetPatchSchema, patch, 'dataset update');
    const cur = this.require(id);
    try {
      this.q.update.run(
        p.name ?? cur.name,
        p.split ?? cur.split,
        p.textPath === undefined ? cur.textPath : p.textPath,
        p.tokens === undefined ? cur.tokens : p.tokens,
        p.tokenizerId === undefined ? cur.tokenizerId : p.tokenizerId,
        p.languagesSet === undefined
          ? cur.languagesSet === null
            ? null
            : toJson(cur.languagesSet)
          : p.languagesSet === null
            ? null
            : toJson(p.languagesSet),
        id,
      );
    } catch (err) {
      if (isConstraint(err, 'UNIQUE'))
        throw new UserError(`this project already has a dataset named "${p.name}"; choose another name`);
      if (isConstraint(err, 'FOREIGNKEY')) throw new UserError(`unknown tokenizer ${p.tokenizerId}`);
      throw err;
    }
    return this.require(id);
  }

  /** Deletes the row; the extracted text file is the caller's (Workspace.deleteDataset removes both). */
  delete(id: string): boolean {
    return this.q.delete.run(id).changes > 0;
  }
}
