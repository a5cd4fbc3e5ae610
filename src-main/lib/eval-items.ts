// Turns each protocol's per-item records into the contract's one shape (prompt, choices, output, expected,
// correct, degenerate flags), so the 'evals.items' channel can page through any task alike; the items a filter
// left out go beside them with their reasons, and the result's report sums both up.
import { join } from 'node:path';
import type { EvalResult as EngineEvalResult, PreparedData } from '../engine/eval';
import { writeFileAtomic } from '../engine/util/atomic';
import type { EvalItemRecord as EvalItem, EvalReport } from '../../src-shared/domain';

type Rec = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** How many of an item's outputs were flagged degenerate (the engine records a kind or null per output). */
function flags(v: unknown): EvalItem['degenerate'] {
  if (v === undefined) return undefined;
  const kinds = (Array.isArray(v) ? v : [v]).map((k) => (typeof k === 'string' ? k : null));
  const flagged = kinds.filter((k): k is string => k !== null);
  return { flagged: flagged.length, outputs: kinds.length, kinds: [...new Set(flagged)] };
}

export function contractItems(
  prep: PreparedData,
  protocol: string,
  records: readonly unknown[],
  runs: number,
  limit?: number,
): EvalItem[] {
  const d = prep.data;
  const recs = records as Rec[];
  if (d.task === 'mc') {
    const items = limit !== undefined ? d.items.slice(0, limit) : d.items;
    return recs.map((r, i) => {
      const it = items[i]!;
      if (protocol === 'paper') {
        const outputs = Array.isArray(r['outputs']) ? (r['outputs'] as unknown[]).map(str) : [];
        // Right in most of the stochastic runs counts as right for the one-line view; the numbers use every run.
        return {
          prompt: str(r['prompt']),
          choices: it.choices,
          output: outputs.join(' | '),
          expected: str(r['gold']),
          correct: num(r['correct']) * 2 > runs,
        };
      }
      const pred = num(r['pred']);
      return {
        prompt: str(r['prompt']),
        choices: it.choices,
        output: it.choices[pred] ?? '',
        expected: it.choices[it.answer] ?? '',
        correct: pred === it.answer,
      };
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
        return {
          prompt,
          choices: [],
          output: outputs.join(' | '),
          expected: str(r['answer']),
          correct: num(r['correct']) * 2 > runs,
          degenerate: flags(r['degenerate']),
        };
      }
      const expected = it && it.answers.length > 0 ? it.answers[0]! : '(unanswerable)';
      // What the model said (before a layout's no-answer text became the empty answer).
      const said = r['said'] !== undefined ? str(r['said']) : str(r['pred']);
      return {
        prompt,
        choices: [],
        output: said,
        expected,
        correct: num(r['em']) === 1 || num(r['em']) === 100,
        degenerate: flags(r['degenerate']),
      };
    });
  }
  if (d.task === 'bleu') {
    return recs.map((r) => ({
      prompt: str(r['prompt']),
      choices: [],
      output: str(r['hyp']),
      expected: str(r['ref']),
      correct: str(r['hyp']).trim() === str(r['ref']).trim(),
      degenerate: flags(r['degenerate']),
    }));
  }
  return [];
}

/** The items a filter step left out or changed, each with its reason and file line (QA). */
export function leftOutItems(prep: PreparedData, r: Pick<EngineEvalResult, 'accounting'>): EvalItem[] {
  const d = prep.data;
  if (d.task !== 'qa' || !r.accounting) return [];
  const byId = new Map(d.items.map((it) => [it.id, it]));
  return r.accounting.steps.flatMap((s) =>
    s.items.map((x) => {
      const it = byId.get(x.id);
      const reason = s.effect === 'changed' ? `scored, but ${s.reason}` : s.reason;
      return {
        prompt: it ? it.question : x.id,
        choices: [],
        output: '',
        expected: it && it.answers.length > 0 ? it.answers[0]! : '(unanswerable)',
        correct: false,
        reason,
        line: x.line,
      };
    }),
  );
}

/** The result's report for the contract: step counts and degenerate groups (null when the protocol has neither). */
export function evalReport(r: Pick<EngineEvalResult, 'accounting' | 'degenerate' | 'chance' | 'n'>): EvalReport | null {
  if (!r.accounting && !r.degenerate && r.chance === undefined) return null;
  const a = r.accounting;
  return {
    inFile: a?.inFile ?? r.n,
    scored: a?.scored ?? r.n,
    steps: (a?.steps ?? []).map((s) => ({ step: s.step, effect: s.effect, reason: s.reason, count: s.items.length })),
    degenerate: r.degenerate
      ? { rule: r.degenerate.rule, groups: r.degenerate.groups.map((g) => ({ ...g, byKind: { ...g.byKind } })) }
      : null,
    ...(r.chance !== undefined && Number.isFinite(r.chance) ? { chance: r.chance } : {}),
  };
}

/** Items file of one model in an eval run's folder; the items left out sit beside it. */
export function itemsFiles(itemsDir: string, modelId: string): { scored: string; leftOut: string } {
  return { scored: join(itemsDir, `${modelId}.json`), leftOut: join(itemsDir, `${modelId}.left-out.json`) };
}

/** Writes a model's scored and left-out items where 'evals.items' reads them; returns the scored file and the report. */
export function saveEvalItems(
  itemsDir: string,
  modelId: string,
  prep: PreparedData,
  r: Pick<EngineEvalResult, 'protocol' | 'runs' | 'items' | 'accounting' | 'degenerate' | 'chance' | 'n'>,
  limit?: number,
): { itemsFile: string; report: EvalReport | null } {
  const f = itemsFiles(itemsDir, modelId);
  writeFileAtomic(f.scored, JSON.stringify(contractItems(prep, r.protocol, r.items ?? [], r.runs, limit)));
  const left = leftOutItems(prep, r);
  if (left.length > 0) writeFileAtomic(f.leftOut, JSON.stringify(left));
  return { itemsFile: f.scored, report: evalReport(r) };
}
