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

export function qaPrompt(item: QaItem): string {
  return `Context: ${item.context}\nQuestion: ${item.question}\nAnswer:`;
}

/** The paper keeps answerable questions whose (first) answer has at most 8 characters. */
export const PAPER_QA_MAX_CHARS = 8;

/** The author's cap on generated tokens for QA and translation. */
export const PAPER_MAX_NEW_TOKENS = 100;

export function paperQaEligible(item: QaItem): boolean {
  const a = item.answers[0];
  return !item.impossible && a !== undefined && a.length > 0 && codePoints(a).length <= PAPER_QA_MAX_CHARS;
}

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
}

/** Paper protocol: `runs` sampled generations of answer-length tokens; accuracy per run, mean ± 1.96σ/√runs. */
export async function evalQaPaper(env: EvalEnv, items: readonly QaItem[], opts: QaPaperOptions = {}): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const prompt = opts.layout ? opts.layout.prompt : qaPrompt;
  const runs = Math.max(1, Math.floor(opts.runs ?? 10));
  const seed = opts.seed ?? 0;
  const sampling = opts.sampling ?? PAPER_SAMPLING;
  const eligible = items.filter(paperQaEligible);
  const answers = eligible.map((it) => it.answers[0]!);
  const promptTexts = eligible.map((it) => prompt(it));
  const { pad, bos, eos } = tokenizer.specials;
  const gen = await sampleRuns(
    model,
    promptTexts.map((p) => tokenizer.encode(p)),
    {
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
    },
  );
  const perRun = new Array<number>(runs).fill(0);
  const records = eligible.map((it, i) => {
    const outputs = gen[i]!.map((ids) => tokenizer.decode(ids));
    const correct = outputs.map((o) => paperQaCorrect(o, answers[i]!));
    correct.forEach((ok, r) => {
      if (ok) perRun[r]!++;
    });
    return { id: it.id, prompt: promptTexts[i], answer: answers[i], outputs, parsed: outputs.map((o) => pyStrip(o).toUpperCase()), correctRuns: correct, correct: correct.filter(Boolean).length };
  });
  const n = eligible.length;
  const accs = perRun.map((c) => (n > 0 ? c / n : NaN));
  const s = summarizeRuns(accs);
  return {
    n,
    metrics: { acc: s.mean, std: s.std, ci95: s.ci95, eligible: n, skipped: items.length - n },
    ci95: s.ci95,
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
}

/** The first line of a generated continuation, trimmed: the predicted answer span. */
export function extractAnswer(continuation: string): string {
  return pyStrip(continuation.split(/\r?\n|\r/)[0] ?? '');
}

/** Official SQuAD v2 EM/F1 (0–100), overall and split into answerable (HasAns) and unanswerable (NoAns) questions. */
export async function evalQaSquad(env: EvalEnv, items: readonly QaItem[], opts: QaSquadOptions = {}): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const maxNew = Math.max(1, Math.floor(opts.maxNewTokens ?? 32));
  const { pad, bos, eos } = tokenizer.specials;
  const nl = new Set(newlineIds(tokenizer));
  const layout = opts.layout;
  const promptTexts = items.map((it) => (layout ? layout.prompt(it) : qaPrompt(it)));
  const prompts = promptTexts.map((p) => tokenizer.encode(p));
  const abstains = (pred: string): boolean => layout?.noAnswer !== undefined && normalizeAnswer(pred) === normalizeAnswer(layout.noAnswer);
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
    const { em, f1 } = scoreQa(it.answers, pred);
    for (const k of ['all', it.impossible ? 'no' : 'has'] as const) {
      sums[k][0]! += em;
      sums[k][1]! += f1;
      sums[k][2]!++;
    }
    return { id: it.id, prompt: promptTexts[i], output: tokenizer.decode(gen.ids[i]!), pred, ...(pred !== said ? { said } : {}), em, f1, impossible: it.impossible };
  });
  const pct = (s: number[], j: number): number => (s[2]! > 0 ? (100 * s[j]!) / s[2]! : NaN);
  const metrics: Record<string, number> = { exact: pct(sums.all, 0), f1: pct(sums.all, 1), total: items.length };
  if (sums.has[2]! > 0) Object.assign(metrics, { HasAns_exact: pct(sums.has, 0), HasAns_f1: pct(sums.has, 1), HasAns_total: sums.has[2]! });
  if (sums.no[2]! > 0) Object.assign(metrics, { NoAns_exact: pct(sums.no, 0), NoAns_f1: pct(sums.no, 1), NoAns_total: sums.no[2]! });
  env.onProgress?.('qa squad', items.length, items.length);
  return {
    n: items.length,
    metrics,
    ci95: null,
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
