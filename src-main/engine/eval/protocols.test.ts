// Protocols on constructed models whose answers are known: scoring, perplexity windows, loglik and paper
// multiple choice, QA and translation — and no tensors leak.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { BigramLM } from '../../../test/oracles/bigram';
import type { McItem, QaItem } from './data-types';
import { evalMcLoglik, loglikContinuation, loglikPrompt } from './mc-loglik';
import { evalMcPaper, MAX_SKIPPED_WHITESPACE, paperMcPrompt, whitespaceIds } from './mc-paper';
import { evalPerplexity, rollingWindows } from './ppl';
import type { EvalEnv } from './protocol';
import { evalQaPaper, evalQaSquad, qaPrompt } from './qa';
import { fitRequest, scoreSequences } from './score';
import { CharTokenizer, WindowLM, logProb } from '../../../test/support/eval';
import { evalTranslation } from './translate';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:?!)\n'-");
const V = tok.size;

beforeAll(async () => {
  // The pure-JS backend: deterministic and available everywhere.
  await initBackend({ backend: 'cpu' });
});

/** A bigram table of zeros with chosen boosts: boosts[prev][next] = logit. */
function table(boosts: [string, string, number][], base?: (i: number) => number): Float32Array {
  const t = Float32Array.from({ length: V * V }, (_, i) => (base ? base(i) : 0));
  for (const [p, n, v] of boosts) t[tok.idOf(p) * V + tok.idOf(n)] = v;
  return t;
}

function randomTable(seed: number): Float32Array {
  let s = seed;
  return table([], () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 3 * (s / 2 ** 32 - 0.5);
  });
}

const models: { dispose(): void }[] = [];
function bigram(t: Float32Array, contextLength = 256): BigramLM {
  const m = new BigramLM(t, { contextLength, tokenizerId: tok.id });
  models.push(m);
  return m;
}
afterAll(() => models.forEach((m) => m.dispose()));

/** Direct Σ log p(x_i | x_{i-1}) from a bigram table, in float64. */
function bigramLogprob(t: Float32Array, ids: ArrayLike<number>, from: number): number {
  let s = 0;
  for (let i = from; i < ids.length; i++) s += logProb(t.subarray(ids[i - 1]! * V, ids[i - 1]! * V + V), ids[i]!);
  return s;
}

function mc(question: string, choices: string[], answer: number, template: 'mmlu' | 'lines' = 'lines'): McItem {
  return {
    id: question,
    file: 'mem',
    line: 1,
    question,
    choices,
    labels: choices.map((_, k) => 'ABCD'[k]!),
    answer,
    template,
  };
}

describe('batched scoring', () => {
  it('equals the direct log-probability, whatever the batch size, and leaks no tensors', async () => {
    const t = randomTable(11);
    const model = bigram(t);
    const texts = ['hello world', 'ab', 'the quick brown fox', 'xy', 'Question: why?\nAnswer: because'];
    const reqs = texts.map((s, i) => ({ tokens: tok.encode(s), start: 1 + (i % 2) }));
    const before = tf.memory().numTensors;
    const a = await scoreSequences(model, reqs, { padId: 0, batchSize: 16 });
    const b = await scoreSequences(model, reqs, { padId: 0, batchSize: 1 });
    expect(tf.memory().numTensors).toBe(before);
    reqs.forEach((r, i) => {
      expect(a[i]!.logprob).toBeCloseTo(bigramLogprob(t, r.tokens, r.start), 4);
      expect(b[i]!.logprob).toBeCloseTo(a[i]!.logprob, 5);
      expect(a[i]!.count).toBe(r.tokens.length - r.start);
    });
  });
  it('keeps the end of an over-long context and refuses a continuation longer than the context', () => {
    const r = fitRequest(Int32Array.from([1, 2, 3, 4, 5]), Int32Array.from([6, 7]), 4);
    expect(Array.from(r!.tokens)).toEqual([3, 4, 5, 6, 7]);
    expect(r!.start).toBe(3);
    expect(fitRequest(Int32Array.from([1]), Int32Array.from([2, 3, 4, 5, 6]), 4)).toBeUndefined();
  });
});

describe('perplexity with sliding windows', () => {
  const text = 'the quick brown fox jumps over the lazy dog, then naps.';

  it('scores every token from the second once', () => {
    for (const [n, c, s] of [
      [10, 4, 1],
      [10, 4, 2],
      [10, 4, 4],
      [57, 8, 3],
      [3, 8, 4],
    ] as const) {
      const scored = rollingWindows(n, c, s).flatMap((w) =>
        Array.from({ length: w.end - w.from }, (_, k) => w.from + k),
      );
      expect(scored).toEqual(Array.from({ length: n - 1 }, (_, k) => k + 1));
      for (const w of rollingWindows(n, c, s)) expect(w.end - w.begin).toBeLessThanOrEqual(c + 1);
    }
  });
  it('equals the direct bigram computation', async () => {
    const t = randomTable(5);
    const model = bigram(t, 8);
    const ids = tok.encode(text);
    const direct = -bigramLogprob(t, ids, 1);
    const before = tf.memory().numTensors;
    for (const stride of [1, 3, 8]) {
      const r = await evalPerplexity({ model, tokenizer: tok }, text, { stride });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.metrics['tokens']).toBe(ids.length - 1);
      expect(r.metrics['nll']! * (ids.length - 1)).toBeCloseTo(direct, 3);
      expect(r.metrics['ppl']).toBeCloseTo(Math.exp(direct / (ids.length - 1)), 4);
      // One character per token here: bits/char = bits/token; ASCII: bits/byte too.
      expect(r.metrics['bits_per_char']).toBeCloseTo(direct / Math.LN2 / (text.length - 1), 5);
      expect(r.metrics['bits_per_byte']).toBeCloseTo(r.metrics['bits_per_char']!, 10);
    }
    const first = await evalPerplexity({ model, tokenizer: tok }, text, { limit: 10 });
    expect(first.metrics['tokens']).toBe(10);
    expect(first.metrics['chars']).toBe(10);
    expect(first.metrics['nll']! * 10).toBeCloseTo(-bigramLogprob(t, ids.subarray(0, 11), 1), 3);
  });
  it('gives each token the most context its window allows (a context-sensitive model)', async () => {
    const c = 8;
    const model = new WindowLM(V, c, 3, tok.id);
    models.push(model);
    const ids = tok.encode(text);
    for (const stride of [1, 3, 8]) {
      let direct = 0;
      for (let i = 1; i < ids.length; i++) {
        // Windows start at multiples of the stride; token i is scored by the first one reaching it.
        const begin = Math.max(0, Math.ceil((i - c) / stride) * stride);
        const ctx = ids.slice(begin, i);
        const out = model.logits(tf.tensor2d(ctx, [1, ctx.length], 'int32'));
        const rows = out.arraySync()[0]!;
        out.dispose();
        direct += logProb(rows[rows.length - 1]!, ids[i]!);
      }
      const r = await evalPerplexity({ model, tokenizer: tok }, text, { stride });
      expect(-r.metrics['nll']! * (ids.length - 1)).toBeCloseTo(direct, 3);
    }
  });
});

describe('multiple choice by log-likelihood', () => {
  it('picks the choice the model prefers, batched or not, and leaks no tensors', async () => {
    // After a space the model likes "x", after "x" it likes "y".
    const model = bigram(
      table([
        [' ', 'x', 4],
        ['x', 'y', 4],
      ]),
    );
    const items = [mc('q', ['xy', 'zz', 'b'], 0), mc('r', ['zz', 'xy'], 0), mc('s', ['ab', 'xy', 'cd'], 1)];
    const before = tf.memory().numTensors;
    const r = await evalMcLoglik({ model, tokenizer: tok, batchSize: 2 }, items);
    expect(tf.memory().numTensors).toBe(before);
    expect((r.items as { pred: number }[]).map((x) => x.pred)).toEqual([0, 1, 1]);
    expect(r.metrics['acc']).toBeCloseTo(2 / 3, 12);
    const single = await evalMcLoglik({ model, tokenizer: tok, batchSize: 1 }, items);
    expect(single.metrics).toEqual(r.metrics);
  });
  it('sums the continuation log-probs after the prompt, and acc_norm divides by characters', async () => {
    // " z" is likely per sequence; " yyyy" is likelier per character: after "y" the model strongly expects "y".
    const t = table([
      [' ', 'z', 2],
      ['y', 'y', 5],
    ]);
    const model = bigram(t);
    const item = mc('q', ['z', 'yyyy'], 1);
    const r = await evalMcLoglik({ model, tokenizer: tok }, [item]);
    const rec = (r.items as { logprobs: number[]; pred: number; predNorm: number }[])[0]!;
    const ctx = tok.encode(loglikPrompt(item));
    item.choices.forEach((ch, k) => {
      const full = Int32Array.from([...ctx, ...tok.encode(loglikContinuation(ch))]);
      expect(rec.logprobs[k]).toBeCloseTo(bigramLogprob(t, full, ctx.length), 4);
    });
    expect(rec.pred).toBe(0);
    expect(rec.predNorm).toBe(1);
    expect(r.metrics['acc']).toBe(0);
    expect(r.metrics['acc_norm']).toBe(1);
  });
});

describe("multiple choice, the paper's protocol", () => {
  const items = [mc('one', ['p', 'q'], 1), mc('two', ['r', 's'], 1), mc('three', ['t', 'u'], 0)];

  it('builds the templates', () => {
    expect(paperMcPrompt(mc('Why?', ['a', 'b', 'c', 'd'], 0, 'mmlu'))).toBe(
      'Question: Why?\nOptions: A) a B) b C) c D) d\nAnswer:',
    );
    expect(paperMcPrompt(mc('Why?', ['a', 'b'], 0))).toBe('Question: Why?\nOptions:\nA) a\nB) b\nAnswer:');
  });
  it('generates 2 tokens for line-per-option items and compares the first non-space character', async () => {
    // After ":" always a space; after the space always "B", then ")". The leading space does not count.
    const model = bigram(
      table([
        [':', ' ', 30],
        [' ', 'B', 30],
        ['B', ')', 30],
      ]),
    );
    const r = await evalMcPaper({ model, tokenizer: tok }, items, { runs: 4, seed: 1 });
    expect((r.items as { outputs: string[] }[])[0]!.outputs).toEqual([' B)', ' B)', ' B)', ' B)']);
    expect(r.metrics['acc']).toBeCloseTo(2 / 3, 12);
    expect(r.ci95).toBe(0);
    expect(r.runs).toBe(4);
  });
  it('generates 1 token for MMLU items', async () => {
    const model = bigram(table([[':', 'C', 30]]));
    const mm = [mc('a', ['1', '2', '3', '4'], 2, 'mmlu'), mc('b', ['1', '2', '3', '4'], 0, 'mmlu')];
    const r = await evalMcPaper({ model, tokenizer: tok }, mm, { runs: 3 });
    expect((r.items as { outputs: string[] }[])[0]!.outputs).toEqual(['C', 'C', 'C']);
    expect(r.metrics['acc']).toBe(0.5);
  });
  it('does not count leading whitespace-only tokens (a bounded deviation: " A" is two tokens here)', async () => {
    // The answer letter comes after a space token; the paper's literal 1 token would be " " and always wrong.
    const spaced = bigram(
      table([
        [':', ' ', 30],
        [' ', 'C', 30],
      ]),
    );
    const mm = [mc('a', ['1', '2', '3', '4'], 2, 'mmlu'), mc('b', ['1', '2', '3', '4'], 0, 'mmlu')];
    const r = await evalMcPaper({ model: spaced, tokenizer: tok }, mm, { runs: 2 });
    expect((r.items as { outputs: string[] }[])[0]!.outputs).toEqual([' C', ' C']);
    expect(r.metrics['acc']).toBe(0.5);
    expect(String(r.settings['leadingWhitespace'])).toContain(`up to ${MAX_SKIPPED_WHITESPACE}`);
    // A model that only ever says spaces or line breaks stops after the bound plus the counted token.
    const blank = bigram(
      table([
        [':', '\n', 30],
        ['\n', ' ', 30],
        [' ', ' ', 30],
      ]),
    );
    const r2 = await evalMcPaper({ model: blank, tokenizer: tok }, mm, { runs: 1 });
    expect((r2.items as { outputs: string[] }[])[0]!.outputs).toEqual(['\n' + ' '.repeat(MAX_SKIPPED_WHITESPACE)]);
    expect(r2.metrics['acc']).toBe(0);
    expect(whitespaceIds(tok)).toEqual([tok.idOf(' '), tok.idOf('\n')].sort((a, b) => a - b));
  });
  it('asks in a given layout', async () => {
    const model = bigram(
      table([
        [':', ' ', 30],
        [' ', 'D', 30],
      ]),
    );
    const layout = {
      name: 'dots',
      template: 'Q: {question} / A. …',
      prompt: (it: McItem) =>
        `Q: ${it.question}\n${it.choices.map((c, k) => `${it.labels[k]}. ${c}`).join('\n')}\nAnswer:`,
    };
    const r = await evalMcPaper({ model, tokenizer: tok }, [mc('x', ['1', '2', '3', '4'], 3, 'mmlu')], {
      runs: 1,
      layout,
    });
    expect(r.metrics['acc']).toBe(1);
    expect(r.settings['layout']).toBe('dots');
    expect(r.settings['prompt']).toBe('Q: {question} / A. …');
  });
  it('reports mean, population σ and 1.96σ/√runs over sampled runs, reproducibly', async () => {
    // After the space, A and B are equally likely: each run's accuracy is random.
    const model = bigram(
      table([
        [':', ' ', 30],
        [' ', 'A', 30],
        [' ', 'B', 30],
      ]),
    );
    const many = Array.from({ length: 12 }, (_, i) => mc(`q${i}`, ['x', 'y'], i % 2));
    const before = tf.memory().numTensors;
    const r = await evalMcPaper({ model, tokenizer: tok }, many, { runs: 10, seed: 7 });
    expect(tf.memory().numTensors).toBe(before);
    const accs = r.details!['runAccuracies'] as number[];
    expect(accs).toHaveLength(10);
    const m = accs.reduce((a, b) => a + b, 0) / 10;
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - m) ** 2, 0) / 10);
    expect(r.metrics['acc']).toBeCloseTo(m, 12);
    expect(r.metrics['std']).toBeCloseTo(sd, 12);
    expect(r.ci95).toBeCloseTo((1.96 * sd) / Math.sqrt(10), 12);
    expect(sd).toBeGreaterThan(0);
    const again = await evalMcPaper({ model, tokenizer: tok, batchSize: 3 }, many, { runs: 10, seed: 7 });
    expect(again.details!['runAccuracies']).toEqual(accs);
    const other = await evalMcPaper({ model, tokenizer: tok }, many, { runs: 10, seed: 8 });
    expect(other.details!['runAccuracies']).not.toEqual(accs);
  });
});

function qa(id: string, answers: string[], impossible = false): QaItem {
  return { id, file: 'mem', line: 1, context: 'Some context here.', question: `What is ${id}?`, answers, impossible };
}

describe('question answering', () => {
  it('paper protocol: short answerable items, answer-length tokens, upper-cased substring', async () => {
    // After ":" the model says "xy" then a line break.
    const model = bigram(
      table([
        [':', 'x', 30],
        ['x', 'y', 30],
        ['y', '\n', 30],
      ]),
    );
    const items = [qa('a', ['XY']), qa('b', ['x']), qa('c', ['zz']), qa('d', ['far too long']), qa('e', [], true)];
    const r = await evalQaPaper({ model, tokenizer: tok }, items, { runs: 1 });
    expect(r.n).toBe(3);
    expect(r.metrics['skipped']).toBe(2);
    expect((r.items as { outputs: string[] }[]).map((x) => x.outputs[0])).toEqual(['xy', 'x', 'xy']);
    expect(r.metrics['acc']).toBeCloseTo(2 / 3, 12);
    expect(qaPrompt(items[0]!)).toBe('Context: Some context here.\nQuestion: What is a?\nAnswer:');
  });
  it('SQuAD EM/F1 with greedy decoding up to the line break, and unanswerable items', async () => {
    const model = bigram(
      table([
        [':', ' ', 30],
        [' ', 'x', 30],
        ['x', 'y', 30],
        ['y', '\n', 30],
      ]),
    );
    const items = [qa('a', ['xy', 'other']), qa('b', ['xy z']), qa('c', [], true)];
    const r = await evalQaSquad({ model, tokenizer: tok }, items);
    expect((r.items as { pred: string }[]).map((x) => x.pred)).toEqual(['xy', 'xy', 'xy']);
    // EM: 1, 0, 0 → 33.3; F1: 1, 2·(1·0.5)/(1.5) = 2/3, 0.
    expect(r.metrics['exact']).toBeCloseTo(100 / 3, 10);
    expect(r.metrics['f1']).toBeCloseTo((100 * (1 + 2 / 3)) / 3, 10);
    expect(r.metrics['HasAns_exact']).toBe(50);
    expect(r.metrics['NoAns_exact']).toBe(0);
    // A model that answers with an immediate line break abstains: right on unanswerable items.
    const abstain = bigram(table([[':', '\n', 30]]));
    const r2 = await evalQaSquad({ model: abstain, tokenizer: tok }, items);
    expect(r2.metrics['NoAns_exact']).toBe(100);
    expect(r2.metrics['HasAns_f1']).toBe(0);
  });
});

describe('translation', () => {
  it("uses the paper's prompt; the standard metrics decode greedily to the line break (sacreBLEU corpus BLEU, chrF)", async () => {
    const model = bigram(
      table([
        [':', ' ', 30],
        [' ', 'x', 30],
        ['x', 'y', 30],
        ['y', '\n', 30],
      ]),
    );
    const items = [
      { file: 'mem', line: 1, src: 'hello', ref: 'xy' },
      { file: 'mem', line: 2, src: 'bye', ref: 'ab' },
    ];
    const r = await evalTranslation({ model, tokenizer: tok }, items, { src: 'en', tgt: 'ru' });
    expect(r.settings['prompt']).toBe('Translate from English to Russian:\n{src}\nAnswer:');
    expect((r.items as { hyp: string }[]).map((x) => x.hyp)).toEqual(['xy', 'xy']);
    // One-word sentences: corpus BLEU has no 2-grams (0); sentence BLEU uses the effective order: 100 and 0.
    expect(r.metrics['corpus_bleu']).toBe(0);
    expect(r.metrics['sentence_bleu_mean']).toBeCloseTo(50, 10);
    // chrF over the corpus: order 1 (4,4,2), order 2 (2,2,1) → P = R = 0.5 → 50.
    expect(r.metrics['chrf']).toBeCloseTo(50, 10);
  });
});

describe('an environment check', () => {
  it('refuses a tokenizer of another size or id', async () => {
    const { runEval } = await import('./run');
    const model = bigram(randomTable(1));
    const small = new CharTokenizer('ab');
    const env: EvalEnv = { model, tokenizer: small };
    await expect(runEval(env, { task: 'ppl', data: '/nonexistent' }, { modelId: 'm' })).rejects.toThrow(
      /the tokenizer has 6 tokens but the model outputs/,
    );
  });
});
