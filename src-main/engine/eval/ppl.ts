// Perplexity, bits per character and bits per byte over held-out text, with overlapping sliding windows.
import { UserError } from '../../common/errors';
import type { EvalEnv, ProtocolOutput } from './protocol';
import { type ScoreRequest, scoreSequences } from './score';
import { codePoints, utf8Length } from './text';

export interface PplOptions {
  /** Tokens the window advances by (1..contextLength); smaller = more context per token, more compute. Default contextLength/2. */
  stride?: number;
  /** Prepend <bos> so the first token is scored too (only if the model was trained with <bos> at document starts). */
  prefixBos?: boolean;
  /** Score only the first N tokens of the text (a quick look at a large file). */
  limit?: number;
}

export interface Window {
  /** Sequence ids[begin, end) (at most contextLength + 1 tokens: inputs and their next tokens). */
  begin: number;
  end: number;
  /** First position of ids scored in this window. */
  from: number;
}

/**
 * Windows over n tokens such that every token from position 1 on is scored exactly once, with the most context
 * the window allows: the first window scores C tokens, each later one advances by `stride` and scores the
 * `stride` new tokens at its end (each with at least C − stride tokens of context).
 */
export function rollingWindows(n: number, contextLength: number, stride: number): Window[] {
  const s = Math.max(1, Math.min(contextLength, Math.floor(stride)));
  const out: Window[] = [];
  let scoredTo = 1;
  for (let begin = 0; scoredTo < n; begin += s) {
    const end = Math.min(begin + contextLength + 1, n);
    const from = Math.max(scoredTo, begin + 1);
    if (end > from) out.push({ begin, end, from });
    scoredTo = Math.max(scoredTo, end);
  }
  return out;
}

export async function evalPerplexity(env: EvalEnv, text: string, opts: PplOptions = {}): Promise<ProtocolOutput> {
  const { model, tokenizer } = env;
  const c = model.contextLength;
  const stride = Math.max(1, Math.min(c, Math.floor(opts.stride ?? Math.max(1, Math.floor(c / 2)))));
  const allIds = tokenizer.encode(text);
  // With a limit, the scored text is what the kept tokens spell.
  const limited = opts.limit !== undefined && opts.limit >= 1 && allIds.length > opts.limit + (opts.prefixBos ? 0 : 1);
  const textIds = limited ? allIds.subarray(0, Math.floor(opts.limit!) + (opts.prefixBos ? 0 : 1)) : allIds;
  const ids = opts.prefixBos ? Int32Array.from([tokenizer.specials.bos, ...textIds]) : textIds;
  if (ids.length < 2) throw new UserError('the text is too short: perplexity needs at least two tokens');
  const windows = rollingWindows(ids.length, c, stride);
  const reqs: ScoreRequest[] = windows.map((w) => ({ tokens: ids.subarray(w.begin, w.end), start: w.from - w.begin }));
  const scores = await scoreSequences(model, reqs, {
    batchSize: env.batchSize,
    maxLogits: env.maxLogits,
    padId: tokenizer.specials.pad,
    onProgress: (d, t) => env.onProgress?.('ppl', d, t),
  });
  let nats = 0;
  let tokens = 0;
  for (const s of scores) {
    nats += -s.logprob;
    tokens += s.count;
  }
  // Characters and bytes of the text the scored tokens spell (without <bos>, the first token is context only).
  const scoredText = opts.prefixBos
    ? limited
      ? tokenizer.decode(textIds)
      : text
    : tokenizer.decode(textIds.subarray(1));
  const chars = codePoints(scoredText).length;
  const bytes = utf8Length(scoredText);
  const bits = nats / Math.LN2;
  return {
    n: tokens,
    metrics: {
      ppl: Math.exp(nats / tokens),
      nll: nats / tokens,
      bits_per_token: bits / tokens,
      bits_per_char: chars > 0 ? bits / chars : NaN,
      bits_per_byte: bytes > 0 ? bits / bytes : NaN,
      tokens,
      chars,
      bytes,
    },
    ci95: null,
    runs: 1,
    settings: { stride, contextLength: c, prefixBos: Boolean(opts.prefixBos), windows: windows.length },
    items: [],
  };
}
