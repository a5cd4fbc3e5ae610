// `espalier substrate build|show` end to end on real data: ids, the printed bitmap, and one-line errors for bad inputs.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import showCommand from '../src-main/cli/commands/substrate-show';
import { encodeNpy, loadSubstrate } from '../src-main/engine/substrate/index';
import { buildTokenizer, saveTokenizer } from '../src-main/engine/tokenizer/index';
import { runCli } from './helpers/cli';
import { corpusText, notAFontPath, unifontPath, type CorpusName } from './helpers/fixtures';

let dir: string;
let vocab: string;
let vocabSize: number;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-substrate-cli-'));
  vocab = join(dir, 'vocab.json');
  const corpora = ['ru.txt', 'zh.txt'].map((f) => corpusText(f as CorpusName));
  const tok = buildTokenizer(corpora, { ngrams: 500 });
  saveTokenizer(tok, vocab);
  vocabSize = tok.size;
});

function expectOneLineError(r: ReturnType<typeof runCli>, ...patterns: (string | RegExp)[]) {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^espalier: error: /);
  for (const p of patterns) expect(lines[0]).toMatch(p);
}

describe('espalier substrate build', () => {
  it('builds a 256-d glyph substrate, twice with the same id', () => {
    const out = join(dir, 'glyph.safetensors');
    const args = [
      'substrate',
      'build',
      '--kind',
      'glyph',
      '--vocab',
      vocab,
      '--font',
      unifontPath(),
      '--dim',
      '256',
      '--out',
      out,
      '--json',
    ];
    const first = runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    const r = first.json<{
      id: string;
      kind: string;
      vocabSize: number;
      dim: number;
      collisions: number;
      seconds: number;
    }>();
    expect(r).toMatchObject({ kind: 'glyph', vocabSize, dim: 256, grid: 32 });
    expect(r.id).toMatch(/^[0-9a-f]{64}$/);
    expect(r.collisions).toBeGreaterThan(0); // e.g. Latin "A" and Cyrillic "А" share a glyph
    expect(r.seconds).toBeGreaterThan(0);
    expect(loadSubstrate(out).id).toBe(r.id);
    const second = runCli(args);
    expect(second.json<{ id: string }>().id).toBe(r.id);
  });
});

describe('espalier substrate show', () => {
  it('prints the bitmap of Ж and its 5 nearest tokens', () => {
    const sub = join(dir, 'glyph.safetensors');
    const r = runCli([
      'substrate',
      'show',
      '--substrate',
      sub,
      '--vocab',
      vocab,
      '--token',
      'Ж',
      '--font',
      unifontPath(),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const res = r.json<{ token: string; bitmap: string[]; nearest: { token: string; cosine: number }[] }>();
    expect(res.token).toBe('Ж');
    // U+0416 in unifont-15.0.01.hex: 0000000049492A2A1C1C2A2A49490000, centred in a 16-pixel cell; the substrate's
    // default 32-pixel grid doubles every pixel in both directions.
    const hex = '0000000049492A2A1C1C2A2A49490000';
    const expected = Array.from({ length: 16 }, (_, i) =>
      `····${parseInt(hex.slice(2 * i, 2 * i + 2), 16)
        .toString(2)
        .padStart(8, '0')
        .replace(/0/g, '·')
        .replace(/1/g, '█')}····`.replace(/(.)/gu, '$1$1'),
    ).flatMap((row) => [row, row]);
    expect(res.bitmap).toEqual(expected);
    expect(res.nearest).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(res.nearest[i]!.cosine).toBeLessThanOrEqual(res.nearest[i - 1]!.cosine);

    // Without --json the same result is printed as text (rendered in-process: one child process per check is enough).
    const human = showCommand.human!(res);
    expect(human).toContain(expected.join('\n'));
    expect(human).toMatch(/nearest 5 by cosine:\n {2}\d\.\d{4} {2}"/);
  });
});

/** `substrate build --kind glyph` of the test vocabulary with `font`, into x.safetensors. */
const buildGlyph = (font: string) =>
  runCli([
    'substrate',
    'build',
    '--kind',
    'glyph',
    '--vocab',
    vocab,
    '--font',
    font,
    '--out',
    join(dir, 'x.safetensors'),
  ]);

describe('bad inputs: non-zero exit and one line naming the file and the problem', () => {
  it('a missing font', () => {
    const font = join(dir, 'no-such-font.hex');
    const r = buildGlyph(font);
    expectOneLineError(r, font, /font file not found/, /apt install unifont/, /--font PATH/);
    expect(existsSync(join(dir, 'x.safetensors'))).toBe(false);
  });

  it('a font file that is not .hex', () => {
    const font = notAFontPath();
    const r = buildGlyph(font);
    expectOneLineError(r, `${font}:1: not a GNU Unifont .hex file`);
  });

  it('a vocabulary that is not JSON', () => {
    const bad = join(dir, 'vocab.txt');
    writeFileSync(bad, 'this is not JSON\n');
    const r = runCli(['substrate', 'build', '--kind', 'random', '--vocab', bad, '--out', join(dir, 'x.safetensors')]);
    expectOneLineError(r, bad);
  });

  it('an .npy whose shape does not match the vocabulary', () => {
    const npy = join(dir, 'table.npy');
    writeFileSync(npy, encodeNpy(new Float32Array(100 * 16), [100, 16]));
    const r = runCli([
      'substrate',
      'build',
      '--kind',
      'imported',
      '--matrix',
      npy,
      '--vocab',
      vocab,
      '--out',
      join(dir, 'x.safetensors'),
      '--json',
    ]);
    expectOneLineError(
      r,
      `${npy}: matrix has 100 rows but the vocabulary has ${vocabSize} tokens (shape [100, 16], expected [${vocabSize}, 16])`,
    );
    expect(r.json<{ error: string }>().error).toContain(npy);
  });
});
