// The model × task comparison: one column per task + dataset + protocol (numbers are comparable only within
// one), one row per model, each cell the newest result's headline metric with its 95% interval.
import type { EvalResult } from '../../../src-shared/domain';
import { headlineMetric } from '../../../src-shared/metrics';

export interface EvalFilters {
  modelIds: string[];
  task: EvalResult['task'] | '';
  /** A protocol as its label names it ("SQuAD v2 official (greedy)"): the stored value alone is ambiguous. */
  protocol: string;
  dataset: string;
}

export const NO_FILTERS: EvalFilters = { modelIds: [], task: '', protocol: '', dataset: '' };

export interface MatrixColumn {
  key: string;
  /** "first 2,000 tokens" on a perplexity column whose runs had a limit. */
  limit?: string | null;
  task: EvalResult['task'];
  protocol: EvalResult['protocol'];
  dataset: string;
  metric: string;
  /** What the protocol is, as a column header says it. */
  protocolLabel: string;
}

export interface MatrixCell {
  result: EvalResult;
  value: number;
  /** Half-width of the 95% interval; null when the protocol gives none. */
  ci: number | null;
  /** Where the interval comes from (shown as a tooltip). */
  ciSource: string;
  /** Older results of the same model and column (reruns). */
  older: number;
  /** "8/8 outputs degenerate" when any output was; null otherwise. */
  flag: string | null;
  /** "5 of 8 items scored" when a filter left items out; null otherwise. */
  coverage: string | null;
  /** Translation: the field's standard numbers beside the paper's ("standard BLEU 0.41 · chrF 12.30"); null otherwise. */
  standard?: string | null;
}

/** The standard corpus BLEU and chrF (greedy) a translation result records beside the paper's BLEU. */
export function standardScores(r: Pick<EvalResult, 'task' | 'metrics'>): string | null {
  if (r.task !== 'bleu') return null;
  const parts: string[] = [];
  const b = r.metrics['corpus_bleu'];
  const c = r.metrics['chrf'];
  if (b !== undefined && Number.isFinite(b)) parts.push(`standard BLEU ${b.toFixed(2)}`);
  if (c !== undefined && Number.isFinite(c)) parts.push(`chrF ${c.toFixed(2)}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}

export interface Matrix {
  columns: MatrixColumn[];
  rows: { modelId: string; cells: (MatrixCell | null)[] }[];
}

export const TASK_LABELS: Record<EvalResult['task'], string> = {
  mc: 'multiple choice',
  qa: 'question answering',
  ppl: 'perplexity',
  bleu: 'translation',
};

/** The protocol as a header names it: QA's "loglik" is the official SQuAD v2 EM/F1 with greedy decoding. */
export function protocolLabel(task: EvalResult['task'], protocol: EvalResult['protocol']): string {
  if (protocol === 'paper') return 'paper (sampled runs)';
  if (protocol === 'holdout') return 'holdout (training validation windows)';
  if (task === 'qa') return 'SQuAD v2 official (greedy)';
  if (task === 'ppl') return 'loglik (rolling windows)';
  return 'loglik (harness)';
}

/** "first 2,000 tokens" for perplexity (its limit counts tokens of the text), "first 50 items" otherwise; null without a limit. */
export function limitText(r: Pick<EvalResult, 'task' | 'limit'>): string | null {
  if (r.limit === undefined) return null;
  return `first ${r.limit.toLocaleString('en')} ${r.task === 'ppl' ? 'tokens' : 'items'}`;
}

/** Results compare within one column only: a perplexity over the first 2,000 tokens is another number than over all. */
export function columnKey(
  r: Pick<EvalResult, 'task' | 'protocol' | 'datasetName'> & Partial<Pick<EvalResult, 'limit'>>,
): string {
  return `${r.task}\u0000${r.protocol}\u0000${r.datasetName}${r.task === 'ppl' && r.limit !== undefined ? `\u0000${r.limit}` : ''}`;
}

/**
 * The 95% interval of a result's headline metric: the paper protocol's 1.96σ/√runs when recorded; otherwise,
 * for an accuracy over n items, 1.96 × its standard error (the harness's acc_stderr, or the binomial one).
 */
export function interval(r: EvalResult, metric: string): { ci: number | null; source: string } {
  if (r.ci95 !== null && Number.isFinite(r.ci95))
    return { ci: r.ci95, source: `1.96σ/√runs over ${r.runs} sampled runs` };
  if (metric === 'acc' || metric === 'acc_norm') {
    const se = r.metrics['acc_stderr'];
    if (metric === 'acc' && se !== undefined && Number.isFinite(se))
      return { ci: 1.96 * se, source: `1.96 × standard error over ${r.n} items` };
    const p = r.metrics[metric]!;
    if (r.n >= 2)
      return {
        ci: 1.96 * Math.sqrt((p * (1 - p)) / (r.n - 1)),
        source: `1.96 × binomial standard error over ${r.n} items`,
      };
  }
  return { ci: null, source: 'this protocol gives no interval (one deterministic pass)' };
}

/** "8/8 outputs degenerate" for the group the headline describes; NoAns and HasAns are named when they differ. */
export function degenerateFlag(r: EvalResult): string | null {
  const groups = r.report?.degenerate?.groups ?? [];
  const all = groups.find((g) => g.group === 'all');
  if (!all || all.degenerate === 0) return null;
  const parts = [`${all.degenerate}/${all.outputs} outputs degenerate`];
  for (const g of groups)
    if (g.group !== 'all' && g.degenerate > 0) parts.push(`${g.group} ${g.degenerate}/${g.outputs}`);
  return parts.join(' · ');
}

export function applyFilters(results: readonly EvalResult[], f: EvalFilters): EvalResult[] {
  return results.filter(
    (r) =>
      (f.modelIds.length === 0 || f.modelIds.includes(r.modelId)) &&
      (!f.task || r.task === f.task) &&
      (!f.protocol || protocolLabel(r.task, r.protocol) === f.protocol || r.protocol === f.protocol) &&
      (!f.dataset || r.datasetName === f.dataset),
  );
}

const TASK_ORDER: EvalResult['task'][] = ['mc', 'qa', 'bleu', 'ppl'];

/** Rows in `modelOrder` (models without results are left out); columns by task, dataset, protocol. */
export function buildMatrix(results: readonly EvalResult[], modelOrder: readonly string[]): Matrix {
  const byKey = new Map<string, MatrixColumn>();
  for (const r of results) {
    const k = columnKey(r);
    if (!byKey.has(k))
      byKey.set(k, {
        key: k,
        task: r.task,
        protocol: r.protocol,
        dataset: r.datasetName,
        metric: headlineMetric(r) ?? '',
        protocolLabel: protocolLabel(r.task, r.protocol),
        limit: r.task === 'ppl' ? limitText(r) : null,
      });
  }
  const columns = [...byKey.values()].sort(
    (a, b) =>
      TASK_ORDER.indexOf(a.task) - TASK_ORDER.indexOf(b.task) ||
      a.dataset.localeCompare(b.dataset) ||
      a.protocol.localeCompare(b.protocol),
  );
  const models = [...new Set(results.map((r) => r.modelId))].sort((a, b) => rank(modelOrder, a) - rank(modelOrder, b));
  const rows = models.map((modelId) => ({
    modelId,
    cells: columns.map((c) => {
      const mine = results
        .filter((r) => r.modelId === modelId && columnKey(r) === c.key)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
      const newest = mine[0];
      if (!newest) return null;
      const metric = c.metric && newest.metrics[c.metric] !== undefined ? c.metric : headlineMetric(newest);
      if (!metric) return null;
      const iv = interval(newest, metric);
      const rep = newest.report;
      const coverage = rep && rep.scored < rep.inFile ? `${rep.scored} of ${rep.inFile} items scored` : null;
      return {
        result: newest,
        value: newest.metrics[metric]!,
        ci: iv.ci,
        ciSource: iv.source,
        older: mine.length - 1,
        flag: degenerateFlag(newest),
        coverage,
        standard: standardScores(newest),
      };
    }),
  }));
  return { columns, rows };
}

function rank(order: readonly string[], id: string): number {
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

/** The report's one-line account of the items left out: "62 in file · 48 scored · 14 left out: 11 unanswerable …". */
export function leftOutSummary(r: EvalResult): string | null {
  const rep = r.report;
  if (!rep || rep.steps.length === 0) return null;
  const dropped = rep.steps.filter((s) => s.effect === 'dropped');
  const changed = rep.steps.filter((s) => s.effect === 'changed');
  const parts = [`${rep.inFile} in file`, `${rep.scored} scored`];
  if (dropped.length > 0)
    parts.push(`${rep.inFile - rep.scored} left out: ${dropped.map((s) => `${s.count} ${s.reason}`).join('; ')}`);
  for (const s of changed) parts.push(`${s.count} ${s.reason}`);
  return parts.join(' · ');
}
