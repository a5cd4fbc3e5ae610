// compareStudy: per arm, mean ± 95% CI over seeds of every metric all finished runs share (protocol labels kept),
// and each arm's difference from the control, paired by seed.
import { StudyComparison, type StudyResult } from '../../src-shared/study';
import { pairedDifference, summarize } from './stats';

/** Metrics every finished run reports (a merge study and a single-model study share only some). */
export function sharedMetrics(result: StudyResult): string[] {
  const runs = result.arms;
  if (runs.length === 0) return [];
  return Object.keys(runs[0]!.metrics).filter((m) => runs.every((r) => m in r.metrics));
}

export function compareStudy(result: StudyResult): StudyComparison {
  const metrics = sharedMetrics(result);
  const spec = result.spec;
  const bySeed = (arm: string, metric: string) => new Map(result.arms.filter((r) => r.arm === arm).map((r) => [r.seed, r.metrics[metric]?.value ?? NaN]));
  const groups = spec.arms
    .filter((a) => result.arms.some((r) => r.arm === a.name))
    .map((a) => {
      const runs = result.arms.filter((r) => r.arm === a.name);
      const summaries: StudyComparison['groups'][number]['metrics'] = {};
      for (const m of metrics) {
        const s = summarize(runs.map((r) => r.metrics[m]?.value ?? NaN));
        if (s) summaries[m] = { ...s, protocol: runs[0]!.metrics[m]!.protocol };
      }
      return { arm: a.name, description: a.description, factors: runs[0]!.factors, seeds: runs.map((r) => r.seed), metrics: summaries };
    });
  const differences: StudyComparison['differences'] = [];
  for (const g of groups) {
    if (g.arm === spec.control) continue;
    for (const m of metrics) {
      const d = pairedDifference(bySeed(g.arm, m), bySeed(spec.control, m));
      if (d) differences.push({ arm: g.arm, metric: m, diff: d.mean, ci95: d.ci95, n: d.n });
    }
  }
  return StudyComparison.parse({ study: spec.name, control: spec.control, metrics, groups, differences });
}
