// The worker's training data drops a byte-order mark as the CLI does, so a file saved with one is cut at the same
// place and trains on the same tokens as the file without it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { buildTokenizer, readCorpusFile } from '../../engine/tokenizer';
import { holdoutSplit } from '../../engine/train/holdout';
import { trainingWindows } from './train-data';

const dir = mkdtempSync(join(tmpdir(), 'espalier-train-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trainingWindows', () => {
  it('cuts and encodes a file with a byte-order mark exactly as the same file without one, and as the CLI reads it', () => {
    const text = corpusText('ru.txt').slice(0, 6000);
    const tok = buildTokenizer([text], { ngrams: 100 });
    const plain = join(dir, 'plain.txt');
    const bom = join(dir, 'bom.txt');
    writeFileSync(plain, text);
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const a = trainingWindows(tok, [plain], [], 16);
    const b = trainingWindows(tok, [bom], [], 16);
    expect(Array.from(b.train.tokens)).toEqual(Array.from(a.train.tokens));
    expect(Array.from(b.val.tokens)).toEqual(Array.from(a.val.tokens));
    // The CLI's reader gives the same held-out text; the worker ends each text with <eos>.
    const cli = holdoutSplit(readCorpusFile(bom));
    expect(Array.from(b.val.tokens)).toEqual([...tok.encode(cli.val), tok.specials.eos]);
    expect(tok.decode(b.train.tokens.subarray(0, 5))).not.toContain('\ufeff');
  });
});
