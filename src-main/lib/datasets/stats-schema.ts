// What an import job hands back across the process boundary, as zod schemas of the importers' own types
// (ImportStats, BenchmarkStats), so main parses a typed union instead of casting a loose record.
import { z } from 'zod';
import { BENCHMARK_FORMATS, type BenchmarkTask } from './benchmark-detect';
import type { BenchmarkStats } from './benchmark-import';
import type { ImportFormat, ImportStats } from './import';

const Counts = z.record(z.string(), z.number());

export const ImportStatsSchema = z.object({
  file: z.string(),
  format: z.enum(['txt', 'jsonl', 'json', 'csv', 'parquet'] satisfies ImportFormat[]),
  field: z.string().nullable(),
  bytes: z.number(),
  sha256: z.string(),
  textBytes: z.number(),
  textSha256: z.string(),
  characters: z.number(),
  lines: z.number(),
  records: z.number(),
  skipped: z.number(),
  scripts: Counts,
  language: z.string().nullable(),
  languages: Counts,
  tokens: z.number().nullable(),
});

export const BenchmarkStatsSchema = z.object({
  kind: z.literal('benchmark'),
  file: z.string(),
  format: z.enum(BENCHMARK_FORMATS),
  task: z.enum(['mc', 'qa', 'bleu'] satisfies BenchmarkTask[]),
  items: z.number(),
  bytes: z.number(),
  sha256: z.string(),
  characters: z.number(),
  scripts: Counts,
  language: z.string().nullable(),
  languages: Counts,
  pair: z.string().nullable(),
});

/** A benchmark's stats (kind 'benchmark') or a training text's. */
export const DatasetStats = z.union([BenchmarkStatsSchema, ImportStatsSchema]);
export type DatasetStats = z.infer<typeof DatasetStats>;

// The schemas must describe exactly the importers' types: this fails to compile when either side changes alone.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const STATS_SCHEMAS_MATCH: [
  Same<z.infer<typeof ImportStatsSchema>, ImportStats>,
  Same<z.infer<typeof BenchmarkStatsSchema>, BenchmarkStats>,
] = [true, true];
