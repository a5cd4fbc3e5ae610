// `espalier vocab build` end to end: the JSON summary, a loadable tokenizer.json, and one-line errors naming the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src-main/engine/tokenizer/index';
import { runCli } from './helpers/cli';
import { corpusFile, corpusText } from './helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'espalier-vocab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectOneErrorLine(args: string[], file: string, problem: RegExp): void {
  const r = runCli(args);
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
}

describe('espalier vocab build', () => {
  it('builds from several corpora and prints {id, size, monograms, ngrams, compression, …}', () => {
    const out = join(dir, 'out', 'vocab.json');
    const r = runCli([
      'vocab',
      'build',
      '--corpus',
      corpusFile('en.txt'),
      '--corpus',
      corpusFile('zh.txt'),
      '--ngrams',
      '1000',
      '--out',
      out,
      '--json',
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const res = r.json<{
      id: string;
      size: number;
      monograms: number;
      ngrams: number;
      compression: number;
      corpusChars: number;
      countedChars: number;
      sampled: boolean;
    }>();
    expect(Object.keys(res).sort()).toEqual([
      'compression',
      'corpusChars',
      'countedChars',
      'id',
      'monograms',
      'ngrams',
      'sampled',
      'size',
    ]);
    // Small corpora are counted whole.
    const chars = [...corpusText('en.txt')].length + [...corpusText('zh.txt')].length;
    expect([res.corpusChars, res.countedChars, res.sampled]).toEqual([chars, chars, false]);
    expect(res.id).toMatch(/^[0-9a-f]{64}$/);
    expect(res.ngrams).toBe(1000);
    // Every code point of the corpora is a monogram: hundreds of Han characters plus ASCII.
    expect(res.monograms).toBe(new Set([...corpusText('en.txt'), ...corpusText('zh.txt')]).size);
    expect(res.monograms).toBeGreaterThan(300);
    expect(res.size).toBe(4 + 256 + res.monograms + res.ngrams);
    expect(res.compression).toBeGreaterThan(1.3);
    const tok = loadTokenizer(out);
    expect([tok.id, tok.size]).toEqual([res.id, res.size]);
  });

  it('fails with one line naming the corpus file when it is missing, empty or not UTF-8', () => {
    const out = join(dir, 'never.json');
    const missing = join(dir, 'missing.txt');
    expectOneErrorLine(
      ['vocab', 'build', '--corpus', missing, '--ngrams', '10', '--out', out],
      missing,
      /file not found/,
    );
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    expectOneErrorLine(
      ['vocab', 'build', '--corpus', corpusFile('en.txt'), '--corpus', empty, '--ngrams', '10', '--out', out],
      empty,
      /empty/,
    );
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.from('naïve', 'latin1'));
    expectOneErrorLine(
      ['vocab', 'build', '--corpus', latin1, '--ngrams', '10', '--out', out, '--json'],
      latin1,
      /not valid UTF-8 at byte offset 2/,
    );
  });

  it('a vocabulary that is not JSON makes its consumer (substrate build) fail with one line naming it', () => {
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, 'this is not { json\n');
    expectOneErrorLine(
      ['substrate', 'build', '--kind', 'random', '--vocab', notJson, '--out', join(dir, 's.safetensors')],
      notJson,
      /not valid JSON/,
    );
  });

  it('rejects a negative --ngrams with one line', () => {
    const r = runCli([
      'vocab',
      'build',
      '--corpus',
      corpusFile('en.txt'),
      '--ngrams',
      '-3',
      '--out',
      join(dir, 'x.json'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      'espalier: error: option --ngrams expects a non-negative integer, got -3',
    ]);
  });
});
