// Reading a study against claims: the paper preset's four questions (each claim holds, fails or is inconclusive by
// the sign and 95% CI of its differences), and the per-stage table of grown arms beside depth's controls.
import {
  STAGE_METRIC,
  windowsPerStep,
  type StageRow,
  type StudyResult,
  type StudyVerdict,
} from '../../src-shared/study';
import { fmtMeanCi } from '../../src-shared/study-format';
import { PAPER_QUESTIONS, type ClaimComparison } from '../../src-shared/study-presets';
import { pairedDifference, summarize, type Summary } from './stats';

const bySeed = (r: StudyResult, arm: string, metric: string) =>
  new Map(r.arms.filter((a) => a.arm === arm).map((a) => [a.seed, a.metrics[metric]?.value ?? NaN]));

/** The comparison's difference over seeds (arm − control, arm's metric − its other metric, or the arm's values). */
function difference(r: StudyResult, c: ClaimComparison): Summary | null {
  if (c.control !== undefined) return pairedDifference(bySeed(r, c.arm, c.metric), bySeed(r, c.control, c.metric));
  if (c.against !== undefined) return pairedDifference(bySeed(r, c.arm, c.metric), bySeed(r, c.arm, c.against));
  return summarize([...bySeed(r, c.arm, c.metric).values()]);
}

type Reading = 'holds' | 'fails' | 'inconclusive';

/** The CI lies wholly on the claim's side of zero (holds), wholly on the other (fails), or spans it. */
export function readDifference(d: Summary | null, expect: 'lower' | 'higher'): Reading {
  if (!d || d.ci95 === null) return 'inconclusive';
  const lo = d.mean - d.ci95;
  const hi = d.mean + d.ci95;
  const below = hi < 0;
  const above = lo > 0;
  if (!below && !above) return 'inconclusive';
  return below === (expect === 'lower') ? 'holds' : 'fails';
}

const PHRASE: Record<Reading, string> = { holds: 'holds', fails: 'fails', inconclusive: 'is inconclusive' };

/** One verdict per paper question whose arms the study ran (all four for the paper preset). */
export function paperVerdicts(r: StudyResult): StudyVerdict[] {
  if (r.spec.preset !== 'paper') return [];
  const names = new Set(r.spec.arms.map((a) => a.name));
  return PAPER_QUESTIONS.filter((q) =>
    q.comparisons.every((c) => names.has(c.arm) && (c.control === undefined || names.has(c.control))),
  ).map((q) => {
    const readings: Reading[] = [];
    const evidence = q.comparisons.map((c) => {
      const d = difference(r, c);
      const reading = readDifference(d, c.expect);
      if (!c.informational) readings.push(reading);
      const unit = c.metric.includes('normalised') ? '' : ' nats';
      const value = d ? `${fmtMeanCi(d.mean, d.ci95, { signed: true })}${unit} (n = ${d.n})` : 'no finished pairs';
      return `${c.label}: ${value}, claim side ${c.expect === 'lower' ? '< 0' : '> 0'} — ${c.informational ? `${reading} (not part of the verdict)` : reading}`;
    });
    const verdict: Reading = readings.includes('fails')
      ? 'fails'
      : readings.every((x) => x === 'holds')
        ? 'holds'
        : 'inconclusive';
    const short = evidence
      .filter((_, i) => !q.comparisons[i]!.informational)
      .map((e) => e.split(', claim side')[0])
      .join('; ');
    return {
      question: q.question,
      claim: q.claim,
      verdict,
      evidence,
      line: `${q.question} (${q.title}): the paper's claim ${PHRASE[verdict]} at this size — ${short}`,
    };
  });
}

/** Held-out loss after each stage of every grown single-model arm, then depth's controls (shallower monolithic arms). */
export function stageTable(r: StudyResult): StageRow[] {
  const rows: StageRow[] = [];
  const L = r.spec.model.depth;
  for (const arm of r.spec.arms) {
    const runs = r.arms.filter((a) => a.arm === arm.name);
    if (runs.length === 0) continue;
    if (arm.schedule === 'grown' && arm.merge === 'none') {
      for (let k = 1; k <= L; k++) {
        const nll = summarize(runs.map((a) => a.metrics[`${STAGE_METRIC}${k}`]?.value ?? NaN));
        if (!nll) continue;
        const delta =
          k > 1
            ? pairedDifference(
                bySeed(r, arm.name, `${STAGE_METRIC}${k}`),
                bySeed(r, arm.name, `${STAGE_METRIC}${k - 1}`),
              )
            : null;
        const steps = /(\d+) steps\)/.exec(runs[0]!.metrics[`${STAGE_METRIC}${k}`]?.protocol ?? '');
        rows.push({
          arm: arm.name,
          stage: k,
          blocks: k,
          steps: steps ? Number(steps[1]) : 0,
          nll: strip(nll),
          delta: delta ? { mean: delta.mean, ci95: delta.ci95, n: delta.n } : null,
          control: false,
        });
      }
    } else if (arm.schedule === 'monolithic' && arm.merge === 'none' && arm.depth !== undefined && arm.depth !== L) {
      const nll = summarize(runs.map((a) => a.metrics['heldout nll']?.value ?? NaN));
      const tokens = runs[0]!.metrics['train tokens']?.value ?? 0;
      if (nll)
        rows.push({
          arm: arm.name,
          stage: arm.depth,
          blocks: arm.depth,
          steps: Math.round(tokens / (windowsPerStep(r.spec.model) * r.spec.model.contextLength)),
          nll: strip(nll),
          delta: null,
          control: true,
        });
    }
  }
  return rows;
}

const strip = (s: Summary) => ({ mean: s.mean, ci95: s.ci95, n: s.n, sd: s.sd });
