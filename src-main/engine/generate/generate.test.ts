// Generation: seeded determinism, KV-cache decoding equal to full recomputation (with truncation and
// sliding), stop strings and stop ids, batching of unequal prompts, log-probs, and no leaked tensors.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { HashLM, randomTable } from '../../../test/helpers/toy-lm';
import { BigramLM } from '../../../test/oracles/bigram';
import { tinyModel } from '../../../test/support/model';
import type { CausalLM } from '../model/lm';
import { buildTokenizer } from '../tokenizer';
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';
import { generate, generateIds, promptBudget, slideKeep } from './generate';
import { sampleToken, type SamplingOptions } from './sample';
import { initBackend } from '../backend';

// Models are built while the suite is collected, so the backend must be up before that.
await initBackend({ backend: 'wasm', threads: 1 });

/** Recomputes every step from the full window with model.logits(), following the documented window policy. */
async function reference(
  model: CausalLM,
  prompt: Int32Array,
  maxTokens: number,
  sampling: SamplingOptions,
  seed: number,
): Promise<number[]> {
  const c = model.contextLength;
  const seq = Array.from(prompt.subarray(Math.max(0, prompt.length - promptBudget(c, maxTokens))));
  const rng = new Rng(new Rng(seed).seed());
  let start = 0;
  const out: number[] = [];
  while (out.length < maxTokens) {
    if (seq.length - start > c) start = seq.length - slideKeep(c);
    const win = seq.slice(start);
    const x = tf.tensor2d(win, [1, win.length], 'int32');
    const l = model.logits(x);
    const all = l.dataSync();
    tf.dispose([x, l]);
    const v = model.vocabSize;
    const id = sampleToken(all.subarray((win.length - 1) * v, win.length * v), sampling, rng);
    out.push(id);
    seq.push(id);
  }
  return out;
}

describe('generateIds', () => {
  const V = 12;
  const hash = new HashLM(randomTable(V, 1), 8);
  const bigram = new BigramLM(randomTable(V, 2), { contextLength: 6 });
  afterAll(() => {
    hash.dispose();
    bigram.dispose();
  });

  it('with a KV cache gives the same greedy tokens as recomputation, through truncation and sliding', async () => {
    const greedy = { temperature: 0, topK: 0, topP: 1 };
    for (const model of [hash, bigram] as CausalLM[]) {
      for (const [plen, max] of [
        [3, 4],
        [12, 3],
        [5, 20],
        [1, 1],
      ] as const) {
        const prompt = Int32Array.from({ length: plen }, (_, i) => (i * 5 + 1) % V);
        const want = await reference(model, prompt, max, greedy, 0);
        const got = await generateIds(model, [prompt], { maxTokens: max });
        expect(Array.from(got.ids[0]!)).toEqual(want);
      }
    }
  });

  it('with a KV cache gives the same sampled tokens as recomputation for the same seed', async () => {
    const s = { temperature: 0.9, topK: 6, topP: 0.95 };
    const prompt = Int32Array.of(1, 2, 3);
    const want = await reference(hash, prompt, 25, s, 42);
    const got = await generateIds(hash, [prompt], { maxTokens: 25, ...s, seed: 42 });
    expect(Array.from(got.ids[0]!)).toEqual(want);
  });

  it('is deterministic with a seed and varies with it', async () => {
    const prompts = [Int32Array.of(1, 2), Int32Array.of(3)];
    const opts = { maxTokens: 30, temperature: 1, topK: 0, topP: 1 };
    const a = await generateIds(hash, prompts, { ...opts, seed: 7 });
    const b = await generateIds(hash, prompts, { ...opts, seed: 7 });
    const c = await generateIds(hash, prompts, { ...opts, seed: 8 });
    expect(a.ids).toEqual(b.ids);
    expect(a.ids).not.toEqual(c.ids);
  });

  it('decodes prompts of different lengths as if each were alone', async () => {
    const prompts = [Int32Array.of(1, 2, 3), Int32Array.of(4), Int32Array.of(5, 6, 7), Int32Array.of(8, 9)];
    const opts = { maxTokens: 12, temperature: 1, seed: 3 };
    const batched = await generateIds(hash, prompts, { ...opts, batchSize: 8 });
    const single = await generateIds(hash, prompts, { ...opts, batchSize: 1 });
    expect(batched.ids).toEqual(single.ids);
    expect(batched.newTokens).toBe(48);
  });

  it('stops at stop ids without emitting them, and reports truncation and log-probs', async () => {
    // Row p of the table prefers token p + 1; token 4 prefers the stop id 5.
    const t = new Float32Array(V * V).fill(-5);
    for (let p = 0; p < V; p++) t[p * V + ((p + 1) % V)] = 5;
    const chain = new BigramLM(t, { contextLength: 4 });
    const r = await generateIds(chain, [Int32Array.of(9, 9, 9, 9, 9, 1)], {
      maxTokens: 10,
      stopIds: [5],
      logprobs: true,
    });
    expect(Array.from(r.ids[0]!)).toEqual([2, 3, 4]);
    expect(r.finish).toEqual(['stop-id']);
    expect(r.truncated).toEqual([6 - promptBudget(4, 10)]);
    const lp = 5 - Math.log(Math.exp(5) + (V - 1) * Math.exp(-5));
    for (const x of r.logprobs![0]!) expect(x).toBeCloseTo(lp, 5);
    chain.dispose();
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await generateIds(hash, [Int32Array.of(1, 2, 3), Int32Array.of(4)], { maxTokens: 20, temperature: 1 });
    await generateIds(bigram, [Int32Array.of(1)], { maxTokens: 15, stopIds: [3] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between tokens once its signal is aborted, keeping the tokens made so far and no tensors', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const full = await generateIds(hash, [Int32Array.of(1, 2)], { maxTokens: 40, temperature: 1, seed: 4 });
    const cut = await generateIds(hash, [Int32Array.of(1, 2)], {
      maxTokens: 40,
      temperature: 1,
      seed: 4,
      signal: ac.signal,
      shouldStop: (_row, ids) => {
        if (ids.length === 5) ac.abort();
        return false;
      },
    });
    // The same first five tokens as the uncut run, then nothing more.
    expect(Array.from(cut.ids[0]!)).toEqual(Array.from(full.ids[0]!.subarray(0, 5)));
    expect(cut.finish).toEqual(['cancelled']);
    expect(full.finish).toEqual(['length']);
    // Already aborted: nothing is generated.
    const none = await generateIds(hash, [Int32Array.of(1)], { maxTokens: 10, signal: ac.signal });
    expect(none.ids[0]!.length).toBe(0);
    expect(none.finish).toEqual(['cancelled']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an empty prompt', async () => {
    await expect(generateIds(hash, [new Int32Array(0)], { maxTokens: 1 })).rejects.toThrow(UserError);
  });
});

describe('generateIds with the GPT', () => {
  const gpt = tinyModel({ contextLength: 10, initStd: 0.5 }, 11);
  afterAll(() => gpt.dispose());

  it('gives the same tokens with its KV cache as recomputation with full logits', async () => {
    const prompt = Int32Array.from({ length: 14 }, (_, i) => (i * 7 + 3) % gpt.vocabSize);
    for (const [plen, max] of [
      [4, 5],
      [14, 3],
      [3, 25],
    ] as const) {
      const p = prompt.subarray(0, plen);
      const want = await reference(gpt, p, max, { temperature: 0, topK: 0, topP: 1 }, 0);
      expect(Array.from((await generateIds(gpt, [p], { maxTokens: max })).ids[0]!)).toEqual(want);
    }
    const s = { temperature: 1, topK: 0, topP: 0.9 };
    const want = await reference(gpt, prompt.subarray(0, 5), 20, s, 9);
    expect(
      Array.from((await generateIds(gpt, [prompt.subarray(0, 5)], { maxTokens: 20, ...s, seed: 9 })).ids[0]!),
    ).toEqual(want);
  });

  it('leaves no tensors behind', async () => {
    const prompts = [Int32Array.of(1, 2, 3), Int32Array.of(4), Int32Array.of(5, 6, 7)];
    // The GPT keeps rotary tables per prefill length; a first run fills that cache.
    await generateIds(gpt, prompts, { maxTokens: 15, temperature: 1, seed: 2 });
    const before = tf.memory().numTensors;
    await generateIds(gpt, prompts, { maxTokens: 15, temperature: 1, seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generate (text)', () => {
  const tok = buildTokenizer(['abc.'], { ngrams: 0 });
  const id = (ch: string) => tok.encode(ch)[0]!;
  // A deterministic chain a→b→c→.→a, with '.' optionally leading to <eos>.
  function chainModel(dotToEos: boolean): BigramLM {
    const v = tok.size;
    const t = new Float32Array(v * v).fill(-10);
    const next: [string, number][] = [
      ['a', id('b')],
      ['b', id('c')],
      ['c', id('.')],
      ['.', dotToEos ? tok.specials.eos : id('a')],
    ];
    for (const [from, to] of next) t[id(from) * v + to] = 10;
    // The bos row prefers <bos> itself, which is banned, so 'a' (second best) must come out.
    t[tok.specials.bos * v + tok.specials.bos] = 20;
    t[tok.specials.bos * v + id('a')] = 5;
    return new BigramLM(t, { tokenizerId: tok.id, contextLength: 16 });
  }

  it('cuts the text before the first stop string and stops there', async () => {
    const m = chainModel(false);
    const r = await generate(m, tok, ['a', 'c'], { maxTokens: 20, stop: ['c.', 'xx'] });
    expect(r.texts).toEqual(['b', '.ab']);
    expect(r.finish).toEqual(['stop', 'stop']);
    expect(tok.decode(r.ids[0]!)).toBe('bc.');
    const free = await generate(m, tok, ['a'], { maxTokens: 6 });
    expect(free.texts).toEqual(['bc.abc']);
    expect(free.finish).toEqual(['length']);
    m.dispose();
  });

  it('ends at <eos>, never emits <bos>, and starts an empty prompt from <bos>', async () => {
    const m = chainModel(true);
    const r = await generate(m, tok, ['b', ''], { maxTokens: 20 });
    expect(r.texts).toEqual(['c.', 'abc.']);
    expect(r.finish).toEqual(['stop-id', 'stop-id']);
    expect(r.tokensPerSec).toBeGreaterThan(0);
    m.dispose();
  });

  it('refuses a tokenizer that is not the model\u2019s', async () => {
    const m = new BigramLM(randomTable(tok.size, 3), { tokenizerId: 'another' });
    await expect(generate(m, tok, ['a'], { maxTokens: 2 })).rejects.toThrow(/not the model's tokenizer/);
    m.dispose();
  });
});
