// The demo report's studies section: per study, the headline metric as mean ± 95% CI per arm over seeds and each
// arm's difference from the control, with a link to the study's own report.
import type { DemoStudySection } from './types';

const n4 = (v: number | null) => (v === null || !Number.isFinite(v) ? '—' : v.toFixed(4));

export function studiesMarkdown(studies: readonly DemoStudySection[]): string[] {
  if (studies.length === 0) return [];
  const lines = [
    '## Controlled studies (quick size)',
    '',
    "The paper's central claims against their controls, each arm trained on the same data and steps over several seeds (`espalier study --preset … --quick` reproduces them). Intervals are 95% confidence intervals of the mean over seeds; differences are paired by seed. At this size the models are tiny and the intervals wide: read them as a smoke test, and run the laptop or GPU size for an answer.",
    '',
  ];
  for (const s of studies) {
    lines.push(
      `### ${s.title}`,
      '',
      `*${s.question}*`,
      '',
      `| arm | ${s.metric} (mean ± 95% CI) | seeds |`,
      '| --- | ---: | ---: |',
    );
    for (const r of s.rows)
      lines.push(
        `| ${r.arm}${r.arm === s.control ? ' (control)' : ''} | ${n4(r.mean)} ± ${r.ci95 === null ? 'n/a' : n4(r.ci95)} | ${r.n} |`,
      );
    lines.push(
      '',
      ...s.outcome.map((o) => `- ${o}`),
      '',
      `Every metric, the plots and the protocols: \`${s.report}\` (${Math.round(s.seconds)} s).`,
      '',
    );
  }
  return lines;
}

/** Terminal lines: one per study arm. */
export function studiesText(studies: readonly DemoStudySection[]): string[] {
  return studies.flatMap((s) => [
    `${s.title} — ${s.metric}, mean ± 95% CI over seeds ${s.seeds.join(', ')}:`,
    ...s.rows.map((r) => `  ${r.arm.padEnd(26)} ${n4(r.mean)} ± ${r.ci95 === null ? 'n/a' : n4(r.ci95)}`),
    ...s.outcome.map((o) => `  ${o}`),
  ]);
}
