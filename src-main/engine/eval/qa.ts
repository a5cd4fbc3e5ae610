// Extractive QA (SQuAD v2): the paper's short-answer substring protocol, and official EM/F1 with greedy decoding.
import { generateIds } from '../generate/generate';
import type { QaItem } from './data-types';
import { layoutSettings, type QaLayout } from './layout';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { newlineIds } from './protocol';
import { sampleRuns } from './sample-runs';
import { normalizeAnswer, scoreQa } from './squad-metrics';
import { codePoints, pyStrip } from './text';
import { GREEDY } from '../generate/sample';

export function qaPrompt(item: QaItem): string {
  return `Context: ${item.context}\nQuestion: ${item.question}\nAnswer:`;
}

/** The paper keeps answerable questions whose (first) answer has at most 8 characters. */
export const PAPER_QA_MAX_CHARS = 8;

export function paperQaEligible(item: QaItem): boolean {
  const a = item.answers[0];
  return !item.impossible && a !== undefined && a.length > 0 && codePoints(a).length <= PAPER_QA_MAX_CHARS;
}

export function paperQaCorrect(continuation: string, answer: string): boolean {
  return continuation.toUpperCase().includes(answer.toUpperCase());
}

export interface QaPaperOptions {
  /** The prompt layout (default: the paper's "Context: … Question: … Answer:"). */
  layout?: QaLayout;
}

/** Paper protocol: greedy, as many new tokens as the answer has characters; correct when the answer occurs in them. */
export async function evalQaPaper(env: EvalEnv, items: readonly QaItem[], opts: QaPaperOptions = {}): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const prompt = opts.layout ? opts.layout.prompt : qaPrompt;
  const eligible = items.filter(paperQaEligible);
  const answers = eligible.map((it) => it.answers[0]!);
  const { pad, bos, eos } = tokenizer.specials;
  const gen = await sampleRuns(
    model,
    eligible.map((it) => tokenizer.encode(prompt(it))),
    {
      steps: answers.map((a) => codePoints(a).length),
      runs: 1,
      sampling: GREEDY,
      seed: 0,
      padId: pad,
      banned: [pad, bos],
      stopIds: [eos],
      batchSize: env.batchSize,
      maxLogits: env.maxLogits,
      onProgress: (d, t) => env.onProgress?.('qa paper', d, t),
    },
  );
  let correct = 0;
  const records = eligible.map((it, i) => {
    const output = tokenizer.decode(gen[i]![0]!);
    const ok = paperQaCorrect(output, answers[i]!);
    if (ok) correct++;
    return { id: it.id, answer: answers[i], output, correct: ok };
  });
  const n = eligible.length;
  return {
    n,
    metrics: { acc: n > 0 ? correct / n : NaN, eligible: n, skipped: items.length - n },
    ci95: null,
    runs: 1,
    settings: {
      prompt: 'Context: {context}\\nQuestion: {question}\\nAnswer:',
      maxAnswerChars: PAPER_QA_MAX_CHARS,
      decoding: 'greedy',
      newTokens: 'answer length in characters',
      ...layoutSettings(opts.layout),
    },
    items: records,
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
  const prompts = items.map((it) => tokenizer.encode(layout ? layout.prompt(it) : qaPrompt(it)));
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
    return { id: it.id, pred, ...(pred !== said ? { said } : {}), em, f1, impossible: it.impossible };
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
