// Issue 5 §7 on real text: a Russian expert and a Chinese expert (bigram models fitted on the test corpora through
// the real tokenizer, then small GPTs trained briefly) — the merge beats each expert on the union of both held-out sets.
import { describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { BigramLM } from '../../../test/oracles/bigram';
import { GPT } from '../model/gpt';
import { randomSubstrate } from '../../../test/support/model';
import { makeWindows } from '../train/data';
import { Trainer } from '../train/trainer';
import { buildTokenizer } from '../tokenizer';
import { MERGE_MODES } from './combine';
import { MergedLM } from './merged';
import { previewMerge, type PreviewRow } from './preview';
import { initBackend } from '../backend';

// Models are built while the suite is collected, so the backend must be up before that.
await initBackend({ backend: 'wasm', threads: 1 });

/** The last 10% of a corpus (cut at a line break) is held out. */
function split(text: string): [string, string] {
  const cut = text.indexOf('\n', Math.floor(text.length * 0.9));
  return [text.slice(0, cut), text.slice(cut + 1)];
}

/** The loss on the union of the two held-out sets: every predicted token of both, weighted alike. */
function union(rows: PreviewRow[], model: string): number {
  const r = rows.filter((x) => x.model === model);
  return r.reduce((a, x) => a + x.loss * x.tokens, 0) / r.reduce((a, x) => a + x.tokens, 0);
}
const loss = (rows: PreviewRow[], model: string, data: string) =>
  rows.find((r) => r.model === model && r.data === data)!.loss;

describe('merging a RU expert and a ZH expert', () => {
  const [ruTrain, ruVal] = split(corpusText('ru.txt'));
  const [zhTrain, zhVal] = split(corpusText('zh.txt'));

  it('bigram experts: each is best on its own language; the merge is better than each on the two together', async () => {
    const tok = buildTokenizer([ruTrain, zhTrain], { ngrams: 200 });
    const ids = { substrateId: 'shared-substrate', tokenizerId: tok.id };
    // Smoothing well below 1: with a vocabulary of thousands, add-one would drown the observed counts.
    const ru = BigramLM.fit([tok.encode(ruTrain)], tok.size, { ...ids, alpha: 0.01 });
    const zh = BigramLM.fit([tok.encode(zhTrain)], tok.size, { ...ids, alpha: 0.01 });
    const datasets = [
      { name: 'ru', tokens: tok.encode(ruVal).subarray(0, 1500) },
      { name: 'zh', tokens: tok.encode(zhVal).subarray(0, 1500) },
    ];
    for (const mode of MERGE_MODES.filter((m) => m !== 'weighted')) {
      const rows = await previewMerge([ru, zh], new MergedLM([ru, zh], { mode }), datasets, {
        context: 256,
        names: ['RU', 'ZH'],
      });
      expect(loss(rows, 'RU', 'ru')).toBeLessThan(loss(rows, 'ZH', 'ru'));
      expect(loss(rows, 'ZH', 'zh')).toBeLessThan(loss(rows, 'RU', 'zh'));
      expect(union(rows, 'merge'), mode).toBeLessThan(union(rows, 'RU'));
      expect(union(rows, 'merge'), mode).toBeLessThan(union(rows, 'ZH'));
    }
    [ru, zh].forEach((m) => m.dispose());
  });

  it('GPT experts trained briefly on one language each: the logit-averaging merge wins on the union', async () => {
    const tok = buildTokenizer([ruTrain, zhTrain], { ngrams: 0 });
    const substrate = randomSubstrate(tok.size, 32, 1, tok.id);
    const expert = async (text: string, seed: number): Promise<GPT> => {
      const m = GPT.create({
        config: { vocabSize: tok.size, layers: 1, dModel: 32, heads: 2, contextLength: 32, mlpRatio: 2 },
        substrate,
        tokenizerId: tok.id,
        seed,
      });
      const w = makeWindows(tok.encode(text).subarray(0, 60_000), 32);
      const tr = new Trainer(m, { train: w, val: w }, { steps: 80, batchSize: 8, lr: 1e-2, evalEvery: 0, seed });
      await tr.run();
      tr.dispose();
      return m;
    };
    const ru = await expert(ruTrain, 1);
    const zh = await expert(zhTrain, 2);
    const datasets = [
      { name: 'ru', tokens: tok.encode(ruVal).subarray(0, 1500) },
      { name: 'zh', tokens: tok.encode(zhVal).subarray(0, 1500) },
    ];
    const rows = await previewMerge([ru, zh], new MergedLM([ru, zh]), datasets, { names: ['RU', 'ZH'] });
    expect(loss(rows, 'RU', 'ru')).toBeLessThan(loss(rows, 'ZH', 'ru'));
    expect(loss(rows, 'ZH', 'zh')).toBeLessThan(loss(rows, 'RU', 'zh'));
    expect(union(rows, 'merge')).toBeLessThan(union(rows, 'RU'));
    expect(union(rows, 'merge')).toBeLessThan(union(rows, 'ZH'));
    [ru, zh].forEach((m) => m.dispose());
  });
});
