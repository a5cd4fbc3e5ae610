// Training and validation batches from token streams: fixed windows of T+1 tokens (the hold-out is holdout.ts)
// and an epoch-shuffled sampler whose position is two integers (so a checkpoint restores it exactly).
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';

/** A token stream held in memory (Int32Array) or read from a token file on demand (engine/tokens). */
export interface TokenSeq {
  readonly length: number;
  /** For streams not held in memory: what identifies their content (a growth run's state checks it). */
  readonly identity?: string;
  subarray(begin: number, end: number): Int32Array;
}

/** Non-overlapping windows of one stream: window w covers tokens[starts[w] … starts[w] + T]. */
export interface Windows<S extends TokenSeq = Int32Array> {
  readonly tokens: S;
  readonly starts: Int32Array;
  readonly T: number;
}

export function makeWindows<S extends TokenSeq = Int32Array>(tokens: S, T: number, source = 'data'): Windows<S> {
  // Window starts are int32: past 2^31 tokens a stream must be split (about 4 GB of text).
  if (tokens.length > 0x7fffffff)
    throw new UserError(
      `${source}: ${tokens.length} tokens is more than one stream holds (2,147,483,647); split the corpus`,
    );
  if (tokens.length < T + 1) {
    throw new UserError(
      `${source}: ${tokens.length} tokens is too short for context ${T} (needs at least ${T + 1}); use more text or a smaller --context`,
    );
  }
  const n = Math.floor((tokens.length - 1) / T);
  return { tokens, T, starts: Int32Array.from({ length: n }, (_, i) => i * T) };
}

export function subset<S extends TokenSeq>(w: Windows<S>, idx: ArrayLike<number>): Windows<S> {
  return { tokens: w.tokens, T: w.T, starts: Int32Array.from(idx, (i) => w.starts[i]!) };
}

export interface Batch {
  /** int32 [B·T] inputs and next-token targets. */
  inputs: Int32Array;
  targets: Int32Array;
  /** Which windows the rows are (lets a frozen-prefix cache reuse work). */
  windows: Int32Array;
}

export function batchOf(w: Windows<TokenSeq>, windowIds: ArrayLike<number>): Batch {
  const B = windowIds.length;
  const T = w.T;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const s = w.starts[windowIds[b]!]!;
    // One read of T+1 tokens (a positioned read when the stream is a token file).
    const win = w.tokens.subarray(s, s + T + 1);
    inputs.set(win.subarray(0, T), b * T);
    targets.set(win.subarray(1, T + 1), b * T);
  }
  return { inputs, targets, windows: Int32Array.from(windowIds) };
}

export interface SamplerState {
  epoch: number;
  pos: number;
}

/** Visits every training window once per epoch, in an order fixed by (seed, epoch). */
export class Sampler {
  private order: Int32Array;

  constructor(
    private readonly w: Windows<TokenSeq>,
    private readonly seed: number,
    private st: SamplerState = { epoch: 0, pos: 0 },
  ) {
    this.order = this.shuffled(st.epoch);
  }

  private shuffled(epoch: number): Int32Array {
    const rng = new Rng((this.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
    return Int32Array.from(rng.shuffle(Array.from({ length: this.w.starts.length }, (_, i) => i)));
  }

  next(B: number): Batch {
    const ids = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      if (this.st.pos >= this.order.length) {
        this.st = { epoch: this.st.epoch + 1, pos: 0 };
        this.order = this.shuffled(this.st.epoch);
      }
      ids[b] = this.order[this.st.pos++]!;
    }
    return batchOf(this.w, ids);
  }

  state(): SamplerState {
    return { ...this.st };
  }
}

/** Entropy (nats per token) of the unigram distribution of the given windows' target tokens. */
export function unigramEntropy(w: Windows<TokenSeq>): number {
  let counts = new Float64Array(1024);
  let total = 0;
  const n = w.starts.length;
  // Runs of back-to-back windows are read in large pieces (a token file is then read once, sequentially).
  for (let k = 0; k < n;) {
    let m = k + 1;
    while (m < n && w.starts[m] === w.starts[m - 1]! + w.T && (m - k) * w.T < 1 << 20) m++;
    const ids = w.tokens.subarray(w.starts[k]! + 1, w.starts[m - 1]! + w.T + 1);
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      if (t >= counts.length) {
        const bigger = new Float64Array(Math.max(t + 1, counts.length * 2));
        bigger.set(counts);
        counts = bigger;
      }
      counts[t]!++;
    }
    total += ids.length;
    k = m;
  }
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / total;
    h -= p * Math.log(p);
  }
  return h;
}
