// Multiple choice by log-likelihood (lm-evaluation-harness style): the choice whose continuation the model finds likeliest.
import { UserError } from '../util/errors';
import type { McItem } from './data-types';
import { layoutSettings, type McLayout } from './layout';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { fitRequest, type ScoreRequest, scoreSequences } from './score';
import { proportionStderr } from './stats';
import { utf8Length } from './text';

export function loglikPrompt(item: McItem): string {
  return `Question: ${item.question}\nAnswer:`;
}

/** The scored continuation of a choice: a space, then its text. */
export function loglikContinuation(choice: string): string {
  return ` ${choice}`;
}

/** Index of the largest value; the first on ties (numpy's argmax, as the harness uses). */
export function argmaxFirst(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export interface McLoglikItemResult {
  id: string;
  gold: number;
  /** Summed log-probability of each choice's continuation. */
  logprobs: number[];
  pred: number;
  predNorm: number;
}

export interface McLoglikOptions {
  /** The prompt layout (default: "Question: {question}\nAnswer:" and " {choice}"). */
  layout?: McLayout;
}

export async function evalMcLoglik(env: EvalEnv, items: readonly McItem[], opts: McLoglikOptions = {}): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const layout = opts.layout;
  const continuation = (item: McItem, k: number): string => (layout?.continuation ? layout.continuation(item, k) : loglikContinuation(item.choices[k]!));
  const reqs: ScoreRequest[] = [];
  const owner: [number, number][] = [];
  items.forEach((item, i) => {
    // The prompt is encoded once; the continuation starts with a space, which is always its own token
    // (n-grams never contain whitespace), so separate encoding matches encoding the joined text.
    const ctx = tokenizer.encode(layout ? layout.prompt(item) : loglikPrompt(item));
    item.choices.forEach((_choice, k) => {
      const req = fitRequest(ctx, tokenizer.encode(continuation(item, k)), model.contextLength);
      if (!req) throw new UserError(`${item.file}:${item.line}: choice ${item.labels[k]} is longer than the model's context (${model.contextLength} tokens)`);
      reqs.push(req);
      owner.push([i, k]);
    });
  });
  const scores = await scoreSequences(model, reqs, {
    batchSize: env.batchSize,
    maxLogits: env.maxLogits,
    padId: tokenizer.specials.pad,
    onProgress: (d, t) => env.onProgress?.('mc loglik', d, t),
  });
  const lls: number[][] = items.map((it) => new Array<number>(it.choices.length).fill(0));
  scores.forEach((s, j) => {
    const [i, k] = owner[j]!;
    lls[i]![k] = s.logprob;
  });
  let correct = 0;
  let correctNorm = 0;
  const bySubject = new Map<string, [number, number]>();
  const records: McLoglikItemResult[] = items.map((item, i) => {
    const ll = lls[i]!;
    const pred = argmaxFirst(ll);
    // acc_norm divides by the continuation's length in UTF-8 bytes, so long choices are not penalised for length.
    const predNorm = argmaxFirst(ll.map((v, k) => v / utf8Length(continuation(item, k))));
    if (pred === item.answer) correct++;
    if (predNorm === item.answer) correctNorm++;
    if (item.subject !== undefined) {
      const s = bySubject.get(item.subject) ?? [0, 0];
      bySubject.set(item.subject, [s[0] + (pred === item.answer ? 1 : 0), s[1] + 1]);
    }
    return { id: item.id, gold: item.answer, logprobs: ll, pred, predNorm };
  });
  const n = items.length;
  return {
    n,
    metrics: {
      acc: n > 0 ? correct / n : NaN,
      acc_norm: n > 0 ? correctNorm / n : NaN,
      acc_stderr: proportionStderr(correct, n),
      acc_norm_stderr: proportionStderr(correctNorm, n),
    },
    ci95: null,
    runs: 1,
    settings: layout
      ? { ...layoutSettings(layout), continuation: layout.continuation ? 'per layout' : ' {choice}', norm: 'utf8-bytes' }
      : { prompt: 'Question: {question}\\nAnswer:', continuation: ' {choice}', norm: 'utf8-bytes' },
    items: records,
    ...(bySubject.size > 1 ? { details: { bySubject: Object.fromEntries([...bySubject].map(([s, [c, t]]) => [s, { acc: c / t, n: t }])) } } : {}),
  };
}
