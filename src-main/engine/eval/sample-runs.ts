// Short generations (1–8 tokens) for many prompts × runs, batched over right-padded full forward passes.
// Runs that share a prefix share its forward pass: a prompt's first-token logits are computed once for all runs.
import * as tf from '@tensorflow/tfjs-core';
import { sampleToken, type SamplingOptions } from '../generate/sample';
import type { CausalLM } from '../model/lm';
import { Rng } from '../util/rng';
import { padBatch, planBatches } from './score';

export interface SampleRunsOptions {
  /** New tokens per prompt (the same for all runs of a prompt). */
  steps: readonly number[];
  runs: number;
  sampling: SamplingOptions;
  seed: number;
  padId: number;
  /** Never chosen (e.g. <pad>, <bos>). */
  banned?: readonly number[];
  /** End a run's generation when chosen; the id itself is not kept. */
  stopIds?: readonly number[];
  /**
   * Leading ids kept in the output without counting toward `steps` (e.g. whitespace-only tokens before an answer),
   * at most `max` per run; once a counted token is out, these ids count like any other.
   */
  skipLeading?: { ids: readonly number[]; max: number };
  batchSize?: number;
  maxLogits?: number;
  onProgress?: (done: number, total: number) => void;
}

/** One independent stream per (seed, prompt, run): results never depend on batch size or on other items. */
export function runRng(seed: number, prompt: number, run: number): Rng {
  let h = seed >>> 0;
  for (const x of [prompt, run]) {
    h = Math.imul(h ^ (x >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x85ebca77) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return new Rng(h);
}

/** Logits after the last token of each sequence, batched; `use` receives each row as it arrives. */
async function lastLogits(
  model: CausalLM,
  seqs: readonly Int32Array[],
  opts: SampleRunsOptions,
  use: (i: number, row: Float32Array) => void,
): Promise<void> {
  const v = model.vocabSize;
  for (const batch of planBatches(
    seqs.map((s) => s.length),
    v,
    opts,
  )) {
    const width = Math.max(...batch.map((i) => seqs[i]!.length));
    const input = padBatch(
      batch.map((i) => seqs[i]!),
      width,
      opts.padId,
    );
    const rowsT = tf.tidy(() => {
      const logits = model.logits(input);
      const at = batch.map((i, b) => b * width + seqs[i]!.length - 1);
      return tf.gather(tf.reshape(logits, [batch.length * width, v]), tf.tensor1d(at, 'int32'));
    });
    input.dispose();
    const data = (await rowsT.data()) as Float32Array;
    rowsT.dispose();
    batch.forEach((i, b) => use(i, data.subarray(b * v, (b + 1) * v)));
  }
}

/** Returns new ids per [prompt][run]. Prompts are cut from the left so prompt + steps (+ skipped) − 1 fits the context. */
export async function sampleRuns(
  model: CausalLM,
  prompts: readonly Int32Array[],
  opts: SampleRunsOptions,
): Promise<Int32Array[][]> {
  const c = model.contextLength;
  const stop = new Set(opts.stopIds ?? []);
  const skippable = new Set(opts.skipLeading?.ids ?? []);
  const maxSkip = skippable.size > 0 ? Math.max(0, Math.floor(opts.skipLeading!.max)) : 0;
  const ctx = prompts.map((p, i) => {
    const keep = Math.max(1, c - Math.max(1, opts.steps[i]! + maxSkip) + 1);
    if (p.length === 0) throw new Error(`sampleRuns: prompt ${i} is empty`);
    return p.length > keep ? p.subarray(p.length - keep) : p;
  });
  const out: number[][][] = prompts.map(() => Array.from({ length: opts.runs }, () => []));
  const skipped: number[][] = prompts.map(() => new Array<number>(opts.runs).fill(0));
  const live: boolean[][] = prompts.map((_, p) => Array.from({ length: opts.runs }, () => opts.steps[p]! > 0));
  const rngs = prompts.map((_, p) => Array.from({ length: opts.runs }, (_, r) => runRng(opts.seed, p, r)));
  const maxSteps = opts.steps.reduce((a, b) => Math.max(a, b), 0) + maxSkip;
  for (let step = 0; step < maxSteps; step++) {
    // Distinct prefixes among the live runs, each forwarded once.
    const keyIndex = new Map<string, number>();
    const seqs: Int32Array[] = [];
    const members: [number, number][][] = [];
    prompts.forEach((_, p) => {
      for (let r = 0; r < opts.runs; r++) {
        if (!live[p]![r]) continue;
        const key = `${p}:${out[p]![r]!.join(',')}`;
        let k = keyIndex.get(key);
        if (k === undefined) {
          k = seqs.length;
          keyIndex.set(key, k);
          const s = new Int32Array(ctx[p]!.length + out[p]![r]!.length);
          s.set(ctx[p]!);
          s.set(out[p]![r]!, ctx[p]!.length);
          seqs.push(s);
          members.push([]);
        }
        members[k]!.push([p, r]);
      }
    });
    if (seqs.length === 0) break;
    await lastLogits(model, seqs, opts, (k, row) => {
      for (const [p, r] of members[k]!) {
        const id = sampleToken(row, opts.sampling, rngs[p]![r]!, opts.banned ?? []);
        if (stop.has(id)) {
          live[p]![r] = false;
          continue;
        }
        const leading = out[p]![r]!.length === skipped[p]![r]!;
        out[p]![r]!.push(id);
        if (leading && skippable.has(id) && skipped[p]![r]! < maxSkip) skipped[p]![r]!++;
        if (out[p]![r]!.length - skipped[p]![r]! >= opts.steps[p]!) live[p]![r] = false;
      }
    });
    opts.onProgress?.(step + 1, maxSteps);
  }
  return out.map((runs) => runs.map((ids) => Int32Array.from(ids)));
}
