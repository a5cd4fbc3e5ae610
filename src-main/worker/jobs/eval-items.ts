// Turns each protocol's per-item records into the contract's one shape (prompt, choices, output, expected,
// correct), so the 'evals.items' channel can page through any task alike.
import type { PreparedData } from '../../engine/eval';
import type { EvalItem } from '../job-types';

type Rec = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

export function contractItems(prep: PreparedData, protocol: string, records: readonly unknown[], runs: number, limit?: number): EvalItem[] {
  const d = prep.data;
  const recs = records as Rec[];
  if (d.task === 'mc') {
    const items = limit !== undefined ? d.items.slice(0, limit) : d.items;
    return recs.map((r, i) => {
      const it = items[i]!;
      if (protocol === 'paper') {
        const outputs = Array.isArray(r['outputs']) ? (r['outputs'] as unknown[]).map(str) : [];
        // Right in most of the stochastic runs counts as right for the one-line view; the numbers use every run.
        return { prompt: str(r['prompt']), choices: it.choices, output: outputs.join(' | '), expected: str(r['gold']), correct: num(r['correct']) * 2 > runs };
      }
      const pred = num(r['pred']);
      return { prompt: str(r['prompt']), choices: it.choices, output: it.choices[pred] ?? '', expected: it.choices[it.answer] ?? '', correct: pred === it.answer };
    });
  }
  if (d.task === 'qa') {
    const byId = new Map(d.items.map((it) => [it.id, it]));
    return recs.map((r) => {
      const it = byId.get(str(r['id']));
      // The exact text the model was asked (the protocol records it).
      const prompt = str(r['prompt']);
      if (protocol === 'paper') {
        const outputs = Array.isArray(r['outputs']) ? (r['outputs'] as unknown[]).map(str) : [];
        return { prompt, choices: [], output: outputs.join(' | '), expected: str(r['answer']), correct: num(r['correct']) * 2 > runs };
      }
      const expected = it && it.answers.length > 0 ? it.answers[0]! : '(unanswerable)';
      return { prompt, choices: [], output: str(r['pred']), expected, correct: num(r['em']) === 1 || num(r['em']) === 100 };
    });
  }
  if (d.task === 'bleu') {
    return recs.map((r) => ({ prompt: str(r['prompt']), choices: [], output: str(r['hyp']), expected: str(r['ref']), correct: str(r['hyp']).trim() === str(r['ref']).trim() }));
  }
  return [];
}
