// Multiple choice by log-likelihood, as lm-evaluation-harness: the choice whose continuation (target delimiter " "
// + choice) the model finds likeliest; acc_norm divides by the choice's length in characters (Python's len).
import { UserError } from '../../common/errors';
import type { McItem } from './data-types';
import { layoutSettings, type McLayout } from './layout';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { fitRequest, type ScoreRequest, scoreSequences } from './score';
import { proportionStderr } from './stats';
import { codePoints, pyStrip } from './text';

export function loglikPrompt(item: McItem): string {
  return `Question: ${item.question}\nAnswer:`;
}

/** The harness's target delimiter, between the prompt and each choice. */
export const TARGET_DELIMITER = ' ';

/** The scored continuation of a choice: the target delimiter, then its text. */
export function loglikContinuation(choice: string): string {
  return `${TARGET_DELIMITER}${choice}`;
}

/** The harness's two multiple-choice layouts: `mmlu` shows lettered options and scores " A"…; `cloze` (ARC) scores the option text. */
export type HarnessMcLayoutName = 'mmlu' | 'cloze';
export const HARNESS_MC_LAYOUTS: readonly HarnessMcLayoutName[] = ['cloze', 'mmlu'];

export const HARNESS_MMLU_LAYOUT: McLayout = {
  name: 'mmlu',
  template: '{question.strip()}\\nA. {A}\\nB. {B}\\nC. {C}\\nD. {D}\\nAnswer:',
  prompt: (item) =>
    `${pyStrip(item.question)}\n${item.choices.map((c, k) => `${item.labels[k]}. ${c}`).join('\n')}\nAnswer:`,
  choice: (item, k) => item.labels[k]!,
};

export const HARNESS_CLOZE_LAYOUT: McLayout = {
  name: 'cloze',
  template: 'Question: {question}\\nAnswer:',
  prompt: loglikPrompt,
  choice: (item, k) => item.choices[k]!,
};

export function harnessMcLayout(name: HarnessMcLayoutName): McLayout {
  return name === 'mmlu' ? HARNESS_MMLU_LAYOUT : HARNESS_CLOZE_LAYOUT;
}

/** acc_norm's prediction: argmax of log-likelihood / len(choice) in characters (code points, as Python counts). */
export function accNormPrediction(logprobs: readonly number[], choices: readonly string[]): number {
  return argmaxFirst(logprobs.map((v, k) => v / Math.max(1, codePoints(choices[k]!).length)));
}

/** Index of the largest value; the first on ties (numpy's argmax, as the harness uses). */
export function argmaxFirst(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

export interface McLoglikItemResult {
  id: string;
  /** The exact prompt text; each choice is scored after it as delimiter + choice. */
  prompt: string;
  gold: number;
  /** The choice strings (without the delimiter). */
  choices: string[];
  /** Summed log-probability of each choice's continuation. */
  logprobs: number[];
  /** Length of each choice in characters (acc_norm's divisor) and of its continuation in tokens. */
  chars: number[];
  tokens: number[];
  pred: number;
  predNorm: number;
}

export interface McLoglikOptions {
  /** The prompt layout (default: the harness's cloze layout, "Question: {question}\nAnswer:" and " {choice}"). */
  layout?: McLayout;
}

export async function evalMcLoglik(
  env: EvalEnv,
  items: readonly McItem[],
  opts: McLoglikOptions = {},
): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const layout = opts.layout ?? HARNESS_CLOZE_LAYOUT;
  const choice = (item: McItem, k: number): string => (layout.choice ? layout.choice(item, k) : item.choices[k]!);
  const reqs: ScoreRequest[] = [];
  const owner: [number, number][] = [];
  const promptTexts: string[] = [];
  const tokenCounts: number[][] = items.map(() => []);
  items.forEach((item, i) => {
    // The prompt is encoded once; the continuation starts with a space, which is always its own token
    // (n-grams never contain whitespace), so separate encoding matches encoding the joined text.
    promptTexts.push(layout.prompt(item));
    const ctx = tokenizer.encode(promptTexts[i]!);
    item.choices.forEach((_choice, k) => {
      const cont = tokenizer.encode(loglikContinuation(choice(item, k)));
      tokenCounts[i]!.push(cont.length);
      const req = fitRequest(ctx, cont, model.contextLength);
      if (!req)
        throw new UserError(
          `${item.file}:${item.line}: choice ${item.labels[k]} is longer than the model's context (${model.contextLength} tokens)`,
        );
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
    const choices = item.choices.map((_c, k) => choice(item, k));
    const predNorm = accNormPrediction(ll, choices);
    if (pred === item.answer) correct++;
    if (predNorm === item.answer) correctNorm++;
    if (item.subject !== undefined) {
      const s = bySubject.get(item.subject) ?? [0, 0];
      bySubject.set(item.subject, [s[0] + (pred === item.answer ? 1 : 0), s[1] + 1]);
    }
    return {
      id: item.id,
      prompt: promptTexts[i]!,
      gold: item.answer,
      choices,
      logprobs: ll,
      chars: choices.map((c) => codePoints(c).length),
      tokens: tokenCounts[i]!,
      pred,
      predNorm,
    };
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
    settings: {
      ...layoutSettings(layout),
      continuation: `"${TARGET_DELIMITER}" + ${layout.choice ? 'choice per layout' : '{choice}'}`,
      norm: 'characters of the choice (len(choice), without the delimiter)',
    },
    items: records,
    ...(bySubject.size > 1
      ? { details: { bySubject: Object.fromEntries([...bySubject].map(([s, [c, t]]) => [s, { acc: c / t, n: t }])) } }
      : {}),
  };
}
