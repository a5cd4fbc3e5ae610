// Extractive QA (SQuAD v2): the paper's short-answer substring protocol (10 sampled runs), and official EM/F1
// with greedy decoding.
import { generateIds } from '../generate/generate';
import type { QaItem } from './data-types';
import { layoutSettings, type QaLayout } from './layout';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { newlineIds } from './protocol';
import { sampleRuns } from './sample-runs';
import { normalizeAnswer, scoreQa } from './squad-metrics';
import { codePoints, pyStrip } from './text';
import { GREEDY, type SamplingOptions } from '../generate/sample';
import { PAPER_SAMPLING } from './mc-paper';
import { summarizeRuns } from './stats';
import { degenerateKind, summarizeDegenerate } from './degenerate';
import { applyFilters, changedStep, type FilterStep } from './item-filter';

export function qaPrompt(item: QaItem): string {
  return `Context: ${item.context}\nQuestion: ${item.question}\nAnswer:`;
}

/** The paper keeps answerable questions whose (first) answer has at most 8 characters. */
export const PAPER_QA_MAX_CHARS = 8;

/** The author's cap on generated tokens for QA and translation. */
export const PAPER_MAX_NEW_TOKENS = 100;

export function paperQaEligible(item: QaItem): boolean {
  return PAPER_QA_RULES.every((r) => r.keep(item));
}

/** The paper's eligibility as named steps, in order: the first one an item fails is its reason. */
export const PAPER_QA_RULES: readonly { step: FilterStep['step']; reason: string; keep: (it: QaItem) => boolean }[] = [
  {
    step: 'unanswerable',
    reason: 'unanswerable (the paper scores answerable questions only)',
    keep: (it) => !it.impossible,
  },
  { step: 'no-answer-text', reason: 'first gold answer is empty', keep: (it) => (it.answers[0] ?? '').length > 0 },
  {
    step: 'long-answer',
    reason: `first gold answer longer than ${PAPER_QA_MAX_CHARS} characters`,
    keep: (it) => codePoints(it.answers[0] ?? '').length <= PAPER_QA_MAX_CHARS,
  },
];

/** The paper's filter then the item limit, each dropped item with its reason. */
export function paperQaFilter(items: readonly QaItem[], limit?: number): { kept: QaItem[]; steps: FilterStep[] } {
  return applyFilters(items, PAPER_QA_RULES, limit);
}

const PROMPT_CUT = "prompt longer than the model's context: its start was cut (the answer may be gone)";

/** The paper's rule: the stripped, upper-cased continuation equals the answer or contains it (case-insensitive). */
export function paperQaCorrect(continuation: string, answer: string): boolean {
  return pyStrip(continuation).toUpperCase().includes(answer.toUpperCase());
}

/** The paper's generation budget: as many new tokens as the answer has characters, at most 100. */
export function paperQaBudget(answer: string): number {
  return Math.min(codePoints(answer).length, PAPER_MAX_NEW_TOKENS);
}

export interface QaPaperOptions {
  /** The prompt layout (default: the paper's "Context: … Question: … Answer:"). */
  layout?: QaLayout;
  /** Sampled repetitions (default 10, as the paper). */
  runs?: number;
  seed?: number;
  /** Default: temperature 1 (the model's own distribution). */
  sampling?: SamplingOptions;
  /** Score only the first N eligible items. */
  limit?: number;
}

/** Paper protocol: `runs` sampled generations of answer-length tokens; accuracy per run, mean ± 1.96σ/√runs. */
export async function evalQaPaper(
  env: EvalEnv,
  items: readonly QaItem[],
  opts: QaPaperOptions = {},
): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const prompt = opts.layout ? opts.layout.prompt : qaPrompt;
  const runs = Math.max(1, Math.floor(opts.runs ?? 10));
  const seed = opts.seed ?? 0;
  const sampling = opts.sampling ?? PAPER_SAMPLING;
  const filter = paperQaFilter(items, opts.limit);
  const eligible = filter.kept;
  const eligibleCount = items.filter(paperQaEligible).length;
  const answers = eligible.map((it) => it.answers[0]!);
  const promptTexts = eligible.map((it) => prompt(it));
  const { pad, bos, eos } = tokenizer.specials;
  const promptIds = promptTexts.map((p) => tokenizer.encode(p));
  // sampleRuns keeps the last contextLength − budget + 1 prompt tokens.
  const cut = promptIds.flatMap((p, i) =>
    p.length > Math.max(1, model.contextLength - Math.max(1, paperQaBudget(answers[i]!)) + 1) ? [i] : [],
  );
  const gen = await sampleRuns(model, promptIds, {
    steps: answers.map(paperQaBudget),
    runs,
    sampling,
    seed,
    padId: pad,
    banned: [pad, bos],
    stopIds: [eos],
    batchSize: env.batchSize,
    maxLogits: env.maxLogits,
    onProgress: (d, t) => env.onProgress?.('qa paper', d, t),
  });
  const perRun = new Array<number>(runs).fill(0);
  const records = eligible.map((it, i) => {
    const outputs = gen[i]!.map((ids) => tokenizer.decode(ids));
    const correct = outputs.map((o) => paperQaCorrect(o, answers[i]!));
    correct.forEach((ok, r) => {
      if (ok) perRun[r]!++;
    });
    const degenerate = outputs.map(degenerateKind);
    return {
      id: it.id,
      prompt: promptTexts[i],
      answer: answers[i],
      outputs,
      parsed: outputs.map((o) => pyStrip(o).toUpperCase()),
      correctRuns: correct,
      correct: correct.filter(Boolean).length,
      degenerate,
    };
  });
  const n = eligible.length;
  const accs = perRun.map((c) => (n > 0 ? c / n : NaN));
  const s = summarizeRuns(accs);
  return {
    n,
    // eligible: items passing the paper's filter (before the limit); skipped: the items it left out.
    metrics: { acc: s.mean, std: s.std, ci95: s.ci95, eligible: eligibleCount, skipped: items.length - eligibleCount },
    ci95: s.ci95,
    accounting: {
      inFile: items.length,
      scored: n,
      steps: [...filter.steps, ...changedStep('prompt-cut', PROMPT_CUT, eligible, cut)],
    },
    degenerate: summarizeDegenerate(records.flatMap((r) => r.degenerate.map((kind) => ({ group: 'all', kind })))),
    runs,
    settings: {
      prompt: 'Context: {context}\\nQuestion: {question}\\nAnswer:',
      maxAnswerChars: PAPER_QA_MAX_CHARS,
      seed,
      sampling,
      newTokens: `answer length in characters, at most ${PAPER_MAX_NEW_TOKENS}`,
      scoring: 'continuation stripped, upper-cased; equals or contains the upper-cased answer',
      ...layoutSettings(opts.layout),
    },
    items: records,
    details: { runAccuracies: accs },
  };
}

export interface QaSquadOptions {
  /** Longest generated answer in tokens (default 32); generation also stops at a line break or <eos>. */
  maxNewTokens?: number;
  /** The prompt layout; its `noAnswer` text counts as abstaining (an empty answer). */
  layout?: QaLayout;
  /** Score only the first N items. */
  limit?: number;
}

const GOLD_EMPTY = 'answerable, but every gold answer normalises to nothing: scored as unanswerable (official script)';

/** The first line of a generated continuation, trimmed: the predicted answer span. */
export function extractAnswer(continuation: string): string {
  return pyStrip(continuation.split(/\r?\n|\r/)[0] ?? '');
}

/** Official SQuAD v2 EM/F1 (0–100), overall and split into answerable (HasAns) and unanswerable (NoAns) questions. */
export async function evalQaSquad(
  env: EvalEnv,
  allItems: readonly QaItem[],
  opts: QaSquadOptions = {},
): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const filter = applyFilters(allItems, [], opts.limit);
  const items = filter.kept;
  const maxNew = Math.max(1, Math.floor(opts.maxNewTokens ?? 32));
  const { pad, bos, eos } = tokenizer.specials;
  const nl = new Set(newlineIds(tokenizer));
  const layout = opts.layout;
  const promptTexts = items.map((it) => (layout ? layout.prompt(it) : qaPrompt(it)));
  const prompts = promptTexts.map((p) => tokenizer.encode(p));
  const abstains = (pred: string): boolean =>
    layout?.noAnswer !== undefined && normalizeAnswer(pred) === normalizeAnswer(layout.noAnswer);
  const gen = await generateIds(model, prompts, {
    maxTokens: maxNew,
    ...GREEDY,
    stopIds: [eos],
    banned: [pad, bos],
    batchSize: env.batchSize,
    shouldStop: (_row, ids) => nl.has(ids[ids.length - 1]!) || /[\n\r]/.test(tokenizer.decode(ids)),
  });
  const sums = { all: [0, 0, 0], has: [0, 0, 0], no: [0, 0, 0] };
  const records = items.map((it, i) => {
    const said = extractAnswer(tokenizer.decode(gen.ids[i]!));
    const pred = abstains(said) ? '' : said;
    // Saying the layout's no-answer text is a deliberate abstention, not babble.
    const degenerate = pred === '' && said !== '' ? null : degenerateKind(said);
    const { em, f1 } = scoreQa(it.answers, pred);
    for (const k of ['all', it.impossible ? 'no' : 'has'] as const) {
      sums[k][0]! += em;
      sums[k][1]! += f1;
      sums[k][2]!++;
    }
    return {
      id: it.id,
      prompt: promptTexts[i],
      output: tokenizer.decode(gen.ids[i]!),
      pred,
      ...(pred !== said ? { said } : {}),
      em,
      f1,
      impossible: it.impossible,
      degenerate,
    };
  });
  const goldEmpty = items.flatMap((it, i) =>
    !it.impossible && it.answers.every((a) => normalizeAnswer(a) === '') ? [i] : [],
  );
  const cut = gen.truncated.flatMap((t, i) => (t > 0 ? [i] : []));
  const pct = (s: number[], j: number): number => (s[2]! > 0 ? (100 * s[j]!) / s[2]! : NaN);
  const metrics: Record<string, number> = { exact: pct(sums.all, 0), f1: pct(sums.all, 1), total: items.length };
  if (sums.has[2]! > 0)
    Object.assign(metrics, { HasAns_exact: pct(sums.has, 0), HasAns_f1: pct(sums.has, 1), HasAns_total: sums.has[2]! });
  if (sums.no[2]! > 0)
    Object.assign(metrics, { NoAns_exact: pct(sums.no, 0), NoAns_f1: pct(sums.no, 1), NoAns_total: sums.no[2]! });
  env.onProgress?.('qa squad', items.length, items.length);
  return {
    n: items.length,
    metrics,
    ci95: null,
    accounting: {
      inFile: allItems.length,
      scored: items.length,
      steps: [
        ...filter.steps,
        ...changedStep('gold-normalizes-empty', GOLD_EMPTY, items, goldEmpty),
        ...changedStep('prompt-cut', PROMPT_CUT, items, cut),
      ],
    },
    degenerate: summarizeDegenerate(
      records.map((r) => ({ group: r.impossible ? 'NoAns' : 'HasAns', kind: r.degenerate })),
      ['all', 'HasAns', 'NoAns'],
    ),
    runs: 1,
    settings: {
      prompt: 'Context: {context}\\nQuestion: {question}\\nAnswer:',
      decoding: 'greedy',
      maxNewTokens: maxNew,
      stop: 'line break or <eos>',
      ...layoutSettings(layout),
      ...(layout?.noAnswer !== undefined ? { noAnswer: `"${layout.noAnswer}" counts as no answer` } : {}),
    },
    items: records,
  };
}
