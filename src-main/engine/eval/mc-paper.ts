// Multiple choice the paper's way: generate 1 (MMLU) or 2 tokens after its template; the continuation, stripped
// and upper-cased, is correct when its first character equals the answer letter; `runs` sampled repetitions,
// mean ± 1.96σ/√runs. One deviation, recorded in every result's settings: see MAX_SKIPPED_WHITESPACE.
import type { SamplingOptions } from '../generate/sample';
import type { TokenizerLike } from '../tokenizer/types';
import type { McItem } from './data-types';
import { layoutSettings, type McLayout } from './layout';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { sampleRuns } from './sample-runs';
import { summarizeRuns } from './stats';
import { codePoints, pyStrip } from './text';

export function paperMcPrompt(item: McItem): string {
  if (item.template === 'mmlu') {
    const opts = item.choices.map((c, k) => `${item.labels[k]}) ${c}`).join(' ');
    return `Question: ${item.question}\nOptions: ${opts}\nAnswer:`;
  }
  const lines = item.choices.map((c, k) => `${item.labels[k]}) ${c}`).join('\n');
  return `Question: ${item.question}\nOptions:\n${lines}\nAnswer:`;
}

/** Tokens the paper generates: one for MMLU, two for ARC/CommonsenseQA-style items. */
export function paperMcTokens(item: McItem): number {
  return item.template === 'mmlu' ? 1 : 2;
}

/** The paper's parsed answer: the continuation stripped (Python's whitespace), upper-cased, its first character. */
export function paperMcAnswer(continuation: string): string {
  return codePoints(pyStrip(continuation).toUpperCase())[0] ?? '';
}

/** Whether a generated continuation answers `label` (a lower-case "b" answers "B", as in the paper). */
export function paperMcCorrect(continuation: string, label: string): boolean {
  return paperMcAnswer(continuation) === label.toUpperCase();
}

/**
 * Leading whitespace-only tokens a run may generate before the counted ones. What this changes: the paper's
 * tokenizer has tokens such as " A", so its 1 (or 2) new tokens can hold the letter. Espalier's n-grams never
 * contain whitespace, so " A" is two tokens and a literal single token would be " " — every MMLU item scored
 * wrong. Skipping up to this many whitespace tokens lets a run reach its letter; it never turns a continuation
 * the paper would score correct into a wrong one, and the stripped text is scored exactly as the paper does.
 */
export const MAX_SKIPPED_WHITESPACE = 4;

/** Vocabulary entries that decode to whitespace only (text pieces, and byte tokens of ASCII whitespace). */
export function whitespaceIds(tokenizer: TokenizerLike): number[] {
  const ids: number[] = [];
  tokenizer.pieces.forEach((p, i) => {
    if (
      (p.kind === 'text' && p.text.length > 0 && /^\s+$/u.test(p.text)) ||
      (p.kind === 'byte' && [9, 10, 11, 12, 13, 32].includes(p.byte))
    )
      ids.push(i);
  });
  return ids;
}

export interface McPaperOptions {
  /** Repetitions (default 10). */
  runs?: number;
  seed?: number;
  /** Default: temperature 1 (the model's own distribution), no top-k/top-p. */
  sampling?: SamplingOptions;
  /** Override the number of generated tokens for every item. */
  newTokens?: number;
  /** The prompt layout (default: the paper's templates). */
  layout?: McLayout;
}

export const PAPER_SAMPLING: SamplingOptions = { temperature: 1, topK: 0, topP: 1 };

export async function evalMcPaper(
  env: EvalEnv,
  items: readonly McItem[],
  opts: McPaperOptions = {},
): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const runs = Math.max(1, Math.floor(opts.runs ?? 10));
  const seed = opts.seed ?? 0;
  const sampling = opts.sampling ?? PAPER_SAMPLING;
  const promptTexts = items.map((it) => (opts.layout ? opts.layout.prompt(it) : paperMcPrompt(it)));
  const prompts = promptTexts.map((p) => tokenizer.encode(p));
  const steps = items.map((it) => opts.newTokens ?? paperMcTokens(it));
  const { pad, bos, eos } = tokenizer.specials;
  const gen = await sampleRuns(model, prompts, {
    steps,
    runs,
    sampling,
    seed,
    padId: pad,
    banned: [pad, bos],
    stopIds: [eos],
    skipLeading: { ids: whitespaceIds(tokenizer), max: MAX_SKIPPED_WHITESPACE },
    batchSize: env.batchSize,
    maxLogits: env.maxLogits,
    onProgress: (d, t) => env.onProgress?.('mc paper', d, t),
  });
  const perRun = new Array<number>(runs).fill(0);
  const records = items.map((item, i) => {
    const label = item.labels[item.answer]!;
    const outputs = gen[i]!.map((ids) => tokenizer.decode(ids));
    const parsed = outputs.map(paperMcAnswer);
    const correct = parsed.map((a) => a === label.toUpperCase());
    correct.forEach((ok, r) => {
      if (ok) perRun[r]!++;
    });
    return {
      id: item.id,
      prompt: promptTexts[i],
      gold: label,
      outputs,
      parsed,
      correctRuns: correct,
      correct: correct.filter(Boolean).length,
    };
  });
  const n = items.length;
  const accs = perRun.map((c) => (n > 0 ? c / n : NaN));
  const s = summarizeRuns(accs);
  return {
    n,
    metrics: { acc: s.mean, std: s.std, ci95: s.ci95, min: Math.min(...accs), max: Math.max(...accs) },
    ci95: s.ci95,
    runs,
    settings: {
      seed,
      sampling,
      template: items[0]?.template ?? 'lines',
      newTokens: opts.newTokens ?? 'paper (1 for MMLU, 2 otherwise)',
      scoring: 'continuation stripped, upper-cased; first character equals the answer letter',
      leadingWhitespace: `not counted (up to ${MAX_SKIPPED_WHITESPACE} whitespace-only tokens before the counted ones; the paper counts every token)`,
      ...layoutSettings(opts.layout),
    },
    items: records,
    details: { runAccuracies: accs },
  };
}
