// Domain records shared by main and renderer (projects, datasets, substrates, models, runs, evals), as zod schemas.
import { z } from 'zod';

export const Id = z.string().min(1).max(128);
export const Timestamp = z.string(); // ISO-8601

export const Project = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).default(''),
  tokenizerId: z.string().nullable(),
  substrateId: z.string().nullable(),
  createdAt: Timestamp,
});
export type Project = z.infer<typeof Project>;

export const DatasetFormat = z.enum(['txt', 'jsonl', 'json', 'csv', 'parquet']);
export const DatasetSplit = z.enum(['train', 'val', 'test']);
/** 'text' is training text (and perplexity's held-out text); 'benchmark' is an evaluation file, never trained on. */
export const DatasetKind = z.enum(['text', 'benchmark']);
/** The evaluation task a benchmark feeds: multiple choice, question answering, translation. */
export const BenchmarkTask = z.enum(['mc', 'qa', 'bleu']);
export const BenchmarkFormat = z.enum(['mmlu-csv', 'squad-json', 'mc-jsonl', 'pairs-tsv', 'pairs-jsonl']);
/** A language code as datasets carry it: en, ru, zh, zh-cn, … or "other". */
export const LanguageCode = z
  .string()
  .regex(/^(?:[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?|other)$/, 'must be a language code such as en, ru, zh or other');
/** How a file is imported: 'auto' recognises benchmark layouts, 'text' and 'benchmark' insist. */
export const ImportKind = z.enum(['auto', 'text', 'benchmark']);
export type ImportKind = z.infer<typeof ImportKind>;
export const Benchmark = z.object({
  task: BenchmarkTask,
  format: BenchmarkFormat,
  /** Questions, or sentence pairs. */
  items: z.number().int().nonnegative(),
  /** Translation: "en-ru" when the file's name or scripts tell; null otherwise. */
  pair: z.string().nullable(),
});
export type Benchmark = z.infer<typeof Benchmark>;
export const Dataset = z.object({
  id: Id,
  projectId: Id,
  name: z.string(),
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  characters: z.number().int().nonnegative(),
  tokens: z.number().int().nonnegative().nullable(),
  /**
   * Counts under every tokenizer that counted the dataset (a later substrate build with a new tokenizer adds one
   * here instead of replacing `tokens`); absent from older servers.
   */
  tokenCounts: z
    .array(z.object({ tokenizerId: z.string(), tokenizerName: z.string(), tokens: z.number().int().nonnegative() }))
    .optional(),
  /** Characters per script seen (Latin, Cyrillic, Han, …). */
  scripts: z.record(z.string(), z.number()),
  /** What the list shows: the languages joined, primary first ("zh + en"); '' when no letters were seen. */
  language: z.string(),
  /** The languages shown, primary first: a person's choice, or the detected mix (shares ≥ 10%). */
  languages: z.array(z.string()),
  /** Detected share of words per language, e.g. { zh: 0.83, en: 0.17 }. */
  languageShares: z.record(z.string(), z.number()),
  languagesSetByUser: z.boolean(),
  kind: DatasetKind,
  /** Benchmarks only. */
  benchmark: Benchmark.nullable(),
  split: DatasetSplit,
  format: z.enum([...DatasetFormat.options, 'tsv']),
  field: z.string().nullable(),
  createdAt: Timestamp,
});
export type Dataset = z.infer<typeof Dataset>;

export const SubstrateKind = z.enum(['glyph', 'binary-id', 'random', 'imported']);
export const Substrate = z.object({
  id: Id,
  projectId: Id,
  /** What pickers and lists show: the label (if any), kind, glyph grid, dim, vocabulary and date; unique in a list. */
  name: z.string(),
  /** The user's own name for it (editable in the Substrate view); '' when none. */
  label: z.string(),
  kind: SubstrateKind,
  /** Glyph cell size (16 or 32) for glyph substrates, else null. */
  grid: z.number().int().positive().nullable(),
  dim: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  tokenizerId: z.string(),
  collisions: z.number().int().nonnegative(),
  path: z.string(),
  fontSha256: z.string().nullable(),
  createdAt: Timestamp,
});
export type Substrate = z.infer<typeof Substrate>;

/** The paper's counts: total includes the frozen substrate; the breakdown is null for models that predate it. */
export const ParamCounts = z.object({
  total: z.number().int().nonnegative(),
  trainable: z.number().int().nonnegative(),
  frozen: z.number().int().nonnegative(),
  frozenBlocks: z.number().int().nonnegative().nullable(),
  frozenSubstrate: z.number().int().nonnegative().nullable(),
});

export const ModelKind = z.enum(['trained', 'stage', 'merge']);
export const MergeMode = z.enum(['logits', 'weighted', 'probs', 'confidence']);
export const ModelEntry = z.object({
  id: Id,
  projectId: Id,
  kind: ModelKind,
  name: z.string(),
  depth: z.number().int().nonnegative(),
  parentId: Id.nullable(),
  runId: Id.nullable(),
  experts: z.array(Id),
  mergeMode: MergeMode.nullable(),
  mergeWeights: z.array(z.number()).nullable(),
  params: ParamCounts,
  substrateId: z.string(),
  tokenizerId: z.string(),
  config: z.record(z.string(), z.unknown()),
  provenance: z.record(z.string(), z.unknown()),
  folder: z.string(),
  createdAt: Timestamp,
});
export type ModelEntry = z.infer<typeof ModelEntry>;

// Runs (a union by kind with typed params and results) live in runs.ts.

export const MetricPoint = z.object({
  step: z.number(),
  name: z.string(),
  value: z.number(),
  /** Seconds since the run started. */
  t: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** One named series of a run, columnar so large curves stay cheap to ship and draw. */
export const MetricSeries = z.object({
  name: z.string(),
  steps: z.array(z.number()),
  values: z.array(z.number()),
  t: z.array(z.number()),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

/** A stored line of a run's log. */
export const RunLogLine = z.object({
  /** Numbers the run's lines 1, 2, 3…; never reused. */
  seq: z.number().int().positive(),
  t: Timestamp,
  line: z.string(),
});
export type RunLogLine = z.infer<typeof RunLogLine>;

export const EvalTask = z.enum(['ppl', 'mc', 'qa', 'bleu']);
export type EvalTask = z.infer<typeof EvalTask>;
/** 'holdout' (perplexity only): the model's recorded training hold-out, the windows its validation scored. */
export const EvalProtocol = z.enum(['paper', 'loglik', 'holdout']);
/** A step that left items out before counting ('dropped') or scored them other than the file says ('changed'). */
export const EvalFilterCount = z.object({
  step: z.string(),
  effect: z.enum(['dropped', 'changed']),
  reason: z.string(),
  count: z.number().int().nonnegative(),
});
export type EvalFilterCount = z.infer<typeof EvalFilterCount>;
const Count = z.number().int().nonnegative();
/** Degenerate generated outputs in one group of items ('all', or the official metric's 'HasAns' / 'NoAns'). */
export const EvalDegenerateGroup = z.object({
  group: z.string(),
  outputs: Count,
  degenerate: Count,
  byKind: z.record(z.string(), Count),
});
export type EvalDegenerateGroup = z.infer<typeof EvalDegenerateGroup>;
/** What an evaluation left out and what its outputs look like: shown beside the official numbers. */
export const EvalReport = z.object({
  inFile: Count,
  scored: Count,
  steps: z.array(EvalFilterCount),
  degenerate: z.object({ rule: z.string(), groups: z.array(EvalDegenerateGroup) }).nullable(),
  /** Multiple choice: uniform guessing's accuracy (1/choices, averaged over the scored items). */
  chance: z.number().min(0).max(1).optional(),
});
export type EvalReport = z.infer<typeof EvalReport>;
/**
 * One item of an evaluation as the item browser shows it. Scored items may carry how many of their outputs were
 * degenerate; items left out carry the reason instead (output empty, correct false).
 */
export const EvalItemRecord = z.object({
  prompt: z.string(),
  choices: z.array(z.string()),
  output: z.string(),
  expected: z.string(),
  correct: z.boolean(),
  degenerate: z.object({ flagged: Count, outputs: Count, kinds: z.array(z.string()) }).optional(),
  reason: z.string().optional(),
  line: z.number().int().optional(),
});
export type EvalItemRecord = z.infer<typeof EvalItemRecord>;
export const EvalResult = z.object({
  id: Id,
  modelId: Id,
  runId: Id.nullable(),
  task: EvalTask,
  protocol: EvalProtocol,
  datasetName: z.string(),
  datasetSha256: z.string(),
  n: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.number()),
  ci95: z.number().nullable(),
  runs: z.number().int().positive(),
  seed: z.number().int(),
  createdAt: Timestamp,
  /** Items left out and degenerate outputs (QA protocols); absent for results recorded before it existed. */
  report: EvalReport.optional(),
  /** The run's limit: tokens of the text for perplexity, items for the other tasks; absent when none was set. */
  limit: z.number().int().positive().optional(),
});
export type EvalResult = z.infer<typeof EvalResult>;
