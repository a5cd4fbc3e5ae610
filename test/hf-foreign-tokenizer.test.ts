// Foreign Hugging Face tokenizers (BPE with byte fallback, Unigram, WordPiece — trained here with the Python
// `tokenizers` library on real text) as vocabularies: `substrate build --vocab` renders every token, and
// `vocab encode` (Hugging Face's JS library underneath) gives the Python library's ids on every line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForeignTokenizer, loadTokenizer, loadVocabulary } from '../src-main/engine/tokenizer/index';
import { ROOT, runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { requirePython } from './helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'espalier-hf-foreign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runPython(py: string, args: string[]): string {
  const r = spawnSync(py, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

describe('foreign Hugging Face tokenizer.json files as vocabularies', () => {
  let py: string;
  let testFile: string;
  let lines: string[];

  beforeAll(() => {
    py = requirePython(['tokenizers']);
    const en = corpusText('en.txt');
    const ru = corpusText('ru.txt');
    const zh = corpusText('zh.txt');
    const train = join(dir, 'train.txt');
    writeFileSync(train, [en.slice(0, 60_000), ru.slice(0, 60_000), zh.slice(0, 20_000)].join('\n'));
    runPython(py, ['test/python/train_foreign_tokenizers.py', train, dir]);
    lines = [
      ...en.slice(60_000, 90_000).split('\n'),
      ...ru.slice(60_000, 90_000).split('\n'),
      ...zh.slice(20_000, 30_000).split('\n'),
      'emoji 😀 क्ष 𝔘',
    ];
    testFile = join(dir, 'test.txt');
    writeFileSync(testFile, `${lines.join('\n')}\n`);
  }, 300_000);

  for (const kind of ['bpe', 'unigram', 'wordpiece'] as const) {
    it(`${kind}: vocab encode gives the Python library's ids on every line, and substrate build renders every token`, () => {
      const file = join(dir, `${kind}.json`);
      const theirs = JSON.parse(runPython(py, ['test/python/hf_tokenizer_ids.py', file, testFile])) as {
        tokenizers: number[][];
        vocab_size: number;
      };
      const enc = runCli(['vocab', 'encode', '--vocab', file, '--file', testFile, '--lines', '--json']);
      expect(enc.stderr).toBe('');
      const ours = enc.json<{ lines: number[][] }>().lines;
      expect(ours).toHaveLength(lines.length);
      const k = ours.findIndex((ids, i) => ids.join() !== theirs.tokenizers[i]!.join());
      expect(
        k < 0
          ? 'all lines agree'
          : `line ${k + 1} ${JSON.stringify(lines[k])}: ${JSON.stringify(ours[k])} vs ${JSON.stringify(theirs.tokenizers[k])}`,
      ).toBe('all lines agree');

      const out = join(dir, `${kind}.safetensors`);
      const built = runCli([
        'substrate',
        'build',
        '--kind',
        'glyph',
        '--vocab',
        file,
        '--out',
        out,
        '--dim',
        '32',
        '--json',
      ]);
      expect(built.stderr).not.toMatch(/error/);
      expect(built.code).toBe(0);
      const sub = built.json<{ vocabSize: number; dim: number; id: string }>();
      expect([sub.vocabSize, sub.dim]).toEqual([theirs.vocab_size, 32]);

      const vocab = loadVocabulary(file);
      expect(vocab).toBeInstanceOf(ForeignTokenizer);
      expect(vocab.id).toMatch(/^[0-9a-f]{64}$/);
      const texts = vocab.pieces.filter((p) => p.kind === 'text').map((p) => (p as { text: string }).text);
      // Each token renders its readable string: Metaspace's ▁ is a space, WordPiece's ## is gone.
      expect(texts.some((t) => t.includes('\u2581') || (kind === 'wordpiece' && t.startsWith('##')))).toBe(false);
      if (kind !== 'wordpiece') expect(texts.some((t) => t.startsWith(' '))).toBe(true);
      if (kind === 'bpe') expect(vocab.pieces.filter((p) => p.kind === 'byte')).toHaveLength(256);
      // Decoding gives the words back (WordPiece spaces punctuation apart, so compare a word, not 'Question:').
      const word = /\p{L}{3,}/u.exec(lines[3]!)![0];
      expect(vocab.decode(vocab.encode(lines[3]!))).toContain(word);
    }, 300_000);
  }

  it('training paths refuse a foreign tokenizer with one line naming the file and what it can be used for', () => {
    const file = join(dir, 'bpe.json');
    // loadTokenizer is what train, grow and generate load vocabularies with.
    expect(() => loadTokenizer(file)).toThrow(
      new RegExp(`^${file}: not an Espalier tokenizer .*substrate build --vocab`),
    );
    const missing = runCli(['vocab', 'encode', '--vocab', join(dir, 'nope.json'), '--text', 'x']);
    expect(missing.stderr.trim()).toBe(`espalier: error: ${join(dir, 'nope.json')}: vocabulary file not found`);
  });
});
