// Translation quality, two separately labelled measures: the paper's (per item sacreBLEU of the upper-cased texts,
// averaged; sampled runs, mean ± 1.96σ/√runs) and the field's standard (greedy, corpus BLEU, sentence BLEU, chrF).
import { generateIds } from '../generate/generate';
import { GREEDY, type SamplingOptions } from '../generate/sample';
import { corpusBleu, sentenceBleu } from './bleu';
import { tokenizerForLang } from './bleu-tokenize';
import { corpusChrf } from './chrf';
import { mainScript, summarizeTranslationDegenerate, translationDegenerateKind } from './degenerate';
import type { LanguagePair, ParallelItem } from './data-types';
import { layoutSettings, type TranslationLayout } from './layout';
import { languageName } from './load-parallel';
import { PAPER_SAMPLING } from './mc-paper';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { newlineIds } from './protocol';
import { extractAnswer, PAPER_MAX_NEW_TOKENS } from './qa';
import { runRng } from './sample-runs';
import { summarizeRuns } from './stats';
import { codePoints, pyStrip } from './text';

export function translationPrompt(src: string, pair: LanguagePair): string {
  return `Translate from ${languageName(pair.src)} to ${languageName(pair.tgt)}:\n${src}\nAnswer:`;
}

/** The paper's score of one item: sacreBLEU corpus_bleu([hyp.upper()], [[ref.upper()]]), tokenizer 13a for every language. */
export function paperItemBleu(continuation: string, ref: string): number {
  return corpusBleu([pyStrip(continuation).toUpperCase()], [ref.toUpperCase()], { tokenize: '13a' }).score;
}

/** The paper's generation budget: as many new tokens as the reference has characters, at most 100. */
export function paperBleuBudget(ref: string): number {
  return Math.max(1, Math.min(codePoints(ref).length, PAPER_MAX_NEW_TOKENS));
}

export interface BleuEvalOptions {
  /** Standard measure: cap on new tokens per sentence (default: twice the source's tokens + 8, within half the context). */
  maxNewTokens?: number;
  /** The prompt layout (default: the paper's "Translate from … to …:\n{src}\nAnswer:"). */
  layout?: TranslationLayout;
  /** Paper measure: sampled repetitions (default 10). */
  runs?: number;
  seed?: number;
  sampling?: SamplingOptions;
}

export async function evalTranslation(
  env: EvalEnv,
  items: readonly ParallelItem[],
  pair: LanguagePair,
  opts: BleuEvalOptions = {},
): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const { pad, bos, eos } = tokenizer.specials;
  const nl = new Set(newlineIds(tokenizer));
  const prompt = opts.layout ? opts.layout.prompt : translationPrompt;
  const promptTexts = items.map((it) => prompt(it.src, pair));
  const prompts = promptTexts.map((p) => tokenizer.encode(p));
  const runs = Math.max(1, Math.floor(opts.runs ?? 10));
  const seed = opts.seed ?? 0;
  const sampling = opts.sampling ?? PAPER_SAMPLING;
  const budgets = items.map((it) => paperBleuBudget(it.ref));
  // Paper: each run samples every item up to its budget (stopping only at <eos>, as the author's generate does).
  const outputs: string[][] = items.map(() => []);
  const scores: number[][] = items.map(() => []);
  const runMeans: number[] = [];
  for (let r = 0; r < runs; r++) {
    const gen = await generateIds(model, prompts, {
      maxTokens: budgets.reduce((a, b) => Math.max(a, b), 1),
      ...sampling,
      seed: runRng(seed, 0x5eed, r).nextU32(),
      stopIds: [eos],
      banned: [pad, bos],
      batchSize: env.batchSize,
      shouldStop: (row, ids) => ids.length >= budgets[row]!,
    });
    let sum = 0;
    gen.ids.forEach((ids, i) => {
      const out = tokenizer.decode(ids);
      const score = paperItemBleu(out, items[i]!.ref);
      outputs[i]!.push(out);
      scores[i]!.push(score);
      sum += score;
    });
    runMeans.push(items.length > 0 ? sum / items.length : NaN);
    env.onProgress?.('bleu paper', r + 1, runs);
  }
  const paper = summarizeRuns(runMeans);
  // Standard: greedy, one line, corpus-level sacreBLEU with the target language's tokenizer.
  const half = Math.max(1, Math.floor(model.contextLength / 2));
  const limits = items.map((it) => opts.maxNewTokens ?? Math.min(half, 2 * tokenizer.encode(it.src).length + 8));
  const greedy = await generateIds(model, prompts, {
    maxTokens: limits.reduce((a, b) => Math.max(a, b), 1),
    ...GREEDY,
    stopIds: [eos],
    banned: [pad, bos],
    batchSize: env.batchSize,
    shouldStop: (row, ids) =>
      ids.length >= limits[row]! || nl.has(ids[ids.length - 1]!) || /[\n\r]/.test(tokenizer.decode(ids)),
  });
  const hyps = greedy.ids.map((ids) => extractAnswer(tokenizer.decode(ids)));
  const refs = items.map((it) => it.ref);
  const tokenize = tokenizerForLang(pair.tgt);
  const corpus = corpusBleu(hyps, refs, { tokenize });
  const sentence = hyps.map((h, i) => sentenceBleu(h, refs[i]!, { tokenize }).score);
  const chrf = corpusChrf(hyps, refs);
  env.onProgress?.('bleu', items.length, items.length);
  const n = items.length;
  // Each sampled output's first line (what a reader takes as the translation) flagged as QA's answers are, and
  // also when it is in none of the reference's script.
  const flags = items.map((it, i) => {
    const script = mainScript(it.ref);
    return outputs[i]!.map((o) => translationDegenerateKind(extractAnswer(o), script));
  });
  return {
    n,
    metrics: {
      bleu: paper.mean,
      std: paper.std,
      ci95: paper.ci95,
      corpus_bleu: corpus.score,
      sentence_bleu_mean: n > 0 ? sentence.reduce((a, b) => a + b, 0) / n : NaN,
      chrf,
      bp: corpus.bp,
      sys_len: corpus.sysLen,
      ref_len: corpus.refLen,
    },
    ci95: paper.ci95,
    runs,
    settings: {
      pair: `${pair.src}-${pair.tgt}`,
      prompt: translationPrompt('{src}', pair),
      ...layoutSettings(opts.layout),
      bleu: `paper: per item sacreBLEU corpus_bleu([hyp.upper()], [[ref.upper()]]), tok 13a for every language, averaged over items; ${runs} sampled runs, mean ± 1.96σ/√runs`,
      seed,
      sampling,
      newTokens: `paper: reference length in characters, at most ${PAPER_MAX_NEW_TOKENS}, stop at <eos> only`,
      corpus_bleu: `standard: greedy to the line break; sacreBLEU defaults: tok ${tokenize}, smooth exp, 4-grams, mixed case; sentence BLEU with effective order`,
      chrf: 'standard (greedy): chrF2, char 6-grams, whitespace excluded',
    },
    items: items.map((it, i) => ({
      line: it.line,
      prompt: promptTexts[i],
      src: it.src,
      ref: it.ref,
      outputs: outputs[i],
      bleu_runs: scores[i],
      hyp: hyps[i],
      sentence_bleu: sentence[i],
      degenerate: flags[i],
    })),
    degenerate: summarizeTranslationDegenerate(flags.flat()),
    details: { runScores: runMeans, precisions: corpus.precisions, counts: corpus.counts, totals: corpus.totals },
  };
}
