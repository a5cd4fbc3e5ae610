// Renders the demo's result as plain-text tables (for the terminal) and as the Markdown report.
import { studiesMarkdown, studiesText } from './studies-section';
import type { DemoResult, DemoTable } from './types';

function cell(v: string | number | null, col: string): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (col === 'depth' || Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) >= 100 ? 1 : col.startsWith('BLEU') || col.includes('F1') ? 2 : 3);
}

/** Aligned columns, numbers right-aligned. */
export function formatTable(t: DemoTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map((v, j) => cell(v, t.columns[j]!)))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  const numeric = t.columns.map((_, j) => t.rows.every((r) => typeof r[j] !== 'string'));
  const line = (r: string[]) =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [t.title, line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

export function markdownTable(t: DemoTable): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${t.columns.map(esc).join(' | ')} |`,
    `| ${t.columns.map((_, j) => (t.rows.every((r) => typeof r[j] !== 'string') ? '---:' : '---')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map((v, j) => esc(cell(v, t.columns[j]!))).join(' | ')} |`),
  ].join('\n');
}

const CLAIM_TITLES: Record<keyof DemoResult['claims'], string> = {
  deeperIsBetter: 'Deeper grown models have lower held-out loss',
  qaRisesWithDepth: 'QA accuracy rises with depth',
  expertsBestOnOwnLanguage: 'Each expert is best on its own language',
  mergeBeatsExpertsOnUnion: 'The merge beats each expert on the union of both held-out sets',
};

export function claimLines(r: Pick<DemoResult, 'claims'>): string[] {
  return (Object.keys(CLAIM_TITLES) as (keyof DemoResult['claims'])[]).map((k) => {
    const c = r.claims[k];
    const verdict = c.holds === null ? 'NOT MEASURED' : c.holds ? 'HOLDS' : 'DID NOT HOLD';
    return `${verdict}: ${CLAIM_TITLES[k]} — ${c.statement}`;
  });
}

/** One sentence: how many claims held and which did not. */
export function claimVerdict(r: Pick<DemoResult, 'claims'>): string {
  const keys = Object.keys(CLAIM_TITLES) as (keyof DemoResult['claims'])[];
  const held = keys.filter((k) => r.claims[k].holds === true);
  const failed = keys.filter((k) => r.claims[k].holds === false);
  const unmeasured = keys.filter((k) => r.claims[k].holds === null);
  const parts = [`${held.length} of ${keys.length} claims held`];
  if (failed.length) parts.push(`Did not hold: ${failed.map((k) => CLAIM_TITLES[k]).join('; ')}`);
  if (unmeasured.length) parts.push(`Not measured: ${unmeasured.map((k) => CLAIM_TITLES[k]).join('; ')}`);
  return `${parts.join('. ')}.`;
}

/** What the terminal shows at the end: both tables and the claims. */
export function summaryText(r: DemoResult): string {
  return [
    ...r.depthVsCapability.map(formatTable),
    formatTable(r.expertsVsMerge),
    formatTable(r.protocols),
    `Claims of the paper: ${claimVerdict(r)}`,
    ...claimLines(r).map((l) => `  ${l}`),
    ...(r.studies.length ? [studiesText(r.studies).join('\n')] : []),
    ...(r.skipped.length ? ['Skipped:', ...r.skipped.map((s) => `  ${s}`)] : []),
    `report: ${r.report.markdown} (every number: ${r.report.json}); ${Math.round(r.seconds.total)} s in all`,
  ].join('\n\n');
}

const secs = (s: number) => (s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

export function markdownReport(r: DemoResult): string {
  const p = r.preset as {
    dim?: number;
    heads?: number;
    contextLength?: number;
    steps?: number[];
    batchSize?: number;
    ngrams?: number;
  };
  const lines: string[] = [
    `# Espalier demo — ${r.source === 'world' ? `demo world, seed ${r.seed}` : 'two user corpora'} (${r.mode})`,
    '',
    `Created ${r.createdAt} on ${r.backend ?? 'an unrecorded backend'}; ${secs(r.seconds.total)} in all ` +
      `(inputs ${secs(r.seconds.inputs)}, tokenizer ${secs(r.seconds.tokenizer)}, substrate ${secs(r.seconds.substrate)}, growth ${secs(r.seconds.growth)}, ` +
      `merges ${secs(r.seconds.merge)}, evaluation ${secs(r.seconds.eval)}${r.seconds.studies ? `, studies ${secs(r.seconds.studies)}` : ''}).`,
    '',
    '## Pipeline',
    '',
    `- Data: ${r.corpora.map((c) => `\`${c.name}\` (${c.trainTokens.toLocaleString('en')} training / ${c.valTokens.toLocaleString('en')} held-out tokens) → expert ${c.expert}`).join('; ')}.`,
    `- Tokenizer: ${r.tokenizer.vocabSize} tokens (every code point of both corpora, bytes, specials and ${r.tokenizer.ngrams} n-grams), id \`${r.tokenizer.id.slice(0, 16)}…\`.`,
    `- Substrate: **${r.substrate.kind}**, ${r.substrate.dim} columns, id \`${r.substrate.id.slice(0, 16)}…\` — ${r.substrate.note}`,
    `- Growth: ${p.steps?.length ?? '?'} stages of one block each (d_model ${p.dim}, ${p.heads} heads, context ${p.contextLength}); steps per stage ${p.steps?.join(', ')}, ${p.batchSize} windows per step; each stage trains only the new block, the final norm and the head.`,
    `- Merges of the final experts: ${r.merges.map((m) => `${m.name}`).join(', ')} (logits: the paper's average of logits; probs: the mixture of probabilities, for comparison). No new parameters.`,
    '',
    '## Claims',
    '',
    `${claimVerdict(r)}`,
    '',
    ...claimLines(r).map((l) => `- ${l}`),
    '',
    '## Depth vs capability',
    '',
  ];
  for (const t of r.depthVsCapability) lines.push(`### ${t.title}`, '', markdownTable(t), '');
  lines.push('## Experts vs merges', '', markdownTable(r.expertsVsMerge), '');
  lines.push(
    '## Paper protocol vs standard protocol',
    '',
    "Paper columns follow the author's benchmarking script: multiple choice by the first generated letter, QA by substring, BLEU per item on upper-cased text (sacreBLEU 13a), each over sampled runs, mean ± 1.96σ/√runs. Standard columns: lm-evaluation-harness log-likelihood (acc, acc_norm by characters), SQuAD v2 EM/F1 and corpus BLEU/chrF with greedy decoding.",
    '',
    markdownTable(r.protocols),
    '',
  );
  lines.push(...studiesMarkdown(r.studies));
  const e = (r.preset as { eval?: Record<string, number> }).eval ?? {};
  lines.push(
    '## How the numbers were made',
    '',
    `- Loss: mean negative log-likelihood in nats per token on the first ${e['pplTokens']} held-out tokens of each corpus (sliding windows, half-context stride); the union is the token-weighted mean of both.`,
  );
  if (r.world) {
    lines.push(
      '- QA: the world\'s SQuAD-v2 sets, asked in the layout the corpora teach (context, then "Question: …", "Answer: "; in Russian "Вопрос:/Ответ:", in Chinese "问题：/答案："). ' +
        'Paper protocol: answerable questions with answers of at most 8 characters, greedy, as many tokens as the answer has characters, correct when the answer occurs in them. ' +
        'EM/F1: the official SQuAD v2 scoring of the greedy answer line; the taught no-answer word ("unknown", "неизвестно", "不知道") counts as abstaining.',
      '- Multiple choice: the world\'s MMLU-style items in the corpora\'s drill layout ("A. …" lines, "Answer:"). loglik: the likeliest of " A" … " D"; ' +
        'paper: sample 1 token at temperature 1, repeated, first character vs the answer letter — leading whitespace-only tokens are not counted (Espalier\'s tokens never merge a space into an n-gram, so the literal protocol would always produce " ").',
      '- BLEU: sacreBLEU defaults on the held-out people\'s translation pairs, prompt "EN: <source>\\nRU: " (the corpora\'s parallel layout), greedy to the line break.',
      `- Items per model: QA ${e['qaPaper']} (paper) and ${e['qaSquad']} (EM/F1) per language, multiple choice ${e['mcItems']} (paper: ${e['mcRuns']} sampled runs), translation ${e['bleuItems']} pairs per direction. ` +
        'At these sizes an accuracy differs from another by noise alone by several points (one QA item in a pooled 100 is 0.01).',
    );
  }
  if (r.skipped.length) lines.push('', '## Skipped', '', ...r.skipped.map((s) => `- ${s}`));
  lines.push(
    '',
    '## Every evaluation',
    '',
    '| model | task | protocol | dataset | n | metrics | seconds |',
    '| --- | --- | --- | --- | ---: | --- | ---: |',
  );
  for (const e of r.evals) {
    const m = Object.entries(e.metrics)
      .filter(([, v]) => v !== null)
      .slice(0, 6)
      .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v!.toFixed(4)}`)
      .join(', ');
    lines.push(`| ${e.model} | ${e.key} | ${e.protocol} | ${e.dataset} | ${e.n} | ${m} | ${e.seconds.toFixed(1)} |`);
  }
  lines.push('', `Every number, with settings and file paths: \`${r.report.json}\`.`, '');
  return lines.join('\n');
}
