// Gradient accumulation is exact: N micro-batches of B windows give the loss and every gradient of one batch of
// N·B windows (within 1e-6 relative), and training with --grad-accum N follows the large-batch run step by step.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GPT } from '../model/gpt';
import { randomSubstrate, testBackend } from '../../../test/support/model';
import { corpusText } from '../../../test/helpers/fixtures';
import { buildTokenizer } from '../tokenizer/index';
import { batchOf, type Windows } from './data';
import { holdoutWindows } from './holdout';
import { Trainer } from './trainer';

let data: { train: Windows; val: Windows };
let vocab = 0;
let tokenizerId = '';

beforeAll(async () => {
  await testBackend();
  const text = corpusText('debian-faq.en.txt').slice(0, 40_000);
  const tok = buildTokenizer([text], { ngrams: 120 });
  vocab = tok.size;
  tokenizerId = tok.id;
  data = holdoutWindows(text, (t) => tok.encode(t), 24, 'debian-faq.en.txt');
});

function model(): GPT {
  const m = GPT.create({
    config: { vocabSize: vocab, layers: 3, dModel: 32, heads: 4, contextLength: 24, mlpRatio: 2, dropout: 0 },
    substrate: randomSubstrate(vocab, 32, 2, tokenizerId),
    tokenizerId,
    seed: 7,
  });
  m.freezeBlock(0);
  return m;
}

/** ‖a − b‖ / ‖b‖ over all elements. */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

describe('gradient accumulation', () => {
  it('4 micro-batches of 3 windows give the loss and every gradient of one batch of 12 (1e-6 relative)', () => {
    const m = model();
    const t = new Trainer(m, data, { steps: 10, batchSize: 3, accumulation: 4, lr: 1e-3, seed: 5 });
    const ids = [5, 17, 2, 40, 33, 8, 21, 11, 29, 3, 14, 26];
    const micro = [0, 1, 2, 3].map((k) => batchOf(data.train, ids.slice(3 * k, 3 * k + 3)));
    const acc = t.accumulate(micro);
    const big = t.gradients(batchOf(data.train, ids));
    const lossAcc = acc.lossSum.dataSync()[0]! / 4;
    const lossBig = big.loss.dataSync()[0]!;
    expect(Math.abs(lossAcc - lossBig) / lossBig).toBeLessThan(1e-6);
    // Every trainable tensor (blocks 1–2, final norm, head; block 0 is frozen) and only those.
    expect([...acc.grads.keys()].sort()).toEqual([...big.grads.keys()].sort());
    expect(acc.grads.size).toBe(m.params.trainable().length);
    const errs: Record<string, number> = {};
    for (const [n, g] of big.grads)
      errs[n] = relErr(acc.grads.get(n)!.dataSync() as Float32Array, g.dataSync() as Float32Array);
    for (const [n, e] of Object.entries(errs)) expect(e, n).toBeLessThan(1e-6);
    tf.dispose([acc.lossSum, big.loss, ...acc.grads.values(), ...big.grads.values()]);
    t.dispose();
    m.dispose();
  });

  it('training with accumulation 2 × 4 takes the same steps as batch 8 (weights within 1e-5 after 3 steps)', () => {
    const [a, b] = [model(), model()];
    const ta = new Trainer(a, data, { steps: 3, batchSize: 8, lr: 3e-3, seed: 9 });
    const tb = new Trainer(b, data, { steps: 3, batchSize: 4, accumulation: 2, lr: 3e-3, seed: 9 });
    for (let i = 0; i < 3; i++) {
      const ra = ta.trainStep();
      const rb = tb.trainStep();
      expect(Math.abs(ra.loss - rb.loss) / ra.loss).toBeLessThan(1e-6);
      expect(Math.abs(ra.gradNorm - rb.gradNorm) / ra.gradNorm).toBeLessThan(1e-5);
    }
    for (const e of a.params.trainable())
      expect(
        relErr(b.params.get(e.name).dataSync() as Float32Array, e.variable.dataSync() as Float32Array),
        e.name,
      ).toBeLessThan(1e-5);
    expect(tb.tokensPerStep).toBe(ta.tokensPerStep);
    for (const t of [ta, tb]) t.dispose();
    for (const m of [a, b]) m.dispose();
  });
});
