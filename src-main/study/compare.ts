// compareStudy: per arm, mean ± 95% CI over seeds of every metric all finished runs share (protocol labels kept),
// and each arm's difference from the control, paired by seed.
import { StudyComparison, type StudyResult } from '../../src-shared/study';
import { fmtMeanCi } from '../../src-shared/study-format';
import { pairedDifference, summarize } from './stats';
import { paperVerdicts, stageTable } from './verdicts';

/** The difference's reading: the CI excludes zero one way, the other, or not at all. */
export function verdict(d: { diff: number; ci95: number | null }, lowerIsBetter = true): string {
  if (d.ci95 === null) return 'one seed: no interval';
  if (Math.abs(d.diff) <= d.ci95) return 'no clear difference (the CI spans 0)';
  return d.diff < 0 === lowerIsBetter ? 'better than the control' : 'worse than the control';
}

/** One line per arm: its difference from the control on `metric`, with the CI and reading. */
export function outcomeLines(c: Pick<StudyComparison, 'differences' | 'control'>, metric = 'heldout nll'): string[] {
  const higherBetter = metric.includes('merge gain');
  return c.differences
    .filter((d) => d.metric === metric)
    .map(
      (d) =>
        `${d.arm} − ${c.control}: ${fmtMeanCi(d.diff, d.ci95, { signed: true })} (${metric}, n = ${d.n} seeds) — ${verdict(d, !higherBetter)}`,
    );
}

/** The metric a study is read by: the merge gain when every run merges, else the held-out loss. */
export function headlineMetric(metrics: readonly string[]): string {
  return metrics.includes('merge gain') ? 'merge gain' : 'heldout nll';
}

/** Metrics every finished run reports (a merge study and a single-model study share only some). */
export function sharedMetrics(result: StudyResult): string[] {
  const runs = result.arms;
  if (runs.length === 0) return [];
  return Object.keys(runs[0]!.metrics).filter((m) => runs.every((r) => m in r.metrics));
}

export function compareStudy(result: StudyResult): StudyComparison {
  const metrics = sharedMetrics(result);
  const spec = result.spec;
  const bySeed = (arm: string, metric: string) =>
    new Map(result.arms.filter((r) => r.arm === arm).map((r) => [r.seed, r.metrics[metric]?.value ?? NaN]));
  const groups = spec.arms
    .filter((a) => result.arms.some((r) => r.arm === a.name))
    .map((a) => {
      const runs = result.arms.filter((r) => r.arm === a.name);
      const summaries: StudyComparison['groups'][number]['metrics'] = {};
      for (const m of metrics) {
        const s = summarize(runs.map((r) => r.metrics[m]?.value ?? NaN));
        if (s) summaries[m] = { ...s, protocol: runs[0]!.metrics[m]!.protocol };
      }
      return {
        arm: a.name,
        description: a.description,
        factors: runs[0]!.factors,
        seeds: runs.map((r) => r.seed),
        metrics: summaries,
      };
    });
  const differences: StudyComparison['differences'] = [];
  for (const g of groups) {
    if (g.arm === spec.control) continue;
    for (const m of metrics) {
      const d = pairedDifference(bySeed(g.arm, m), bySeed(spec.control, m));
      if (d) differences.push({ arm: g.arm, metric: m, diff: d.mean, ci95: d.ci95, n: d.n });
    }
  }
  const outcome = outcomeLines({ differences, control: spec.control }, headlineMetric(metrics));
  return StudyComparison.parse({
    study: spec.name,
    control: spec.control,
    metrics,
    groups,
    differences,
    outcome,
    verdicts: paperVerdicts(result),
    stages: stageTable(result),
  });
}
