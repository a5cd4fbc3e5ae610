// Autoregressive generation over any CausalLM through its KV-cache Decoder: token-level (`generateIds`,
// for evaluation) and text-level with stop strings (`generate`, for the CLI and the app).
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, Decoder } from '../model/lm';
import type { TokenizerLike } from '../tokenizer/types';
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';
import { GREEDY, sampleToken, type SamplingOptions } from './sample';

export interface GenerateIdsOptions extends Partial<SamplingOptions> {
  /** New tokens per prompt at most. */
  maxTokens: number;
  /** Seeds one independent stream per prompt (by prompt index), so a row never depends on its batch-mates. */
  seed?: number;
  /** Ids that end a row when chosen (e.g. <eos>); such an id is not part of the output. */
  stopIds?: readonly number[];
  /** Ids that are never chosen (e.g. <pad>, <bos>). */
  banned?: readonly number[];
  /** Also return the model's log-probability of each chosen token (natural log, temperature 1, before top-k/top-p). */
  logprobs?: boolean;
  /** Called after each new token of a row with all its new ids; true ends the row (stop strings use this). */
  shouldStop?: (row: number, newIds: Int32Array) => boolean;
  /** Prompts of equal (truncated) length decode in lockstep, at most this many rows together. Default 8. */
  batchSize?: number;
  /** Checked before every new token: once aborted, every unfinished row ends 'cancelled' with what it has. */
  signal?: AbortSignal;
}

export type FinishReason = 'length' | 'stop-id' | 'stop' | 'cancelled';

export interface GenerateIdsResult {
  /** New ids per prompt (the prompt is not repeated). */
  ids: Int32Array[];
  /** Present when `logprobs` was asked: one value per new id. */
  logprobs?: Float32Array[];
  finish: FinishReason[];
  /** How many prompt tokens were dropped from the left of each prompt to fit the context. */
  truncated: number[];
  newTokens: number;
  seconds: number;
  tokensPerSec: number;
}

/**
 * How many prompt tokens to keep (from the right). The whole generation fits in one cache when it can
 * (prompt + maxTokens − 1 fed positions ≤ context); a long generation still keeps half the context for
 * the prompt and slides (see `slideKeep`).
 */
export function promptBudget(contextLength: number, maxTokens: number): number {
  const c = contextLength;
  return Math.max(1, Math.min(c, Math.max(c - maxTokens + 1, Math.ceil(c / 2))));
}

/** When the cache is full, the decoder is reopened on this many most recent tokens (amortises re-prefill). */
export function slideKeep(contextLength: number): number {
  return Math.max(1, Math.ceil(contextLength / 2));
}

/** One turn of the event loop (I/O callbacks run), not just the microtask queue. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** log softmax(row)[id] in float64. */
function logProbOf(row: Float32Array, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return row[id]! - max - Math.log(sum);
}

function feedRows(dec: Decoder, rows: readonly (readonly number[])[]): tf.Tensor2D {
  const n = rows[0]!.length;
  const flat = new Int32Array(rows.length * n);
  rows.forEach((r, i) => flat.set(r, i * n));
  const input = tf.tensor2d(flat, [rows.length, n], 'int32');
  try {
    return dec.feed(input);
  } finally {
    input.dispose();
  }
}

/** What one generation holds while it runs: per prompt, its context, new ids, log-probs, end and random stream. */
interface GenState {
  ctx: number[][];
  out: number[][];
  lps: number[][];
  finish: FinishReason[];
  rngs: Rng[];
  /** Context length, new-token limit, sampling settings and the caller's options. */
  c: number;
  maxTokens: number;
  sampling: SamplingOptions;
  stopIds: Set<number>;
  banned: readonly number[];
  opts: GenerateIdsOptions;
  /** When the event loop last had a turn (see `yieldOrCancel`). */
  lastYield: number;
}

/** The prompts cut to the budget from the left (an empty prompt is a UserError). */
function promptContexts(prompts: readonly Int32Array[], budget: number): number[][] {
  return prompts.map((p, i) => {
    if (p.length === 0) throw new UserError(`generate: prompt ${i} is empty (give at least one token, e.g. <bos>)`);
    return Array.from(p.subarray(Math.max(0, p.length - budget)));
  });
}

/** Prompt indices grouped by length, in batches of at most `batchSize` (equal lengths decode in lockstep). */
function lengthBatches(ctx: readonly number[][], batchSize: number): number[][] {
  const groups = new Map<number, number[]>();
  ctx.forEach((p, i) => {
    const g = groups.get(p.length);
    if (g) g.push(i);
    else groups.set(p.length, [i]);
  });
  const batches: number[][] = [];
  for (const idx of groups.values())
    for (let s = 0; s < idx.length; s += batchSize) batches.push(idx.slice(s, s + batchSize));
  return batches;
}

/** Samples one token for every live row of the batch from `data` (its logits); returns the ids to feed next. */
function sampleStep(st: GenState, rows: readonly number[], live: Set<number>, data: Float32Array): number[] {
  const v = data.length / rows.length;
  const next: number[] = [];
  rows.forEach((r, j) => {
    if (!live.has(j)) {
      next.push(st.ctx[r]![st.ctx[r]!.length - 1]!);
      return;
    }
    const row = data.subarray(j * v, (j + 1) * v);
    const id = sampleToken(row, st.sampling, st.rngs[r]!, st.banned);
    next.push(id);
    if (st.stopIds.has(id)) {
      st.finish[r] = 'stop-id';
      live.delete(j);
      return;
    }
    st.out[r]!.push(id);
    st.ctx[r]!.push(id);
    if (st.opts.logprobs) st.lps[r]!.push(logProbOf(row, id));
    if (st.opts.shouldStop?.(r, Int32Array.from(st.out[r]!))) {
      st.finish[r] = 'stop';
      live.delete(j);
    } else if (st.out[r]!.length >= st.maxTokens) live.delete(j);
  });
  return next;
}

/** True (and the live rows marked 'cancelled') once the signal has fired. */
async function yieldOrCancel(st: GenState, rows: readonly number[], live: Set<number>): Promise<boolean> {
  const signal = st.opts.signal;
  if (!signal) return false;
  // Reading logits can resolve without leaving the microtask queue (wasm), so the abort could never
  // arrive: hand the event loop a turn every ~15 ms.
  if (performance.now() - st.lastYield > 15) {
    await yieldToEventLoop();
    st.lastYield = performance.now();
  }
  if (!signal.aborted) return false;
  for (const j of live) st.finish[rows[j]!] = 'cancelled';
  return true;
}

/** Decodes one batch of equal-length prompts until every row ends, sliding the cache when it fills. */
async function decodeBatch(model: CausalLM, st: GenState, rows: readonly number[]): Promise<void> {
  const { ctx, c } = st;
  let dec = model.openDecoder(rows.length);
  try {
    let logits = feedRows(
      dec,
      rows.map((r) => ctx[r]!),
    );
    const live = new Set(rows.map((_, j) => j));
    for (;;) {
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      const next = sampleStep(st, rows, live, data);
      if (live.size === 0) break;
      if (await yieldOrCancel(st, rows, live)) break;
      if (dec.length + 1 <= c) {
        logits = feedRows(
          dec,
          next.map((id) => [id]),
        );
      } else {
        // The cache is full: restart it on the most recent tokens. Finished rows (whose output is ignored)
        // borrow a live row's window so every row has the same length and the batch stays in lockstep.
        dec.dispose();
        dec = model.openDecoder(rows.length);
        const keep = slideKeep(c);
        const liveSeq = ctx[rows[[...live][0]!]!]!;
        logits = feedRows(
          dec,
          rows.map((r, j) => (live.has(j) ? ctx[r]! : liveSeq).slice(-keep)),
        );
      }
    }
  } finally {
    dec.dispose();
  }
}

/**
 * Generates new token ids for each prompt. Prompts are grouped by length and decoded in lockstep without
 * padding (the Decoder contract has no attention mask, so left-padding would change the result); prompts
 * longer than the budget are truncated from the left.
 */
export async function generateIds(
  model: CausalLM,
  prompts: readonly Int32Array[],
  opts: GenerateIdsOptions,
): Promise<GenerateIdsResult> {
  const maxTokens = Math.max(0, Math.floor(opts.maxTokens));
  const c = model.contextLength;
  const master = new Rng(opts.seed ?? 0);
  const ctx = promptContexts(prompts, promptBudget(c, Math.max(1, maxTokens)));
  const truncated = prompts.map((p, i) => p.length - ctx[i]!.length);
  const t0 = performance.now();
  const st: GenState = {
    ctx,
    out: prompts.map(() => []),
    lps: prompts.map(() => []),
    finish: prompts.map(() => 'length'),
    rngs: prompts.map(() => new Rng(master.seed())),
    c,
    maxTokens,
    sampling: {
      temperature: opts.temperature ?? GREEDY.temperature,
      topK: opts.topK ?? GREEDY.topK,
      topP: opts.topP ?? GREEDY.topP,
    },
    stopIds: new Set(opts.stopIds ?? []),
    banned: opts.banned ?? [],
    opts,
    lastYield: t0,
  };
  for (const rows of maxTokens > 0 ? lengthBatches(ctx, Math.max(1, opts.batchSize ?? 8)) : []) {
    if (opts.signal?.aborted) {
      for (const r of rows) st.finish[r] = 'cancelled';
      continue;
    }
    await decodeBatch(model, st, rows);
  }
  const seconds = (performance.now() - t0) / 1000;
  const newTokens = st.out.reduce((a, o) => a + o.length, 0);
  return {
    ids: st.out.map((o) => Int32Array.from(o)),
    ...(opts.logprobs ? { logprobs: st.lps.map((l) => Float32Array.from(l)) } : {}),
    finish: st.finish,
    truncated,
    newTokens,
    seconds,
    tokensPerSec: seconds > 0 ? newTokens / seconds : 0,
  };
}

export interface GenerateOptions extends Partial<SamplingOptions> {
  maxTokens: number;
  seed?: number;
  /** Generation of a prompt ends as soon as its new text contains one of these; the text is cut before it. */
  stop?: readonly string[];
  batchSize?: number;
  /** Stops generation between tokens; the text generated so far is kept (finish 'cancelled'). */
  signal?: AbortSignal;
}

export interface GenerateResult {
  /** The new text of each prompt (the prompt is not repeated), cut before the first stop string. */
  texts: string[];
  /** The new ids, including any that completed a stop string (a token may straddle its boundary). */
  ids: Int32Array[];
  finish: FinishReason[];
  truncated: number[];
  tokensPerSec: number;
}

/**
 * Text in, text out. <pad>, <bos> and <unk> are never generated; <eos> ends a prompt. An empty prompt starts
 * from <bos>. Stop strings are matched in the new text only, not across the prompt boundary.
 */
export async function generate(
  model: CausalLM,
  tokenizer: TokenizerLike,
  prompts: readonly string[],
  opts: GenerateOptions,
): Promise<GenerateResult> {
  if (tokenizer.size !== model.vocabSize) {
    throw new UserError(
      `generate: the tokenizer has ${tokenizer.size} tokens but the model outputs ${model.vocabSize}; use the tokenizer saved with the model`,
    );
  }
  if (tokenizer.id !== model.tokenizerId) {
    throw new UserError(
      `generate: tokenizer ${tokenizer.id.slice(0, 12)}… is not the model's tokenizer ${model.tokenizerId.slice(0, 12)}…; use the tokenizer saved with the model`,
    );
  }
  const stops = (opts.stop ?? []).filter((s) => s.length > 0);
  const { pad, bos, eos, unk } = tokenizer.specials;
  const encoded = prompts.map((p) => {
    const ids = tokenizer.encode(p);
    return ids.length > 0 ? ids : Int32Array.of(bos);
  });
  const r = await generateIds(model, encoded, {
    ...opts,
    stopIds: [eos],
    banned: [pad, bos, unk],
    shouldStop: stops.length === 0 ? undefined : (_row, ids) => stopIndex(tokenizer.decode(ids), stops) >= 0,
  });
  const texts = r.ids.map((ids) => {
    const text = tokenizer.decode(ids);
    const at = stopIndex(text, stops);
    return at >= 0 ? text.slice(0, at) : text;
  });
  return { texts, ids: r.ids, finish: r.finish, truncated: r.truncated, tokensPerSec: r.tokensPerSec };
}

/** Earliest index at which any stop string starts, or -1. */
function stopIndex(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}
