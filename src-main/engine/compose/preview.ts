// Looking at a merge before saving it: held-out loss of every expert and of the merge per dataset, and
// per-token contributions (each expert's and the merge's probability of the actual next token).
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM } from '../model/lm';
import type { MergeMode } from './combine';
import { MergedLM } from './merged';

/**
 * Non-overlapping windows over a token stream: window k reads tokens [kC, kC + C) and predicts
 * [kC + 1, kC + C + 1), so consecutive windows share one boundary token and every token after the first
 * is predicted exactly once. The last window may be shorter.
 */
export function windows(n: number, context: number): { start: number; length: number }[] {
  const out: { start: number; length: number }[] = [];
  for (let s = 0; s + 1 < n; s += context) out.push({ start: s, length: Math.min(context, n - 1 - s) });
  return out;
}

/** Windows of equal length grouped into batches whose [B, C, V] logits stay near 16M floats per model. */
function batches(n: number, context: number, vocab: number): { start: number; length: number }[][] {
  const ws = windows(n, context);
  const per = Math.max(1, Math.floor(16_000_000 / (context * vocab)));
  const out: { start: number; length: number }[][] = [];
  let cur: { start: number; length: number }[] = [];
  for (const w of ws) {
    if (cur.length === per || (cur.length > 0 && cur[0]!.length !== w.length)) {
      out.push(cur);
      cur = [];
    }
    cur.push(w);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function batchTensors(tokens: Int32Array, ws: { start: number; length: number }[]): { x: tf.Tensor2D; y: Int32Array } {
  const len = ws[0]!.length;
  const x = new Int32Array(ws.length * len);
  const y = new Int32Array(ws.length * len);
  ws.forEach((w, i) => {
    x.set(tokens.subarray(w.start, w.start + len), i * len);
    y.set(tokens.subarray(w.start + 1, w.start + 1 + len), i * len);
  });
  return { x: tf.tensor2d(x, [ws.length, len], 'int32'), y };
}

/** log p(target) at every position of [B, T, V] logits, flattened to [B·T]. */
function targetLogProbs(logits: tf.Tensor, y: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const v = logits.shape[logits.rank - 1]!;
    const flat = tf.reshape(tf.logSoftmax(logits), [-1]);
    const idx = new Int32Array(y.length);
    for (let i = 0; i < y.length; i++) idx[i] = i * v + y[i]!;
    return tf.gather(flat, tf.tensor1d(idx, 'int32')) as tf.Tensor1D;
  });
}

/** Expert logits for a batch, computed once, plus the merge's logits reusing them when the merge is of these experts. */
function forward(
  experts: readonly CausalLM[],
  merged: CausalLM | null,
  x: tf.Tensor2D,
): { experts: tf.Tensor[]; merged: tf.Tensor | null } {
  const ex = experts.map((e) => e.logits(x));
  if (!merged) return { experts: ex, merged: null };
  const map = merged instanceof MergedLM ? merged.experts.map((e) => experts.indexOf(e)) : [];
  const reuse = merged instanceof MergedLM && map.every((i) => i >= 0);
  return { experts: ex, merged: reuse ? merged.combine(map.map((i) => ex[i]!)) : merged.logits(x) };
}

export interface LossOptions {
  /** Window length (tokens per forward pass); default and maximum: each model's context length. */
  context?: number;
  /** Only the first `maxTokens` tokens of each dataset are scored. Default: all. */
  maxTokens?: number;
}

export interface PreviewRow {
  model: string;
  data: string;
  /** Mean cross-entropy in nats per predicted token. */
  loss: number;
  /** Tokens predicted. */
  tokens: number;
}

/**
 * Held-out loss table: rows ordered by model (the experts in the given order, then the merge) and within
 * a model by dataset in the given order. The datasets should be text none of the models was trained on.
 */
export async function previewMerge(
  experts: readonly CausalLM[],
  merged: CausalLM,
  datasets: readonly { name: string; tokens: Int32Array }[],
  opts: LossOptions & { names?: readonly string[]; mergeName?: string } = {},
): Promise<PreviewRow[]> {
  const models = [...experts, merged];
  const context = Math.min(opts.context ?? Infinity, ...models.map((m) => m.contextLength));
  const sums = models.map(() => datasets.map(() => 0));
  const counts = datasets.map(() => 0);
  for (const [d, ds] of datasets.entries()) {
    const toks = opts.maxTokens !== undefined ? ds.tokens.subarray(0, opts.maxTokens) : ds.tokens;
    for (const ws of batches(toks.length, context, merged.vocabSize)) {
      const { x, y } = batchTensors(toks, ws);
      const f = forward(experts, merged, x);
      const all = [...f.experts, f.merged!];
      for (const [m, l] of all.entries()) {
        const lp = targetLogProbs(l, y);
        const s = tf.sum(lp);
        sums[m]![d]! -= (await s.data())[0]!;
        tf.dispose([lp, s]);
      }
      tf.dispose([x, ...all]);
      counts[d]! += y.length;
    }
  }
  const names = [...experts.map((_, i) => opts.names?.[i] ?? `expert ${i + 1}`), opts.mergeName ?? 'merge'];
  return models.flatMap((_, m) =>
    datasets.map((ds, d) => ({
      model: names[m]!,
      data: ds.name,
      loss: counts[d]! > 0 ? sums[m]![d]! / counts[d]! : NaN,
      tokens: counts[d]!,
    })),
  );
}

/** Mean cross-entropy (nats/token) of one model on one token stream, with the same windows as the preview. */
export async function meanCrossEntropy(model: CausalLM, tokens: Int32Array, opts: LossOptions = {}): Promise<number> {
  let sum = 0;
  let count = 0;
  const toks = opts.maxTokens !== undefined ? tokens.subarray(0, opts.maxTokens) : tokens;
  const context = Math.min(opts.context ?? Infinity, model.contextLength);
  for (const ws of batches(toks.length, context, model.vocabSize)) {
    const { x, y } = batchTensors(toks, ws);
    const s = tf.tidy(() => {
      const l = model.logits(x);
      return tf.sum(targetLogProbs(l, y));
    });
    sum -= (await s.data())[0]!;
    tf.dispose([x, s]);
    count += y.length;
  }
  return count > 0 ? sum / count : NaN;
}

export interface Contribution {
  /** Index in the token stream of the predicted token (≥ 1). */
  position: number;
  token: number;
  /** Each expert's probability of `token` given the tokens before it (within its window). */
  expertProbs: number[];
  mergedProb: number;
}

/** Per-token contribution data for a sample text (windows as in the preview). */
export async function contributions(
  experts: readonly CausalLM[],
  mode: MergeMode,
  tokens: Int32Array,
  opts: { weights?: readonly number[]; context?: number } = {},
): Promise<Contribution[]> {
  const merged = new MergedLM(experts, { mode, weights: opts.weights });
  const context = Math.min(opts.context ?? Infinity, merged.contextLength);
  const out: Contribution[] = [];
  for (const ws of batches(tokens.length, context, merged.vocabSize)) {
    const { x, y } = batchTensors(tokens, ws);
    const f = forward(experts, merged, x);
    const [probs, mprob] = tf.tidy(() => [
      tf.stack(
        f.experts.map((l) => tf.exp(targetLogProbs(l, y))),
        1,
      ), // [N, experts]
      tf.exp(targetLogProbs(f.merged!, y)), // [N]
    ]);
    const [p, m] = await Promise.all([probs.data(), mprob.data()]);
    tf.dispose([x, f.merged!, ...f.experts, probs, mprob]);
    const e = experts.length;
    const len = ws[0]!.length;
    for (let i = 0; i < y.length; i++) {
      const w = ws[Math.floor(i / len)]!;
      out.push({
        position: w.start + 1 + (i % len),
        token: y[i]!,
        expertProbs: Array.from(p.subarray(i * e, (i + 1) * e)),
        mergedProb: m[i]!,
      });
    }
  }
  return out;
}
