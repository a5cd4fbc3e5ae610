// Token files against the in-memory path: the same ids, the same hold-out, the same batches for a seed; and
// resumption, tokenizer/length checks on real files in a temp folder.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTokenizer } from '../tokenizer/build';
import { holdoutWindows } from '../train/holdout';
import { makeWindows, Sampler, unigramEntropy } from '../train/data';
import { headerPath, openTokenFile, readHeader } from './token-file';
import { writeTokenFile } from './write-token-file';

const dir = mkdtempSync(join(tmpdir(), 'espalier-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Documents with Cyrillic, CJK and astral characters so that chunk edges fall inside multi-byte characters.
function corpus(docs: number): string {
  const words = ['мороз', 'и', 'солнце', 'день', 'чудесный', '春眠', '不觉晓', 'the', 'quick', 'fox', '𝒜𝒷𝒸', '🙂'];
  const out: string[] = [];
  let x = 7;
  for (let d = 0; d < docs; d++) {
    const line: string[] = [];
    for (let i = 0; i < 40; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      line.push(words[x % words.length]!);
    }
    out.push(line.join(' ') + (d % 3 === 0 ? '\n' : ' ') + line.slice(0, 9).join(' '));
  }
  return out.join('\n\n');
}

describe('token files', () => {
  const text = corpus(300);
  const tok = buildTokenizer([text], { ngrams: 300 });
  const src = join(dir, 'corpus.txt');
  writeFileSync(src, `\ufeff${text}`);

  it('hold the ids and the hold-out the in-memory path gives, across many chunk edges', () => {
    const out = join(dir, 'a.tokens');
    const h = writeTokenFile(src, out, tok, { chunkBytes: 997 });
    const mem = holdoutWindows(text, (t) => tok.encode(t), 16, 'x');
    expect(h.complete).toBe(true);
    expect(h.dtype).toBe('uint16');
    expect(h.holdout).toEqual(mem.holdout);
    const f = openTokenFile(out, { tokenizerId: tok.id, vocabSize: tok.size });
    expect(Array.from(f.train.subarray(0, f.train.length))).toEqual(Array.from(mem.train.tokens));
    expect(Array.from(f.val.subarray(0, f.val.length))).toEqual(Array.from(mem.val.tokens));
    // Same windows, same batches for a seed, same entropy.
    const fw = makeWindows(f.train, 16);
    expect(Array.from(fw.starts)).toEqual(Array.from(mem.train.starts));
    const a = new Sampler(fw, 5);
    const b = new Sampler(mem.train, 5);
    for (let i = 0; i < 20; i++) {
      const x = a.next(7);
      const y = b.next(7);
      expect(Array.from(x.inputs)).toEqual(Array.from(y.inputs));
      expect(Array.from(x.targets)).toEqual(Array.from(y.targets));
    }
    expect(unigramEntropy(fw)).toBeCloseTo(unigramEntropy(mem.train), 12);
    f.close();
  });

  it('cuts a text without blank lines where holdoutSplit cuts it (even next to an astral character)', () => {
    const flat = '🙂a𝒜 мороз '.repeat(503);
    const p = join(dir, 'flat.txt');
    writeFileSync(p, flat);
    const h = writeTokenFile(p, join(dir, 'flat.tokens'), tok, { chunkBytes: 64 });
    expect(h.holdout).toEqual(holdoutWindows(flat, (t) => tok.encode(t), 4, 'x').holdout);
  });

  it('resumes a partial file where it stopped and ends with the same bytes', () => {
    const whole = join(dir, 'whole.tokens');
    writeTokenFile(src, whole, tok, { chunkBytes: 1500 });
    const part = join(dir, 'part.tokens');
    const h1 = writeTokenFile(src, part, tok, { chunkBytes: 1500, stopAfterChunks: 25 });
    expect(h1.complete).toBe(false);
    expect(() => openTokenFile(part)).toThrow(/incomplete \(stopped at source byte \d+/);
    // A crash after writing ids but before the header caught up: the extra bytes are dropped on resume.
    writeFileSync(part, Buffer.concat([readFileSync(part), Buffer.from([1, 2, 3])]));
    const seen: number[] = [];
    const h2 = writeTokenFile(src, part, tok, { chunkBytes: 1500, onProgress: (p) => seen.push(p.done) });
    expect(h2.complete).toBe(true);
    expect(seen[0]).toBeGreaterThan(h1.sourceByte - 3 - 1500);
    expect(readFileSync(part).equals(readFileSync(whole))).toBe(true);
  });

  it('refuses a token file of another tokenizer, a truncated one, and a header with the wrong dtype, naming the file', () => {
    const out = join(dir, 'c.tokens');
    writeTokenFile(src, out, tok);
    const other = buildTokenizer([text], { ngrams: 10 });
    expect(() => openTokenFile(out, { tokenizerId: other.id, vocabSize: other.size })).toThrow(
      new RegExp(`${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: made with tokenizer`),
    );
    const h = readHeader(out)!;
    writeFileSync(headerPath(out), JSON.stringify({ ...h, dtype: 'uint32' }));
    expect(() => openTokenFile(out)).toThrow(/c\.tokens\.json: dtype uint32 does not fit vocabulary size/);
    writeFileSync(headerPath(out), JSON.stringify(h));
    truncateSync(out, (h.trainTokens + h.valTokens) * 2 - 2);
    expect(() => openTokenFile(out)).toThrow(/c\.tokens: truncated: .* make it again/);
  });

  it('refuses text that is not UTF-8, naming the byte offset', () => {
    const p = join(dir, 'bad.txt');
    writeFileSync(p, Buffer.concat([Buffer.from('hello мир\n'.repeat(50)), Buffer.from([0xff]), Buffer.from(' tail')]));
    expect(() => writeTokenFile(p, join(dir, 'bad.tokens'), tok, { chunkBytes: 100 })).toThrow(
      /bad\.txt: not valid UTF-8 at byte offset 650 \(byte 0xFF\)/,
    );
  });
});
