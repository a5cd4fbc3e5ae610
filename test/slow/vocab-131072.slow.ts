// The paper's largest vocabulary end to end (a few minutes on 2 cores: ~15 s CPU for the vocabulary, ~1–3 min
// for the glyph substrate's two rendering passes and 1024-pixel PCA): `vocab build --size 131072` from a generated
// ~8 MB multilingual corpus, then its 32-px glyph substrate, which loads back with 131,072 rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../src-main/lab/world/index';
import { loadSubstrate } from '../../src-main/engine/substrate/index';
import { runCli } from '../helpers/cli';
import { unifontPath } from '../helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'espalier-vocab-131072-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a 131,072-token vocabulary and its 32-px glyph substrate', () => {
  it('builds both, with progress, and the substrate has one row per token', () => {
    const w = generateWorld({ seed: 1, scale: 'default', corpusBytes: 4_000_000 });
    const corpus = join(dir, 'corpus.txt');
    writeFileSync(
      corpus,
      Object.values(w.corpora)
        .map((c) => c.train)
        .join('\n\n'),
    );
    const vocab = join(dir, 'v131072.json');
    const v = runCli(['vocab', 'build', '--corpus', corpus, '--size', '131072', '--out', vocab, '--json'], {
      timeoutMs: 600_000,
    });
    expect(v.code, v.stderr).toBe(0);
    expect(v.json<{ size: number }>().size).toBe(131_072);

    const out = join(dir, 'glyph.safetensors');
    const s = runCli(
      ['substrate', 'build', '--kind', 'glyph', '--vocab', vocab, '--font', unifontPath(), '--out', out, '--json'],
      { timeoutMs: 900_000 },
    );
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/render/);
    const res = s.json<{ vocabSize: number; dim: number; grid: number; id: string }>();
    expect([res.vocabSize, res.dim, res.grid]).toEqual([131_072, 256, 32]);
    const sub = loadSubstrate(out);
    expect([sub.id, sub.vocabSize, sub.matrix.length]).toEqual([res.id, 131_072, 131_072 * 256]);
  });
});
