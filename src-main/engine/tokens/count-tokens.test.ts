// Streamed token counting equals encoding the whole text, with block edges falling inside multi-byte characters
// and inside n-grams.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { buildTokenizer } from '../tokenizer/index';
import { countTokensStreaming } from './count-tokens';

const dir = mkdtempSync(join(tmpdir(), 'espalier-count-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('countTokensStreaming', () => {
  it('equals whole-text encoding for any block size (Russian and Chinese text)', () => {
    const text = `${corpusText('ru.txt').slice(0, 40_000)}\n${corpusText('zh.txt').slice(0, 20_000)}`;
    const tok = buildTokenizer([text], { ngrams: 500 });
    const file = join(dir, 'mixed.txt');
    writeFileSync(file, text);
    const whole = tok.encode(text).length;
    const seen: number[] = [];
    for (const chunkBytes of [7, 1000, 4093, 1 << 20])
      expect(countTokensStreaming(file, tok, { chunkBytes, onProgress: (d) => seen.push(d) })).toBe(whole);
    expect(seen[seen.length - 1]).toBe(Buffer.byteLength(text));
  });
});
