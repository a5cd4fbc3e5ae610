// Translation quality: the paper's prompt, greedy decoding, then corpus BLEU, mean sentence BLEU and chrF (sacreBLEU defaults).
import { generateIds } from '../generate/generate';
import { GREEDY } from '../generate/sample';
import { corpusBleu, sentenceBleu } from './bleu';
import { tokenizerForLang } from './bleu-tokenize';
import { corpusChrf } from './chrf';
import type { LanguagePair, ParallelItem } from './data-types';
import { layoutSettings, type TranslationLayout } from './layout';
import { languageName } from './load-parallel';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { newlineIds } from './protocol';
import { extractAnswer } from './qa';

export function translationPrompt(src: string, pair: LanguagePair): string {
  return `Translate from ${languageName(pair.src)} to ${languageName(pair.tgt)}:\n${src}\nAnswer:`;
}

export interface BleuEvalOptions {
  /** Cap on new tokens per sentence (default: twice the source's tokens + 8, within half the context). */
  maxNewTokens?: number;
  /** The prompt layout (default: the paper's "Translate from … to …:\n{src}\nAnswer:"). */
  layout?: TranslationLayout;
}

export async function evalTranslation(env: EvalEnv, items: readonly ParallelItem[], pair: LanguagePair, opts: BleuEvalOptions = {}): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const { pad, bos, eos } = tokenizer.specials;
  const nl = new Set(newlineIds(tokenizer));
  const prompt = opts.layout ? opts.layout.prompt : translationPrompt;
  const prompts = items.map((it) => tokenizer.encode(prompt(it.src, pair)));
  const half = Math.max(1, Math.floor(model.contextLength / 2));
  const limits = items.map((it) => opts.maxNewTokens ?? Math.min(half, 2 * tokenizer.encode(it.src).length + 8));
  const gen = await generateIds(model, prompts, {
    maxTokens: limits.reduce((a, b) => Math.max(a, b), 1),
    ...GREEDY,
    stopIds: [eos],
    banned: [pad, bos],
    batchSize: env.batchSize,
    shouldStop: (row, ids) => ids.length >= limits[row]! || nl.has(ids[ids.length - 1]!) || /[\n\r]/.test(tokenizer.decode(ids)),
  });
  const hyps = gen.ids.map((ids) => extractAnswer(tokenizer.decode(ids)));
  const refs = items.map((it) => it.ref);
  const tokenize = tokenizerForLang(pair.tgt);
  const corpus = corpusBleu(hyps, refs, { tokenize });
  const sentence = hyps.map((h, i) => sentenceBleu(h, refs[i]!, { tokenize }).score);
  const chrf = corpusChrf(hyps, refs);
  env.onProgress?.('bleu', items.length, items.length);
  const n = items.length;
  return {
    n,
    metrics: {
      bleu: corpus.score,
      sentence_bleu_mean: n > 0 ? sentence.reduce((a, b) => a + b, 0) / n : NaN,
      chrf,
      bp: corpus.bp,
      sys_len: corpus.sysLen,
      ref_len: corpus.refLen,
    },
    ci95: null,
    runs: 1,
    settings: {
      pair: `${pair.src}-${pair.tgt}`,
      prompt: translationPrompt('{src}', pair),
      ...layoutSettings(opts.layout),
      decoding: 'greedy',
      bleu: `sacreBLEU defaults: tok ${tokenize}, smooth exp, 4-grams, mixed case; sentence BLEU with effective order`,
      chrf: 'chrF2, char 6-grams, whitespace excluded',
    },
    items: items.map((it, i) => ({ line: it.line, src: it.src, ref: it.ref, hyp: hyps[i], sentence_bleu: sentence[i] })),
    details: { precisions: corpus.precisions, counts: corpus.counts, totals: corpus.totals },
  };
}
