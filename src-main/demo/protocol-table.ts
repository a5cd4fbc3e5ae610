// The demo's side-by-side table: every capability under the paper's protocol (sampled runs, mean ± 95%) and
// under the field's standard one (lm-evaluation-harness log-likelihood, SQuAD EM/F1, greedy corpus BLEU),
// each column naming its protocol, so neither is mistaken for the other.
import { EvalIndex } from './claims';
import type { DemoModelRef, DemoTable } from './types';

type Num = number | null;
const r4 = (x: Num): Num => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

/** "0.2500 ± 0.0310 (3 runs)": a paper-protocol number with its interval. */
function withCi(idx: EvalIndex, model: string, key: string, metric: string): string | null {
  const e = idx.get(model, key);
  const v = e?.metrics[metric];
  if (!e || v === null || v === undefined) return null;
  return `${v.toFixed(4)} ± ${(e.ci95 ?? 0).toFixed(4)} (${e.runs} runs)`;
}

export function protocolTable(models: readonly DemoModelRef[], idx: EvalIndex): DemoTable {
  const columns = [
    'model',
    'MC paper: generated letter',
    'MC harness: acc',
    'MC harness: acc_norm',
    'QA(en) paper: substring',
    'QA(en) SQuAD: F1',
    'BLEU en-ru paper: per item, upper-cased',
    'BLEU en-ru standard: corpus',
    'chrF en-ru standard',
    'BLEU en-zh paper: per item, upper-cased',
    'BLEU en-zh standard: corpus',
    'chrF en-zh standard',
  ];
  const rows = models.map((m) => [
    m.name,
    withCi(idx, m.name, 'mc-paper', 'acc'),
    r4(idx.metric(m.name, 'mc-loglik', 'acc')),
    r4(idx.metric(m.name, 'mc-loglik', 'acc_norm')),
    withCi(idx, m.name, 'qa-paper:en', 'acc'),
    r4(idx.metric(m.name, 'qa-squad:en', 'f1')),
    withCi(idx, m.name, 'bleu:en-ru', 'bleu'),
    r4(idx.metric(m.name, 'bleu:en-ru', 'corpus_bleu')),
    r4(idx.metric(m.name, 'bleu:en-ru', 'chrf')),
    withCi(idx, m.name, 'bleu:en-zh', 'bleu'),
    r4(idx.metric(m.name, 'bleu:en-zh', 'corpus_bleu')),
    r4(idx.metric(m.name, 'bleu:en-zh', 'chrf')),
  ]);
  return {
    title: "Paper protocol vs the field's standard, side by side (the demo world's prompt layouts)",
    columns,
    rows,
  };
}
