// `espalier vocab build --size` at the paper's 65,536-token size from a generated multilingual corpus of ~8 MB, with
// the n-gram counting capped by --sample-chars so the bound is exercised (131,072 + its substrate: test/slow).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../src-main/lab/world/index';
import { loadTokenizer } from '../src-main/engine/tokenizer/index';
import { runCli } from './helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'espalier-vocab-large-'));
let corpus: string;
beforeAll(() => {
  const w = generateWorld({ seed: 1, scale: 'default', corpusBytes: 4_000_000 });
  corpus = join(dir, 'corpus.txt');
  writeFileSync(
    corpus,
    Object.values(w.corpora)
      .map((c) => c.train)
      .join('\n\n'),
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  id: string;
  size: number;
  ngrams: number;
  corpusChars: number;
  countedChars: number;
  sampled: boolean;
}

describe('espalier vocab build --size (large vocabularies)', () => {
  it('builds exactly 65,536 tokens counting a capped, evenly spread sample, and prints progress', () => {
    const out = join(dir, 'v65536.json');
    const args = ['vocab', 'build', '--corpus', corpus, '--size', '65536', '--sample-chars', '3000000'];
    const r = runCli([...args, '--out', out, '--json'], { timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const res = r.json<Result>();
    expect(res.size).toBe(65_536);
    expect(res.sampled).toBe(true);
    expect(res.countedChars).toBeLessThanOrEqual(3_000_000);
    expect(res.corpusChars).toBeGreaterThan(res.countedChars);
    expect(r.stderr).toMatch(/vocab build: reading/);
    expect(r.stderr).toMatch(/counted on [\d,]+ of them/);
    const tok = loadTokenizer(out);
    expect([tok.id, tok.size]).toEqual([res.id, 65_536]);
  });

  it('refuses a size the corpus cannot fill, with one error line naming the shortfall', () => {
    const small = join(dir, 'small.txt');
    writeFileSync(small, 'a tiny corpus, a tiny corpus\n');
    const bad = runCli(['vocab', 'build', '--corpus', small, '--size', '65536', '--out', join(dir, 'x.json')]);
    expect(bad.code).not.toBe(0);
    const errors = bad.stderr.split('\n').filter((l) => /error/.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/n-grams occur at least 2 times .* not 65536: give a larger corpus/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
