// The report's reading sections: the paper's verdicts (one line per question), the per-stage table of grown arms
// beside depth's controls, and each merge arm's experts read against their merge (with the normalised gain).
import type { StudyComparison, StudyResult } from '../../src-shared/study';
import { fmtMeanCi } from '../../src-shared/study-format';
import { summarize } from './stats';

export function verdictSection(c: StudyComparison): string[] {
  if (c.verdicts.length === 0) return [];
  const out = [
    "## The paper's claims at this size",
    '',
    "Holds: the 95% CI of every difference lies on the claim's side of 0; fails: one lies on the other side; inconclusive: otherwise.",
    '',
  ];
  for (const v of c.verdicts) {
    out.push(`- **${v.line}**`, `  - claim: ${v.claim}`, ...v.evidence.map((e) => `  - ${e}`));
  }
  return [...out, ''];
}

export function stageSection(c: StudyComparison): string[] {
  if (c.stages.length === 0) return [];
  const out = [
    '## Depth per stage, with its control',
    '',
    "Held-out NLL (nats/token, mean ± 95% CI over seeds) of each grown model after every stage, the change from the stage before (paired by seed; < 0: the new block helped), and depth's controls: a shallower model trained end to end for the grown model's steps or FLOPs.",
    '',
    '| arm | stage / blocks | steps so far | held-out NLL | change from the stage before |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const s of c.stages) {
    const delta = s.delta ? `${fmtMeanCi(s.delta.mean, s.delta.ci95, { signed: true })} (n = ${s.delta.n})` : '—';
    out.push(
      `| ${s.arm}${s.control ? ' (control)' : ''} | ${s.control ? `${s.blocks} block${s.blocks === 1 ? '' : 's'}` : `${s.stage} / ${s.blocks}`} | ${s.steps} | ${fmtMeanCi(s.nll.mean, s.nll.ci95)} | ${delta} |`,
    );
  }
  return [...out, ''];
}

/** Metrics of merge arms in the order the experts-vs-merge table shows them. */
function mergeColumns(r: StudyResult): string[] {
  const first = r.arms.find((a) => 'merge gain' in a.metrics);
  if (!first) return [];
  const experts = Object.keys(first.metrics)
    .filter((k) => /^expert .+ (own|union) nll$/.test(k))
    .sort();
  return [
    ...experts,
    'oracle union nll',
    'best expert union nll',
    'merge nll logits',
    'merge nll probs',
    'merge gain',
    'normalised merge gain',
  ];
}

export function mergeSection(r: StudyResult): string[] {
  const cols = mergeColumns(r);
  if (cols.length === 0) return [];
  const out = [
    '## Merges read against their experts',
    '',
    "Each expert's held-out NLL on its own corpus and on the union of both, the routing oracle (each corpus scored by its own expert), the merges' union NLL by either rule, the gain over the best expert, and the gain normalised by the experts' own quality: (best expert − merge) / (best expert − oracle), the share of the gap to perfect routing the merge closes.",
    '',
    `| arm | ${cols.join(' | ')} |`,
    `| --- | ${cols.map(() => '---:').join(' | ')} |`,
  ];
  for (const a of r.spec.arms.filter((x) => x.merge !== 'none')) {
    const runs = r.arms.filter((x) => x.arm === a.name);
    if (runs.length === 0) continue;
    const cell = (m: string) => {
      const s = summarize(runs.map((x) => x.metrics[m]?.value ?? NaN));
      return s ? fmtMeanCi(s.mean, s.ci95) : '—';
    };
    out.push(`| ${a.name} | ${cols.map(cell).join(' | ')} |`);
  }
  return [...out, ''];
}
