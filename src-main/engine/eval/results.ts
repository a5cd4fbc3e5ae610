// Eval results with their provenance: saved as JSON beside the model, compared across models and growth depths.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { sha256Hex } from '../util/hash';
import type { DegenerateSummary } from './degenerate';
import type { ItemAccounting } from './item-filter';
import { READ_LIMITS, readJsonCapped } from '../util/read-capped';

export interface EvalResult {
  task: string;
  protocol: string;
  /** Items scored (tokens for perplexity). */
  n: number;
  metrics: Record<string, number>;
  /** Half-width of the headline metric's 95% interval (paper protocol), else null. */
  ci95: number | null;
  seconds: number;
  modelId: string;
  runs: number;
  seed: number;
  datasetSha256: string;
  /** The data file's name (the hash is what identifies it). */
  dataset: string;
  limit?: number;
  settings: Record<string, unknown>;
  details?: Record<string, unknown>;
  /** Items left out before counting or scored differently, with reasons. */
  accounting?: ItemAccounting;
  /** Degenerate outputs beside the official metric. */
  degenerate?: DegenerateSummary;
  /** Multiple choice: the accuracy of uniform guessing (mean of 1/choices over the scored items). */
  chance?: number;
  createdAt: string;
  items?: unknown[];
}

/** 8 hex digits identifying what was measured (data, limit, runs, seed, settings): a rerun replaces its file. */
export function resultHash8(r: EvalResult): string {
  return sha256Hex(
    JSON.stringify({ d: r.datasetSha256, l: r.limit ?? null, r: r.runs, s: r.seed, t: r.settings }),
  ).slice(0, 8);
}

export function resultFileName(r: EvalResult): string {
  return `${r.task}-${r.protocol}-${resultHash8(r)}.json`;
}

/** Writes `<modelDir>/evals/<task>-<protocol>-<hash8>.json` atomically and returns its path. */
export function saveResult(modelDir: string, r: EvalResult): string {
  const path = join(modelDir, 'evals', resultFileName(r));
  writeFileAtomic(path, `${JSON.stringify(r, null, 2)}\n`);
  return path;
}

/** The result without per-item records (for printing and for the CLI's JSON). */
export function summary(r: EvalResult): Omit<EvalResult, 'items'> {
  const { items: _items, ...rest } = r;
  return rest;
}

/** Metrics shown in tables (the rest stay in the JSON). */
const TABLE_METRICS: Record<string, string[]> = {
  'ppl-loglik': ['ppl', 'bits_per_char', 'bits_per_byte'],
  'mc-loglik': ['acc', 'acc_norm'],
  'mc-paper': ['acc', 'std'],
  'qa-paper': ['acc', 'std'],
  'qa-squad': ['exact', 'f1', 'HasAns_f1', 'NoAns_exact'],
  'bleu-paper': ['bleu', 'corpus_bleu', 'chrf'],
};

export interface Table {
  columns: string[];
  rows: (string | number | null)[][];
  /** Columns printed as integers (counts, depth); other numeric columns get fixed decimals. */
  integerColumns?: string[];
}

/** One row per result: model, task, protocol, n, the task's table metrics, ci95. */
export function comparisonTable(
  results: readonly EvalResult[],
  firstColumn: { name: string; values?: (string | number)[] } = { name: 'model' },
): Table {
  const metricCols: string[] = [];
  for (const r of results) {
    const wanted = TABLE_METRICS[`${r.task}-${r.protocol}`] ?? Object.keys(r.metrics);
    for (const m of wanted) if (r.metrics[m] !== undefined && !metricCols.includes(m)) metricCols.push(m);
  }
  const withCi = results.some((r) => r.ci95 !== null && r.ci95 !== undefined);
  const columns = [firstColumn.name, 'task', 'protocol', 'n', ...metricCols, ...(withCi ? ['ci95'] : [])];
  const rows = results.map((r, i) => [
    firstColumn.values?.[i] ?? r.modelId,
    r.task,
    r.protocol,
    r.n,
    ...metricCols.map((m) => r.metrics[m] ?? null),
    ...(withCi ? [r.ci95 ?? null] : []),
  ]);
  return {
    columns,
    rows,
    integerColumns: [
      firstColumn.name,
      'n',
      'tokens',
      'chars',
      'bytes',
      'sys_len',
      'ref_len',
      'total',
      'eligible',
      'skipped',
    ],
  };
}

function fmt(v: string | number | null, decimals: number | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (decimals === null) return String(v);
  return v.toFixed(decimals);
}

/** Integer columns print as integers; other numeric columns share one precision (1 decimal from 100 up, else 4). */
function columnDecimals(t: Table, j: number): number | null {
  const nums = t.rows.map((r) => r[j]).filter((v): v is number => typeof v === 'number');
  const integerColumn = t.integerColumns ? t.integerColumns.includes(t.columns[j]!) : true;
  if (integerColumn && nums.every((v) => Number.isInteger(v))) return null;
  return nums.every((v) => Math.abs(v) >= 100 || !Number.isFinite(v)) ? 1 : 4;
}

/** Plain-text table with aligned columns (numbers right-aligned). */
export function formatTable(t: Table): string {
  const decimals = t.columns.map((_, j) => columnDecimals(t, j));
  const cells = [t.columns, ...t.rows.map((r) => r.map((v, j) => fmt(v, decimals[j]!)))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  const numeric = t.columns.map(
    (_, j) => t.rows.length > 0 && t.rows.every((r) => typeof r[j] === 'number' || r[j] === null),
  );
  const line = (r: (string | number | null)[]): string =>
    r
      .map((c, j) => (numeric[j] ? String(c).padStart(widths[j]!) : String(c).padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The results saved in a model folder's `evals/` (a file that does not parse is left out: the card lists what it can). */
export function loadResults(modelDir: string): EvalResult[] {
  const dir = join(modelDir, 'evals');
  if (!existsSync(dir)) return [];
  const out: EvalResult[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json') || f.startsWith('.')) continue;
    try {
      out.push(readJsonCapped(join(dir, f), 'evaluation result', READ_LIMITS.text) as EvalResult);
    } catch {
      // a damaged or foreign file: the card lists the results it can read
    }
  }
  return out;
}
