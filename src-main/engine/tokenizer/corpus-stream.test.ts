// The streamed corpus reader behind `vocab build`: the counted text never exceeds its budget, a corpus within the
// budget builds the same vocabulary as the in-memory builder, and a larger one is sampled across its whole length.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { buildTokenizer, buildTokenizerFromFiles } from './build';
import { readCorpusFile } from './corpus-file';
import { sampleCorpusFiles } from './corpus-stream';

const dir = mkdtempSync(join(tmpdir(), 'espalier-corpus-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const en = join(dir, 'en.txt');
const ru = join(dir, 'ru.txt');
writeFileSync(en, '\uFEFF' + corpusText('en.txt'));
writeFileSync(ru, corpusText('ru.txt'));

describe('streamed corpus sampling', () => {
  it('within the budget, equals the in-memory build bit for bit (small blocks split characters)', () => {
    const whole = buildTokenizer([readCorpusFile(en), readCorpusFile(ru)], { ngrams: 400 });
    const streamed = buildTokenizerFromFiles([en, ru], { ngrams: 400, block: 4093 });
    expect(streamed.tokenizer.id).toBe(whole.id);
    expect(streamed.sample.sampled).toBe(false);
    expect(streamed.sample.countedChars).toBe(streamed.sample.totalChars);
  });

  it('never counts more than the budget, and samples the whole corpus, not its start', () => {
    const budget = 60_000;
    const s = sampleCorpusFiles([en, ru], { budget, block: 2048 });
    expect(s.sampled).toBe(true);
    expect(s.seq.length).toBeLessThanOrEqual(budget);
    expect(s.countedChars).toBeLessThanOrEqual(budget);
    expect(s.totalChars).toBe([...corpusText('en.txt')].length + [...corpusText('ru.txt')].length);
    // Blocks from both files (the second is Cyrillic) are counted, separated by barriers.
    const counted = new Set(s.seq);
    expect(counted.has('я'.codePointAt(0)!)).toBe(true);
    expect(counted.has('e'.codePointAt(0)!)).toBe(true);
    expect(s.seq.filter((c) => c === -1).length).toBeGreaterThan(2);
    // Every character of the whole corpus is seen (each becomes a token), counted or not.
    for (const ch of new Set(corpusText('en.txt') + corpusText('ru.txt'))) expect(s.seen[ch.codePointAt(0)!]).toBe(1);
  });

  it('a budget far below the corpus still builds, and --size gives exactly that many tokens', () => {
    const b = buildTokenizerFromFiles([en, ru], { ngrams: 0, size: 2000, budget: 80_000, block: 1024 });
    expect(b.tokenizer.size).toBe(2000);
    expect(b.sample.countedChars).toBeLessThanOrEqual(80_000);
    expect(() => buildTokenizerFromFiles([en], { ngrams: 0, size: 10 })).toThrow(/cannot hold the 260 fixed tokens/);
  });

  it('a budget below one block still counts some text', () => {
    const s = sampleCorpusFiles([en, ru], { budget: 5000 });
    expect(s.countedChars).toBeGreaterThan(0);
    expect(s.countedChars).toBeLessThanOrEqual(5000);
  });

  it('refuses a non-UTF-8 file naming the byte offset, even past the first block', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, Buffer.concat([Buffer.from('x'.repeat(5000)), Buffer.from([0xff]), Buffer.from('tail')]));
    expect(() => sampleCorpusFiles([bad], { block: 1024 })).toThrow(/bad\.txt: not valid UTF-8 at byte offset 5000/);
  });
});
