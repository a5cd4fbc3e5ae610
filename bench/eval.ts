// Eval benchmark (`npx tsx bench/eval.ts [--items N] [--model gpt|bigram]`): log-likelihood multiple choice,
// batched scoring vs a one-item-at-a-time reference in the same run; prints items/s for both and the ratio.
import { describeBackend, initBackend } from '../src-main/engine/backend';
import type { McItem } from '../src-main/engine/eval/data-types';
import { evalMcLoglik } from '../src-main/engine/eval/mc-loglik';
import { BigramLM } from '../test/oracles/bigram';
import type { CausalLM } from '../src-main/engine/model/lm';
import { buildTokenizer, type Tokenizer } from '../src-main/engine/tokenizer/index';
import { Rng } from '../src-main/engine/util/rng';
import { corpusText } from '../test/helpers/fixtures';
import { runBench } from './main';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const N_ITEMS = Number(arg('items', '80'));
const WANT = arg('model', 'gpt');

/** Questions and choices cut from real sentences of the corpus: 4 choices of 20–60 characters each. */
function makeItems(text: string, n: number, rng: Rng): McItem[] {
  const sentences = text
    .split(/(?<=[.?!])\s+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length >= 40 && s.length <= 300);
  return Array.from({ length: n }, (_, i) => {
    const q = sentences[rng.int(sentences.length)]!;
    const choices = Array.from({ length: 4 }, () => sentences[rng.int(sentences.length)]!.slice(0, 20 + rng.int(40)));
    return {
      id: `b${i}`,
      file: 'bench',
      line: i + 1,
      question: q.slice(0, 120),
      choices,
      labels: ['A', 'B', 'C', 'D'],
      answer: rng.int(4),
      template: 'lines',
    };
  });
}

/** The reference config of bench:train (d 128, 4 heads, 2 blocks, context 64) with random weights; a bigram model if the GPT cannot load. */
async function makeModel(tok: Tokenizer, text: string): Promise<{ model: CausalLM; name: string }> {
  if (WANT === 'gpt') {
    try {
      const { GPT } = await import('../src-main/engine/model/gpt');
      const rng = new Rng(1);
      const dim = 128;
      const matrix = Float32Array.from({ length: tok.size * dim }, () => rng.normal() / Math.sqrt(dim));
      const model = GPT.create({
        config: { vocabSize: tok.size, layers: 2, dModel: dim, heads: 4, contextLength: 64, mlpRatio: 4 },
        substrate: { id: 'bench-substrate', vocabSize: tok.size, dim, matrix },
        tokenizerId: tok.id,
        seed: 1,
      });
      return { model, name: 'GPT d128 h4 L2 ctx64 (random weights)' };
    } catch (err) {
      console.log(`(GPT unavailable: ${(err as Error).message.split('\n')[0]}; using a bigram model)`);
    }
  }
  const model = BigramLM.fit([tok.encode(text)], tok.size, { contextLength: 64, tokenizerId: tok.id });
  return { model, name: `BigramLM V=${tok.size}` };
}

async function main(): Promise<void> {
  const report = await initBackend();
  const text = corpusText('en.txt');
  const tok = buildTokenizer([text], { ngrams: 1000 });
  const { model, name } = await makeModel(tok, text);
  const items = makeItems(text, N_ITEMS, new Rng(7));
  console.log(
    `backend ${describeBackend(report)}; model ${name}; vocab ${tok.size}; ${items.length} items × 4 choices`,
  );

  // Warm-up (kernel compilation, first allocations) outside the timings.
  await evalMcLoglik({ model, tokenizer: tok, batchSize: 16 }, items.slice(0, 4));
  const time = async (batchSize: number) => {
    const t0 = performance.now();
    const r = await evalMcLoglik({ model, tokenizer: tok, batchSize }, items);
    return { seconds: (performance.now() - t0) / 1000, r };
  };
  const batched = await time(32);
  const single = await time(1);
  const same = (batched.r.items as { pred: number }[]).every(
    (x, i) => x.pred === (single.r.items as { pred: number }[])[i]!.pred,
  );
  const ips = (s: number) => items.length / s;
  console.log(`batched (32 per pass):   ${ips(batched.seconds).toFixed(1)} items/s (${batched.seconds.toFixed(2)} s)`);
  console.log(`one item at a time:      ${ips(single.seconds).toFixed(1)} items/s (${single.seconds.toFixed(2)} s)`);
  console.log(
    `ratio batched/single:    ${(single.seconds / batched.seconds).toFixed(2)}×; same predictions: ${same ? 'yes' : 'NO'}`,
  );
  (model as { dispose?: () => void }).dispose?.();
}

await runBench('bench:eval', main);
