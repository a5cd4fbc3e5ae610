// The study report a user pastes into a paper: the comparison as CSV, a Markdown report (setup, mean ± 95% CI per
// arm, differences from the control, protocols, every run) and its SVG plots (loss curves, metric bars).
import { join } from 'node:path';
import type { StudyComparison, StudyResult } from '../../src-shared/study';
import { writeFileAtomic } from '../engine/util/atomic';
import { compareStudy, outcomeLines, verdict } from './compare';
import { fmtMeanCi, fmtNum } from '../../src-shared/study-format';

export { outcomeLines, verdict };
import { mergeSection, stageSection, verdictSection } from './report-sections';
import { barChart, lineChart, type LineSeries } from './svg';

export interface StudyReportFiles {
  /** The comparison: one row per arm and metric (mean, CI, difference from the control). */
  csv: string;
  /** Every run's metric values: one row per run. */
  runsCsv: string;
  markdown: string;
  svgs: string[];
}

const csvCell = (v: string | number | null | undefined): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csvLine = (cells: readonly (string | number | null | undefined)[]): string => cells.map(csvCell).join(',');

export function comparisonCsv(c: StudyComparison): string {
  const lines = [
    csvLine(['arm', 'metric', 'protocol', 'n', 'mean', 'ci95', 'sd', 'diff_vs_control', 'diff_ci95', 'diff_n']),
  ];
  for (const g of c.groups) {
    for (const m of c.metrics) {
      const s = g.metrics[m];
      if (!s) continue;
      const d = c.differences.find((x) => x.arm === g.arm && x.metric === m);
      lines.push(csvLine([g.arm, m, s.protocol, s.n, s.mean, s.ci95, s.sd, d?.diff, d?.ci95, d?.n]));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function runsCsv(r: StudyResult, metrics: readonly string[]): string {
  const factors = Object.keys(r.arms[0]?.factors ?? {});
  const lines = [csvLine(['arm', 'seed', ...factors, ...metrics, 'model_dir'])];
  for (const a of r.arms)
    lines.push(
      csvLine([
        a.arm,
        a.seed,
        ...factors.map((f) => String(a.factors[f])),
        ...metrics.map((m) => a.metrics[m]?.value),
        a.modelDir,
      ]),
    );
  return `${lines.join('\n')}\n`;
}

/** A number to 4 significant digits (large counts in exponent form). */
export const num = fmtNum;

export const meanCi = (s: { mean: number; ci95: number | null } | undefined): string =>
  s ? fmtMeanCi(s.mean, s.ci95) : '—';

/** Mean training loss over seeds per arm, smoothed by a moving average (about 40 points across). */
export function meanCurves(r: StudyResult): LineSeries[] {
  return r.spec.arms
    .map((a) => {
      const runs = r.arms.filter((x) => x.arm === a.name);
      const sums = new Map<number, [number, number]>();
      for (const run of runs)
        for (const p of run.curve)
          sums.set(p.step, [(sums.get(p.step)?.[0] ?? 0) + p.loss, (sums.get(p.step)?.[1] ?? 0) + 1]);
      const pts = [...sums].sort((x, y) => x[0] - y[0]).map(([s, [t, n]]) => [s, t / n] as const);
      const k = Math.max(1, Math.round(pts.length / 40));
      const smooth = pts.map(([s], i) => {
        const win = pts.slice(Math.max(0, i - k + 1), i + 1);
        return [s, win.reduce((acc, p) => acc + p[1], 0) / win.length] as const;
      });
      return { name: `${a.name} (n=${runs.length})`, points: smooth };
    })
    .filter((s) => s.points.length > 0);
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The metrics the report plots as bars: the held-out loss and, for merges, the gain over the best expert. */
export function plottedMetrics(c: StudyComparison): string[] {
  return ['heldout nll', 'merge gain', 'val loss'].filter((m) => c.metrics.includes(m));
}

export function writeStudyReport(result: StudyResult, outDir: string): StudyReportFiles {
  const c = compareStudy(result);
  const svgs: string[] = [];
  const curves = join(outDir, 'loss-curves.svg');
  const merge = result.spec.arms.some((a) => a.merge !== 'none');
  writeFileAtomic(
    curves,
    lineChart({
      title: `${result.spec.name}: training loss`,
      xLabel: merge ? 'step (expert A, then expert B)' : 'step',
      yLabel: 'training loss (nats/token), mean over seeds',
      series: meanCurves(result),
    }),
  );
  svgs.push(curves);
  for (const m of plottedMetrics(c)) {
    const file = join(outDir, `${slug(m)}.svg`);
    const bars = c.groups.map((g) => ({
      label: g.arm,
      value: g.metrics[m]?.mean ?? NaN,
      ci: g.metrics[m]?.ci95 ?? null,
    }));
    writeFileAtomic(file, barChart({ title: `${m}: mean ± 95% CI over seeds`, yLabel: m, bars }));
    svgs.push(file);
  }
  const csv = join(outDir, 'study-comparison.csv');
  writeFileAtomic(csv, comparisonCsv(c));
  const rcsv = join(outDir, 'study-runs.csv');
  writeFileAtomic(rcsv, runsCsv(result, c.metrics));
  const markdown = join(outDir, 'study-report.md');
  writeFileAtomic(
    markdown,
    studyMarkdown(
      result,
      c,
      svgs.map((s) => s.slice(outDir.length + 1)),
    ),
  );
  return { csv, runsCsv: rcsv, markdown, svgs };
}

export function studyMarkdown(r: StudyResult, c: StudyComparison, svgNames: readonly string[]): string {
  const s = r.spec;
  const m = s.model;
  const data =
    s.data.kind === 'world'
      ? `the demo world (seed ${s.data.seed}, ${s.data.scale} scale: en-ru and en-zh corpora)`
      : s.data.kind === 'corpora'
        ? `corpora ${s.data.corpora.map((x) => `\`${x.name}\``).join(', ')}`
        : `the project's datasets ${s.data.datasets.map((x) => `\`${x.train}\`${x.heldOut ? ` (held out: \`${x.heldOut}\`)` : ' (the fixed hold-out)'}`).join(', ')}`;
  const lines = [
    `# ${s.name}`,
    '',
    ...(s.question ? [`*${s.question}*`, ''] : []),
    `${r.status === 'done' ? 'Complete' : `**Stopped early** (${r.arms.length} of ${s.arms.length * s.seeds.length} runs finished)`}: ${r.arms.length} runs, ${s.arms.length} arms × seeds ${s.seeds.join(', ')}; ${s.size} size; ${r.startedAt} – ${r.finishedAt}.`,
    '',
    '## Setup',
    '',
    `- Data: ${data}; one tokenizer (${m.ngrams} n-grams) over all training text.`,
    `- Model: d_model ${m.dim}, ${m.heads} heads, context ${m.contextLength}, final depth ${m.depth}; ${m.gradAccum && m.gradAccum > 1 ? `${m.gradAccum} micro-batches of ${m.batchSize} windows` : `${m.batchSize} windows`} per step, peak lr ${m.lr}; ${m.stepsPerStage} steps per growth stage (a monolithic model: ${m.depth * m.stepsPerStage} steps).`,
    `- Control: **${s.control}**. Intervals are 95% confidence intervals of the mean over seeds (Student's t); differences are paired by seed.`,
    ...r.notes.map((n) => `- ${n}`),
    '',
    '| arm | description | substrate | embedding | schedule | budget | merge | expert init |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...s.arms.map(
      (a) =>
        `| ${a.name} | ${a.description} | ${a.substrate} | ${a.embedding} | ${a.schedule} | ${a.budget} | ${a.merge} | ${a.merge === 'none' ? '—' : a.expertInit} |`,
    ),
    '',
    ...verdictSection(c),
    '## Outcome',
    '',
    ...(c.differences.length
      ? outcomeLines(c, c.metrics.includes('merge gain') ? 'merge gain' : 'heldout nll').map((l) => `- ${l}`)
      : ['- One arm only: see the spread over seeds below.']),
    ...(c.metrics.includes('merge gain') ? outcomeLines(c, 'heldout nll').map((l) => `- ${l}`) : []),
    '',
    '## Results (mean ± 95% CI over seeds)',
    '',
    `| arm | n | ${c.metrics.join(' | ')} |`,
    `| --- | ---: | ${c.metrics.map(() => '---:').join(' | ')} |`,
    ...c.groups.map(
      (g) => `| ${g.arm} | ${g.seeds.length} | ${c.metrics.map((k) => meanCi(g.metrics[k])).join(' | ')} |`,
    ),
    '',
    ...stageSection(c),
    ...mergeSection(r),
  ];
  if (c.differences.length) {
    lines.push(
      '## Difference from the control (arm − control, paired by seed)',
      '',
      '| arm | metric | difference ± CI | n | reading |',
      '| --- | --- | ---: | ---: | --- |',
    );
    // Budget metrics (tokens, FLOPs, seconds) are set by the design, not measured outcomes: they stay in the CSV.
    for (const d of c.differences.filter((x) => !x.metric.startsWith('train ')))
      lines.push(
        `| ${d.arm} | ${d.metric} | ${fmtMeanCi(d.diff, d.ci95, { signed: true })} | ${d.n} | ${verdict(d, !d.metric.includes('merge gain'))} |`,
      );
    lines.push('');
  }
  lines.push('## Plots', '', ...svgNames.map((n) => `![${n}](${n})`), '');
  lines.push('## How each metric was measured', '');
  const first = c.groups[0];
  for (const k of c.metrics) lines.push(`- **${k}**: ${first?.metrics[k]?.protocol ?? ''}`);
  lines.push(
    '',
    '## Every run',
    '',
    'Seeds are derived from the study seed, arm, model and role (SHA-256), so no two trainings share one.',
    '',
    '| run | held-out NLL | seconds | seeds (train / substrate) | model folder |',
    '| --- | ---: | ---: | --- | --- |',
  );
  for (const a of r.arms) {
    const seeds = [...new Set(a.seeds.map((x) => x.model))]
      .map(
        (m) =>
          `${m}: ${a.seeds
            .filter((x) => x.model === m)
            .map((x) => x.seed)
            .join(' / ')}`,
      )
      .join('; ');
    lines.push(
      `| ${a.run} | ${num(a.metrics['heldout nll']?.value)} | ${a.seconds.toFixed(1)} | ${seeds || '—'} | \`${a.modelDir}\` |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
