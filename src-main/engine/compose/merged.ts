// A merge of N ≥ 2 experts is itself a CausalLM: every forward pass runs each expert and combines their
// logits (combine.ts); its Decoder holds one KV-cache Decoder per expert. No new parameters, no copies.
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, Decoder } from '../model/lm';
import { UserError } from '../../common/errors';
import { combineLogits, resolveWeights, type MergeMode } from './combine';

export interface MergeOptions {
  mode?: MergeMode;
  weights?: readonly number[] | null;
  /** How each expert is named in errors and previews (e.g. its folder); default "expert 1", "expert 2", … */
  names?: readonly string[];
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ids in messages: enough hex to tell them apart, short enough for one line. */
export function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 16)}…` : id;
}

/** Experts must share the frozen substrate and the tokenizer; the error lists both ids of every expert. */
export function checkCompatible(experts: readonly CausalLM[], names?: readonly string[]): void {
  const first = experts[0];
  if (!first) throw new UserError('a merge needs at least 2 experts, got 0');
  const subOk = experts.every((e) => e.substrateId === first.substrateId);
  const tokOk = experts.every((e) => e.tokenizerId === first.tokenizerId);
  if (subOk && tokOk) {
    const bad = experts.findIndex((e) => e.vocabSize !== first.vocabSize);
    if (bad >= 0)
      throw new UserError(
        `cannot merge: experts share a tokenizer id but output ${first.vocabSize} and ${experts[bad]!.vocabSize} tokens`,
      );
    return;
  }
  const what =
    !subOk && !tokOk ? 'substrate and tokenizer ids differ' : !subOk ? 'substrate ids differ' : 'tokenizer ids differ';
  const list = experts
    .map(
      (e, i) =>
        `expert ${LETTERS[i] ?? i + 1} (${names?.[i] ?? `expert ${i + 1}`}) has substrate ${shortId(e.substrateId)}, tokenizer ${shortId(e.tokenizerId)}`,
    )
    .join('; ');
  throw new UserError(`cannot merge: ${list} — ${what}; experts must be trained on the same substrate and tokenizer`);
}

export class MergedLM implements CausalLM {
  readonly experts: readonly CausalLM[];
  readonly mode: MergeMode;
  /** Normalised to sum 1; uniform unless the user gave weights. */
  readonly weights: readonly number[];
  readonly names: readonly string[];
  readonly vocabSize: number;
  readonly contextLength: number;
  readonly substrateId: string;
  readonly tokenizerId: string;

  constructor(experts: readonly CausalLM[], opts: MergeOptions = {}) {
    this.mode = opts.mode ?? 'logits';
    this.weights = resolveWeights(this.mode, experts.length, opts.weights);
    this.names = experts.map((_, i) => opts.names?.[i] ?? `expert ${i + 1}`);
    checkCompatible(experts, this.names);
    this.experts = [...experts];
    this.vocabSize = experts[0]!.vocabSize;
    // Every expert must see the whole window, so the shortest context bounds the merge.
    this.contextLength = Math.min(...experts.map((e) => e.contextLength));
    this.substrateId = experts[0]!.substrateId;
    this.tokenizerId = experts[0]!.tokenizerId;
  }

  /** Combines already computed expert logits (lets previews reuse one forward pass per expert). */
  combine(expertLogits: readonly tf.Tensor[]): tf.Tensor {
    return combineLogits(this.mode, this.weights, expertLogits);
  }

  logits(tokens: tf.Tensor2D): tf.Tensor3D {
    return tf.tidy(() => this.combine(this.experts.map((e) => e.logits(tokens))) as tf.Tensor3D);
  }

  openDecoder(batch: number): Decoder {
    const decoders: Decoder[] = [];
    try {
      for (const e of this.experts) decoders.push(e.openDecoder(batch));
    } catch (err) {
      for (const d of decoders) d.dispose();
      throw err;
    }
    return new MergedDecoder(this, decoders);
  }

  /** Frees experts that can be freed. Call only when this merge owns them (e.g. it was loaded from disk). */
  dispose(): void {
    for (const e of this.experts) e.dispose();
  }
}

class MergedDecoder implements Decoder {
  constructor(
    private readonly merged: MergedLM,
    private readonly decoders: Decoder[],
  ) {}

  get length(): number {
    return this.decoders[0]!.length;
  }

  feed(tokens: tf.Tensor2D): tf.Tensor2D {
    // Not inside tf.tidy: an expert's feed keeps its KV cache tensors alive, which a tidy would free.
    const outs: tf.Tensor2D[] = [];
    try {
      for (const d of this.decoders) outs.push(d.feed(tokens));
      return this.merged.combine(outs) as tf.Tensor2D;
    } finally {
      for (const o of outs) o.dispose();
    }
  }

  dispose(): void {
    for (const d of this.decoders) d.dispose();
  }
}
