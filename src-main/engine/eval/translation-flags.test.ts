// Issue 28 item 15: translation outputs are flagged degenerate as QA's are (empty, stop words, repetition) and
// also when written in none of the reference's script — an en→ru model that answers in English gets a paper BLEU
// that looks like a score; the flag says its outputs are not Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigramLM } from '../../../test/oracles/bigram';
import { CharTokenizer } from '../../../test/support/eval';
import { initBackend } from '../backend';
import { mainScript, translationDegenerateKind } from './degenerate';
import { evalTranslation } from './translate';

const tok = new CharTokenizer("abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщъыьэюя .,:?!\n'-");
const V = tok.size;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});
const models: BigramLM[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

/** A model that, after "Answer:", writes `text` and stops at a line break. */
function writes(text: string): BigramLM {
  const t = new Float32Array(V * V);
  const seq = [':', ...Array.from(text), '\n'];
  for (let i = 0; i + 1 < seq.length; i++) t[tok.idOf(seq[i]!) * V + tok.idOf(seq[i + 1]!)] = 40;
  const m = new BigramLM(t, { contextLength: 256, tokenizerId: tok.id });
  models.push(m);
  return m;
}

describe('degenerate translations', () => {
  it('tells wrong-script outputs from real attempts, Japanese kana and kanji as one script', () => {
    expect(mainScript('Доброе утро')).toBe('Cyrillic');
    expect(translationDegenerateKind('good morning', 'Cyrillic')).toBe('wrong-script');
    expect(translationDegenerateKind('доброе утро', 'Cyrillic')).toBeNull();
    expect(translationDegenerateKind('и и и', 'Cyrillic')).toBe('stop-words');
    expect(translationDegenerateKind('おはようございます', mainScript('お早う御座います'))).toBeNull();
    expect(translationDegenerateKind('Guten Morgen', mainScript('Доброе утро'))).toBe('wrong-script');
  });

  it('evalTranslation reports the flags beside the paper BLEU, per item and in total', async () => {
    const items = [
      { file: 'mem', line: 1, src: 'good day', ref: 'добрый день' },
      { file: 'mem', line: 2, src: 'thank you', ref: 'спасибо' },
    ];
    const english = await evalTranslation(
      { model: writes('good'), tokenizer: tok },
      items,
      { src: 'en', tgt: 'ru' },
      { runs: 2 },
    );
    expect(english.degenerate?.groups[0]).toMatchObject({
      group: 'all',
      outputs: 4,
      degenerate: 4,
      byKind: { 'wrong-script': 4 },
    });
    expect((english.items as { degenerate: string[] }[])[0]!.degenerate).toEqual(['wrong-script', 'wrong-script']);
    expect(english.metrics['corpus_bleu']).toBeDefined();
    expect(english.metrics['chrf']).toBeDefined();
    const russian = await evalTranslation(
      { model: writes('день'), tokenizer: tok },
      items,
      { src: 'en', tgt: 'ru' },
      { runs: 2 },
    );
    expect(russian.degenerate?.groups[0]).toMatchObject({ outputs: 4, degenerate: 0 });
  });
});
