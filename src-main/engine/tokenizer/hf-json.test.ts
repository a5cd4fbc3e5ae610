// tokenizer.json round trips (ids, pieces, encodings survive) and bad tokenizer/corpus files as UserErrors.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { UserError } from '../util/errors';
import { BYTE_BASE, FIRST_TEXT_ID, buildTokenizer, loadTokenizer, readCorpusFile, saveTokenizer, tokenizerToJson } from './index';

const dir = mkdtempSync(join(tmpdir(), 'espalier-tok-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ru = corpusText('debian-faq.ru.txt').slice(0, 40_000);
const tok = buildTokenizer([ru, 'tricky $& $1 "q" \\ \u0000\u0001 😀😀 e\u0301e\u0301'], { ngrams: 500 });

/** Expects `fn` to throw one UserError whose single-line message names `file` and matches `problem`. */
function expectUserError(fn: () => unknown, file: string, problem: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UserError);
  const msg = (err as Error).message;
  expect(msg.startsWith(`${file}: `)).toBe(true);
  expect(msg).toMatch(problem);
  expect(msg).not.toContain('\n');
}

describe('tokenizer.json', () => {
  it('round-trips: same id, pieces and encodings after save/load', () => {
    const path = join(dir, 'nested', 'tokenizer.json');
    saveTokenizer(tok, path);
    const back = loadTokenizer(path);
    expect(back.id).toBe(tok.id);
    expect(back.pieces).toEqual(tok.pieces);
    expect([back.monograms, back.ngrams]).toEqual([tok.monograms, tok.ngrams]);
    const sample = `${ru.slice(1000, 3000)} $& 😀 \ud800 中文`;
    expect(Array.from(back.encode(sample))).toEqual(Array.from(tok.encode(sample)));
    // Saving again writes identical bytes, and no temp file is left behind.
    saveTokenizer(back, join(dir, 'nested', 'again.json'));
    expect(readFileSync(join(dir, 'nested', 'again.json'), 'utf8')).toBe(readFileSync(path, 'utf8'));
    expect(readdirSync(join(dir, 'nested')).sort()).toEqual(['again.json', 'tokenizer.json']);
  });

  it('is a Hugging Face Unigram tokenizer.json with <0xNN> byte tokens and the Espalier rules alongside', () => {
    const doc = JSON.parse(tokenizerToJson(tok)) as {
      version: string;
      added_tokens: { id: number; content: string; special: boolean }[];
      model: { type: string; unk_id: number; byte_fallback: boolean; vocab: [string, number][] };
      decoder: { type: string; decoders: { type: string }[] };
      espalier: { id: string; encoding: { rule: string; maxNgram: number }; monograms: number; ngrams: number };
    };
    expect(doc.version).toBe('1.0');
    expect(doc.model.type).toBe('Unigram');
    expect(doc.model.byte_fallback).toBe(true);
    expect(doc.model.vocab[doc.model.unk_id]![0]).toBe('<unk>');
    expect(doc.model.vocab.length).toBe(tok.size);
    expect(doc.model.vocab[BYTE_BASE + 0x0a]![0]).toBe('<0x0A>');
    expect(doc.model.vocab[BYTE_BASE + 0xff]![0]).toBe('<0xFF>');
    expect(doc.model.vocab[FIRST_TEXT_ID]![0]).toBe('\u0000');
    expect(new Set(doc.model.vocab.map((v) => v[0])).size).toBe(tok.size);
    expect(doc.added_tokens.map((t) => [t.id, t.content, t.special])).toEqual([
      [0, '<pad>', true],
      [1, '<bos>', true],
      [2, '<eos>', true],
      [3, '<unk>', true],
    ]);
    expect(doc.decoder.decoders.map((d) => d.type)).toEqual(['ByteFallback', 'Fuse']);
    expect(doc.espalier).toMatchObject({ id: tok.id, encoding: { rule: 'greedy-longest-match', maxNgram: 5 }, monograms: tok.monograms, ngrams: tok.ngrams });
  });

  it('rejects files that are missing, not JSON or not an Espalier layout, naming the file', () => {
    const good = JSON.parse(tokenizerToJson(tok)) as Record<string, unknown> & { model: { vocab: [string, number][] } };
    const write = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const variant = (name: string, edit: (doc: typeof good) => void) => {
      const doc = structuredClone(good);
      edit(doc);
      return write(name, JSON.stringify(doc));
    };
    const missing = join(dir, 'nope.json');
    expectUserError(() => loadTokenizer(missing), missing, /file not found/);
    expectUserError(() => loadTokenizer(dir), dir, /directory/);
    const notJson = write('not-json.json', 'vocab: [a, b]\n');
    expectUserError(() => loadTokenizer(notJson), notJson, /not valid JSON/);
    const arr = write('array.json', '[1, 2]');
    expectUserError(() => loadTokenizer(arr), arr, /expected a JSON object/);
    const plainHf = variant('plain-hf.json', (d) => delete d['espalier']);
    expectUserError(() => loadTokenizer(plainHf), plainHf, /not an Espalier tokenizer/);
    const bpe = variant('bpe.json', (d) => ((d.model as unknown as { type: string }).type = 'BPE'));
    expectUserError(() => loadTokenizer(bpe), bpe, /model\.type must be "Unigram"/);
    const badEntry = variant('bad-entry.json', (d) => (d.model.vocab[300] = ['x'] as unknown as [string, number]));
    expectUserError(() => loadTokenizer(badEntry), badEntry, /model\.vocab\[300\] must be a \[piece, score\] pair/);
    const swapped = variant('swapped.json', (d) => ([d.model.vocab[4], d.model.vocab[5]] = [d.model.vocab[5]!, d.model.vocab[4]!]));
    expectUserError(() => loadTokenizer(swapped), swapped, /model\.vocab\[4\] must be the byte token <0x00>/);
    const dup = variant('dup.json', (d) => (d.model.vocab[FIRST_TEXT_ID + 1] = [d.model.vocab[FIRST_TEXT_ID]![0], -1]));
    expectUserError(() => loadTokenizer(dup), dup, /appears twice/);
    const edited = variant('edited.json', (d) => d.model.vocab.push(['zzzz', -1]));
    expectUserError(() => loadTokenizer(edited), edited, /does not match the vocabulary/);
  });
});

describe('corpus files', () => {
  it('reads UTF-8 text and drops a leading byte-order mark', () => {
    const p = join(dir, 'bom.txt');
    writeFileSync(p, Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('Жаба\n', 'utf8')]));
    expect(readCorpusFile(p)).toBe('Жаба\n');
  });

  it('rejects missing, empty and non-UTF-8 files, naming the file (and the byte offset)', () => {
    const missing = join(dir, 'missing.txt');
    expectUserError(() => readCorpusFile(missing), missing, /file not found/);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    expectUserError(() => readCorpusFile(empty), empty, /empty/);
    const sub = join(dir, 'a-dir');
    mkdirSync(sub);
    expectUserError(() => readCorpusFile(sub), sub, /directory/);
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expectUserError(() => readCorpusFile(latin1), latin1, /not valid UTF-8 at byte offset 3 \(byte 0xE9\)/);
  });
});
