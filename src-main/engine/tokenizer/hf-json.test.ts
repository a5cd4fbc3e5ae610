// tokenizer.json round trips (ids, pieces, encodings survive), first-format files, and bad tokenizer/corpus files as UserErrors.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { UserError } from '../../common/errors';
import {
  BYTE_BASE,
  FIRST_TEXT_ID,
  Tokenizer,
  buildTokenizer,
  loadTokenizer,
  readCorpusFile,
  saveTokenizer,
  tokenizerToJson,
} from './index';

const dir = mkdtempSync(join(tmpdir(), 'espalier-tok-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ru = corpusText('ru.txt').slice(0, 40_000);
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

  it('is a Hugging Face BPE tokenizer.json: byte fallback, <0xNN> byte tokens, the n-gram merges, nothing else', () => {
    const doc = JSON.parse(tokenizerToJson(tok)) as Record<string, unknown> & {
      version: string;
      added_tokens: unknown[];
      model: {
        type: string;
        unk_token: string;
        byte_fallback: boolean;
        ignore_merges: boolean;
        vocab: Record<string, number>;
        merges: [string, string][];
      };
      decoder: { type: string; decoders: { type: string }[] };
    };
    expect(doc.version).toBe('1.0');
    expect(Object.keys(doc).sort()).toEqual([
      'added_tokens',
      'decoder',
      'model',
      'normalizer',
      'padding',
      'post_processor',
      'pre_tokenizer',
      'truncation',
      'version',
    ]);
    expect([doc.normalizer, doc.pre_tokenizer, doc.post_processor]).toEqual([null, null, null]);
    expect(doc.added_tokens).toEqual([]);
    expect([doc.model.type, doc.model.unk_token, doc.model.byte_fallback, doc.model.ignore_merges]).toEqual([
      'BPE',
      '<unk>',
      true,
      false,
    ]);
    expect(Object.keys(doc.model.vocab).length).toBe(tok.size);
    expect([
      doc.model.vocab['<pad>'],
      doc.model.vocab['<unk>'],
      doc.model.vocab['<0x0A>'],
      doc.model.vocab['<0xFF>'],
    ]).toEqual([0, 3, BYTE_BASE + 0x0a, BYTE_BASE + 0xff]);
    expect(doc.model.vocab['\u0000']).toBe(FIRST_TEXT_ID);
    expect(doc.model.merges.length).toBe(tok.merges().length);
    expect(doc.model.merges.every(([l, r]) => doc.model.vocab[l + r] !== undefined)).toBe(true);
    expect(doc.decoder.decoders.map((d) => d.type)).toEqual(['ByteFallback', 'Fuse']);
  });

  it('reads first-format files (greedy longest match): same id, same ids as before, saved back byte for byte', () => {
    const path = fileURLToPath(new URL('../../../test/fixtures/tokenizer-format1.json', import.meta.url));
    const text = readFileSync(path, 'utf8');
    const old = loadTokenizer(path);
    expect(old.rule).toBe('greedy-longest-match');
    expect(old.id).toBe((JSON.parse(text) as { espalier: { id: string } }).espalier.id);
    expect(tokenizerToJson(old)).toBe(text);
    // Loaded first-format tokenizers encode by greedy longest match, as they did when they were written.
    const line = 'the frame is fixed; рамы 框架 😀';
    const greedy = new Tokenizer(old.pieces, 'greedy-longest-match');
    expect(Array.from(old.encode(line))).toEqual(Array.from(greedy.encode(line)));
    expect(old.decode(old.encode(line))).toBe(line);
    // The same vocabulary under the n-gram BPE is another tokenizer.
    expect(new Tokenizer(old.pieces).id).not.toBe(old.id);
  });

  it('rejects files that are missing, not JSON or not an Espalier layout, naming the file', () => {
    type Doc = Record<string, unknown> & {
      model: { type: string; vocab: Record<string, number>; merges: [string, string][] };
    };
    const good = JSON.parse(tokenizerToJson(tok)) as Doc;
    const write = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const variant = (name: string, edit: (doc: Doc) => void) => {
      const doc = structuredClone(good);
      edit(doc);
      return write(name, JSON.stringify(doc));
    };
    const missing = join(dir, 'nope.json');
    expectUserError(() => loadTokenizer(missing), missing, /file not found/);
    expectUserError(() => loadTokenizer(dir), dir, /is a folder, not a vocabulary file/);
    const notJson = write('not-json.json', 'vocab: [a, b]\n');
    expectUserError(() => loadTokenizer(notJson), notJson, /not valid JSON/);
    const arr = write('array.json', '[1, 2]');
    expectUserError(() => loadTokenizer(arr), arr, /expected a JSON object/);
    const unigram = variant('unigram.json', (d) => (d.model.type = 'Unigram'));
    expectUserError(() => loadTokenizer(unigram), unigram, /not an Espalier tokenizer \(model\.type "Unigram"/);
    const swapped = variant('swapped.json', (d) => ([d.model.vocab['<0x01>'], d.model.vocab['<0x02>']] = [6, 5]));
    expectUserError(() => loadTokenizer(swapped), swapped, /model\.vocab\[5\] must be the byte token <0x01>/);
    const gap = variant('gap.json', (d) => delete d.model.vocab['<0x01>']);
    expectUserError(() => loadTokenizer(gap), gap, /id 5 is missing/);
    const dup = variant('dup.json', (d) => (d.model.vocab['zz'] = FIRST_TEXT_ID));
    expectUserError(() => loadTokenizer(dup), dup, new RegExp(`id ${FIRST_TEXT_ID} appears twice`));
    const reordered = variant('reordered.json', (d) => d.model.merges.reverse());
    expectUserError(() => loadTokenizer(reordered), reordered, /model\.merges\[0\] is .* but the n-gram rule gives/);
    const preTok = variant('pre.json', (d) => (d['pre_tokenizer'] = { type: 'Whitespace' }));
    expectUserError(() => loadTokenizer(preTok), preTok, /no normalizer and no pre_tokenizer/);
    const v1 = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../../test/fixtures/tokenizer-format1.json', import.meta.url)), 'utf8'),
    ) as Record<string, unknown> & {
      model: { vocab: [string, number][] };
    };
    const edited = write(
      'edited.json',
      JSON.stringify({ ...v1, model: { ...v1.model, vocab: [...v1.model.vocab, ['zzzz', -1]] } }),
    );
    expectUserError(() => loadTokenizer(edited), edited, /does not match the vocabulary/);
    const v9 = write('v9.json', JSON.stringify({ ...v1, espalier: { ...(v1['espalier'] as object), version: 9 } }));
    expectUserError(() => loadTokenizer(v9), v9, /unsupported espalier\.version 9/);
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
    expectUserError(() => readCorpusFile(sub), sub, /is a folder, not a corpus file/);
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expectUserError(() => readCorpusFile(latin1), latin1, /not valid UTF-8 at byte offset 3 \(byte 0xE9\)/);
  });
});
