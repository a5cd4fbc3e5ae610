// The suite on a real (tiny, random) GPT: right-padded batched scoring equals one-at-a-time scoring, and
// the padded full-recompute generation used by the paper protocols equals the engine's KV-cache generation.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { generateIds } from '../generate/generate';
import { GREEDY } from '../generate/sample';
import { GPT } from '../model/gpt';
import { Rng } from '../util/rng';
import { evalMcLoglik } from './mc-loglik';
import { evalPerplexity } from './ppl';
import { sampleRuns } from './sample-runs';
import { scoreSequences } from './score';
import { CharTokenizer } from '../../../test/support/eval';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyz ?:\n.'");
let model: GPT;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const rng = new Rng(2);
  const dim = 16;
  const matrix = Float32Array.from({ length: tok.size * dim }, () => rng.normal() / 4);
  model = GPT.create({
    config: { vocabSize: tok.size, layers: 2, dModel: dim, heads: 2, contextLength: 24, mlpRatio: 2 },
    substrate: { id: 'eval-test-substrate', vocabSize: tok.size, dim, matrix },
    tokenizerId: tok.id,
    seed: 4,
  });
});
afterAll(() => model.dispose());

describe('evaluation on a GPT', () => {
  it('scores the same batched (right-padded) as one sequence at a time', async () => {
    const texts = [
      'the cat sat on the mat',
      'why?',
      'a quick brown fox jumps over',
      'ok',
      'question: what is it?\nanswer:',
    ];
    const reqs = texts.map((s) => ({ tokens: tok.encode(s).subarray(0, 25), start: 1 }));
    const batched = await scoreSequences(model, reqs, { padId: 0, batchSize: 8 });
    const single = await scoreSequences(model, reqs, { padId: 0, batchSize: 1 });
    // The model caches rotary tables per length; once they exist, scoring holds on to nothing.
    const before = tf.memory().numTensors;
    await scoreSequences(model, reqs, { padId: 0, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    batched.forEach((b, i) => expect(b.logprob).toBeCloseTo(single[i]!.logprob, 3));
  });
  it('loglik multiple choice and perplexity run end to end', async () => {
    const items = [
      {
        id: '1',
        file: 'm',
        line: 1,
        question: 'what',
        choices: ['cat', 'dog', 'a fox'],
        labels: ['A', 'B', 'C'],
        answer: 0,
        template: 'lines' as const,
      },
      {
        id: '2',
        file: 'm',
        line: 2,
        question: 'why is it so',
        choices: ['no', 'yes'],
        labels: ['A', 'B'],
        answer: 1,
        template: 'lines' as const,
      },
    ];
    const a = await evalMcLoglik({ model, tokenizer: tok, batchSize: 8 }, items);
    const b = await evalMcLoglik({ model, tokenizer: tok, batchSize: 1 }, items);
    expect((a.items as { pred: number }[]).map((x) => x.pred)).toEqual(
      (b.items as { pred: number }[]).map((x) => x.pred),
    );
    const p = await evalPerplexity({ model, tokenizer: tok }, 'the cat sat on the mat and the dog sat on the log.', {
      stride: 8,
    });
    expect(p.metrics['ppl']).toBeGreaterThan(1);
    // A random model is close to uniform over the vocabulary.
    expect(p.metrics['ppl']).toBeLessThan(tok.size * 3);
  });
  it('greedy padded generation equals the KV-cache generation', async () => {
    const prompts = ['the cat', 'why is the sky so', 'a', 'question: what?\nanswer:'].map((s) => tok.encode(s));
    const steps = 5;
    const mine = await sampleRuns(model, prompts, {
      steps: prompts.map(() => steps),
      runs: 1,
      sampling: GREEDY,
      seed: 0,
      padId: 0,
      batchSize: 4,
    });
    const theirs = await generateIds(model, prompts, { maxTokens: steps, ...GREEDY });
    expect(mine.map((r) => Array.from(r[0]!))).toEqual(theirs.ids.map((x) => Array.from(x)));
  });
});
