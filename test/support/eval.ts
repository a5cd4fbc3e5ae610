// Test-only helpers for the eval suite: a character tokenizer with known ids and a window-sensitive toy model.
import * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, Decoder } from '../../src-main/engine/model/lm';
import { BigramLM } from '../oracles/bigram';
import type { TokenPiece, TokenizerLike } from '../../src-main/engine/tokenizer/types';

/** Ids 0–3 are <pad> <bos> <eos> <unk>; then one id per character of `alphabet`, in order. */
export class CharTokenizer implements TokenizerLike {
  readonly id: string;
  readonly size: number;
  readonly pieces: TokenPiece[];
  readonly specials = { pad: 0, bos: 1, eos: 2, unk: 3 };
  private readonly ids = new Map<string, number>();

  constructor(alphabet: string) {
    const chars = [...new Set(Array.from(alphabet))];
    this.pieces = [
      { kind: 'special', text: '<pad>' },
      { kind: 'special', text: '<bos>' },
      { kind: 'special', text: '<eos>' },
      { kind: 'special', text: '<unk>' },
      ...chars.map((text): TokenPiece => ({ kind: 'text', text })),
    ];
    chars.forEach((c, i) => this.ids.set(c, i + 4));
    this.size = this.pieces.length;
    this.id = `char:${chars.join('')}`;
  }

  idOf(ch: string): number {
    const id = this.ids.get(ch);
    if (id === undefined) throw new Error(`CharTokenizer: ${JSON.stringify(ch)} is not in the alphabet`);
    return id;
  }

  encode(text: string): Int32Array {
    return Int32Array.from(Array.from(text), (c) => this.ids.get(c) ?? this.specials.unk);
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const p = this.pieces[ids[i]!];
      if (p?.kind === 'text') s += p.text;
    }
    return s;
  }
}

/**
 * Logits at position t depend on how many tokens the window holds up to t and on the current token:
 * logits[v] = table[cur][v] + 0.3·(t+1)·bias[v]. Sliding-window bugs (wrong context length) change its scores.
 */
export class WindowLM implements CausalLM {
  readonly substrateId = 'window-substrate';
  readonly tokenizerId: string;
  private readonly table: tf.Tensor2D;
  private readonly bias: tf.Tensor1D;

  constructor(
    readonly vocabSize: number,
    readonly contextLength: number,
    seed: number,
    tokenizerId = 'window-tokenizer',
  ) {
    this.tokenizerId = tokenizerId;
    let s = seed >>> 0;
    const rnd = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    this.table = tf.tensor2d(
      Float32Array.from({ length: vocabSize * vocabSize }, () => 4 * rnd()),
      [vocabSize, vocabSize],
    );
    this.bias = tf.tensor1d(Float32Array.from({ length: vocabSize }, () => rnd()));
  }

  logits(tokens: tf.Tensor2D): tf.Tensor3D {
    const [b, t] = tokens.shape;
    if (t > this.contextLength) throw new Error(`WindowLM: ${t} > context ${this.contextLength}`);
    return tf.tidy(() => {
      const base = tf.reshape(tf.gather(this.table, tf.reshape(tokens, [b * t])), [b, t, this.vocabSize]);
      const pos = tf.reshape(tf.mul(tf.range(1, t + 1, 1, 'float32'), 0.3), [1, t, 1]);
      return tf.add(base, tf.mul(pos, tf.reshape(this.bias, [1, 1, this.vocabSize]))) as tf.Tensor3D;
    });
  }

  openDecoder(): Decoder {
    throw new Error('WindowLM has no decoder');
  }

  dispose(): void {
    this.table.dispose();
    this.bias.dispose();
  }
}

/** log softmax(row)[id] in float64. */
export function logProb(row: ArrayLike<number>, id: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]!);
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return row[id]! - max - Math.log(sum);
}

/**
 * Bigram models over `tok` whose logits are 0 except the given (previous char, next char, logit) boosts: models with
 * known preferences for protocol tests. `disposeAll` frees every model made so far.
 */
export function boostedBigrams(
  tok: CharTokenizer,
  contextLength: number,
): { bigram(boosts: [string, string, number][]): BigramLM; disposeAll(): void } {
  const V = tok.size;
  const made: BigramLM[] = [];
  return {
    bigram(boosts) {
      const t = new Float32Array(V * V);
      for (const [p, n, v] of boosts) t[tok.idOf(p) * V + tok.idOf(n)] = v;
      const m = new BigramLM(t, { contextLength, tokenizerId: tok.id });
      made.push(m);
      return m;
    },
    disposeAll: () => made.splice(0).forEach((m) => m.dispose()),
  };
}
