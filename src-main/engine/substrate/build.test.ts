// Building substrates from a real vocabulary (the Russian test corpus, which carries English passages): PCA properties, determinism, every kind,
// import validation and the file round trip.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusText, unifontPath } from '../../../test/helpers/fixtures';
import { encodeSafetensors } from '../util/safetensors';
import { buildTokenizer, type Tokenizer } from '../tokenizer/index';
import { UserError } from '../../common/errors';
import { Rng } from '../util/rng';
import {
  buildSubstrate,
  encodeNpy,
  loadSubstrate,
  loadUnifont,
  nearestTokens,
  saveSubstrate,
  type UnifontFont,
} from './index';
import { pca } from './pca';
import { renderPiece } from './render';
import { findCollisions } from './report';

let tok: Tokenizer;
let font: UnifontFont;
let dir: string;
beforeAll(() => {
  tok = buildTokenizer([corpusText('ru.txt')], { ngrams: 300 });
  font = loadUnifont(unifontPath());
  dir = mkdtempSync(join(tmpdir(), 'espalier-substrate-'));
});

function renderAll(): Uint8Array {
  const out = new Uint8Array(tok.size * 256);
  tok.pieces.forEach((p, i) => out.set(renderPiece(font, p).bits, i * 256));
  return out;
}

const idOf = (text: string) => tok.pieces.findIndex((p) => p.kind === 'text' && p.text === text);

function rowNorms(m: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < m.length / dim; r++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += m[r * dim + c]! * m[r * dim + c]!;
    out.push(Math.sqrt(s));
  }
  return out;
}

describe('PCA', () => {
  it('finds the one direction of a tiny data set, with the stated sign', () => {
    const data = Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    const r = pca(data, 4, 4, { dim: 1 });
    expect(r.components[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(r.components[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect([...r.embeddings]).toEqual([1, -1, 1, -1]);
    expect(r.explained).toBeCloseTo(1, 15);
  });

  it('zeroes the columns beyond the rank of the bitmaps instead of keeping round-off', () => {
    // 8 pixels in identical pairs (like the doubled rows of grid 32): at most 4 directions carry variance.
    const rng = new Rng(5);
    const rows = 50;
    const data = new Uint8Array(rows * 8);
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < 4; i++) data[r * 8 + 2 * i] = data[r * 8 + 2 * i + 1] = rng.next() < 0.4 ? 1 : 0;
    const res = pca(data, rows, 8, { dim: 8 });
    expect(res.rank).toBe(4);
    for (let r = 0; r < rows; r++) expect([...res.embeddings.subarray(r * 8 + 4, r * 8 + 8)]).toEqual([0, 0, 0, 0]);
    for (const n of rowNorms(res.embeddings, 8)) expect(n).toBeCloseTo(1, 6);
  });

  it('gives orthonormal, sign-fixed components and unit rows on real bitmaps', () => {
    const pixels = 256;
    const bitmaps = renderAll();
    const dim = 48;
    const r = pca(bitmaps, tok.size, pixels, { dim });
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let i = 0; i < pixels; i++) s += r.components[a * pixels + i]! * r.components[b * pixels + i]!;
        expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
      // Sign rule: the entry of largest magnitude is positive.
      const comp = r.components.subarray(a * pixels, (a + 1) * pixels);
      const big = comp.reduce((best, v, i) => (Math.abs(v) > Math.abs(comp[best]!) ? i : best), 0);
      expect(comp[big]!).toBeGreaterThan(0);
    }
    for (const n of rowNorms(r.embeddings, dim)) expect(n).toBeCloseTo(1, 6);
    for (let k = 1; k < dim; k++) expect(r.variances[k]!).toBeLessThanOrEqual(r.variances[k - 1]!);
    expect(() => pca(bitmaps, tok.size, pixels, { dim: 257 })).toThrow(/exceeds the 256 pixels/);
  });
});

describe('glyph substrate', () => {
  it('is deterministic: two builds give the same id and bytes', () => {
    const a = buildSubstrate(tok, { kind: 'glyph', font, dim: 64, grid: 16 });
    const b = buildSubstrate(tok, { kind: 'glyph', font: unifontPath(), dim: 64, grid: 16 });
    expect(a.id).toMatch(/^[0-9a-f]{64}$/);
    expect(b.id).toBe(a.id);
    expect(Buffer.from(b.matrix.buffer).equals(Buffer.from(a.matrix.buffer))).toBe(true);
    expect(a.meta).toMatchObject({
      kind: 'glyph',
      dim: 64,
      grid: 16,
      squeeze: 'subsample',
      fontSha256: font.sha256,
      tokenizerId: tok.id,
      vocabSize: tok.size,
    });
    for (const n of rowNorms(a.matrix, 64)) expect(n).toBeCloseTo(1, 6);
  });

  it('changes id with the squeeze mode and reports collisions and neighbours', () => {
    const sub = buildSubstrate(tok, { kind: 'glyph', font, dim: 64, grid: 16 });
    const or = buildSubstrate(tok, { kind: 'glyph', font, dim: 64, grid: 16, squeeze: 'or' });
    expect(or.id).not.toBe(sub.id);
    // Latin A and Cyrillic А are the same Unifont glyph: one collision group the report must show.
    const latin = idOf('A');
    const cyrillic = idOf('А');
    expect(latin).toBeGreaterThan(0);
    expect(cyrillic).toBeGreaterThan(0);
    const all = findCollisions(renderAll(), tok.size, 256, Infinity);
    expect(all.examples.some((g) => g.includes(latin) && g.includes(cyrillic))).toBe(true);
    expect(sub.report.collisions).toMatchObject({ tokens: all.tokens, groups: all.groups });
    expect(all.tokens).toBe(all.examples.reduce((n, g) => n + g.length, 0));
    expect(nearestTokens(sub.matrix, 64, latin, 1)[0]).toEqual({
      id: cyrillic,
      cosine: expect.closeTo(1, 6) as unknown as number,
    });
    expect(sub.report.neighbours.length).toBeGreaterThan(0);
  });

  it('refuses more components than pixels, naming the limit', () => {
    expect(() => buildSubstrate(tok, { kind: 'glyph', font, dim: 300, grid: 16 })).toThrow(UserError);
    expect(() => buildSubstrate(tok, { kind: 'glyph', font, dim: 300, grid: 16 })).toThrow(
      /--dim 300 exceeds the 256 pixels of a 16×16 bitmap \(use --grid 32/,
    );
  });

  it("defaults to the paper's 32-pixel grid, where two-character tokens collide less than at 16", () => {
    const d = buildSubstrate(tok, { kind: 'glyph', font, dim: 64 });
    const small = buildSubstrate(tok, { kind: 'glyph', font, dim: 64, grid: 16 });
    expect(d.meta.grid).toBe(32);
    expect(d.report.collisions.tokens).toBeLessThanOrEqual(small.report.collisions.tokens);
    // Every colliding group is named (up to the report's cap), with its tokens' text.
    expect(d.report.collisions.exampleTokens.length).toBe(Math.min(d.report.collisions.groups, 50));
  });
});

describe('font-free kinds', () => {
  it('binary-id rows are the tiled ±1 code of the id, normalised', () => {
    const dim = 40;
    const sub = buildSubstrate(tok, { kind: 'binary-id', dim });
    const t = 0b1011001;
    for (let k = 0; k < dim; k++)
      expect(sub.matrix[t * dim + k]).toBeCloseTo(((t >> (k % 16)) & 1 ? 1 : -1) / Math.sqrt(dim), 7);
    expect(sub.report.collisions.tokens).toBe(0);
    expect(() => buildSubstrate(tok, { kind: 'binary-id', dim, bits: 8 })).toThrow(
      /code of 8 bits distinguishes 256 tokens but the vocabulary has \d+/,
    );
    const zeroOne = buildSubstrate(tok, { kind: 'binary-id', dim: 16, binaryValues: '01' });
    expect([...zeroOne.matrix.subarray(0, 16)].every((v) => v === 0)).toBe(true); // token 0 has no set bit
  });

  it('random rows are seeded Gaussians of unit norm', () => {
    const a = buildSubstrate(tok, { kind: 'random', dim: 32, seed: 7 });
    const b = buildSubstrate(tok, { kind: 'random', dim: 32, seed: 7 });
    const c = buildSubstrate(tok, { kind: 'random', dim: 32, seed: 8 });
    expect(b.id).toBe(a.id);
    expect(c.id).not.toBe(a.id);
    for (const n of rowNorms(a.matrix, 32)) expect(n).toBeCloseTo(1, 6);
    expect(a.meta.seed).toBe(7);
  });
});

describe('imported substrate', () => {
  it('imports .npy and .safetensors tables that match the vocabulary', () => {
    const src = buildSubstrate(tok, { kind: 'random', dim: 24, seed: 1 });
    const npy = join(dir, 'table.npy');
    writeFileSync(npy, encodeNpy(src.matrix, [tok.size, 24]));
    const fromNpy = buildSubstrate(tok, { kind: 'imported', matrix: npy });
    expect(fromNpy.dim).toBe(24);
    expect(fromNpy.id).toBe(src.id); // same vocabulary + same rows = same substrate
    const st = join(dir, 'table.safetensors');
    writeFileSync(
      st,
      encodeSafetensors({
        'model.embed_tokens.weight': { shape: [tok.size, 24], data: Float64Array.from(src.matrix) },
        other: { shape: [2], data: new Float32Array(2) },
      }),
    );
    const fromSt = buildSubstrate(tok, { kind: 'imported', matrix: st });
    expect(fromSt.id).toBe(src.id);
    expect(fromSt.meta.sourceTensor).toBe('model.embed_tokens.weight');
  });

  it('says exactly which dimension of an .npy does not match', () => {
    const bad = join(dir, 'short.npy');
    writeFileSync(bad, encodeNpy(new Float32Array(10 * 8), [10, 8]));
    expect(() => buildSubstrate(tok, { kind: 'imported', matrix: bad })).toThrow(
      `${bad}: matrix has 10 rows but the vocabulary has ${tok.size} tokens (shape [10, 8], expected [${tok.size}, 8])`,
    );
    const wide = join(dir, 'wide.npy');
    writeFileSync(wide, encodeNpy(new Float32Array(tok.size * 8), [tok.size, 8]));
    expect(() => buildSubstrate(tok, { kind: 'imported', matrix: wide, dim: 16 })).toThrow(
      /has 8 columns but --dim is 16/,
    );
    const flat = join(dir, 'flat.npy');
    writeFileSync(flat, encodeNpy(new Float32Array(tok.size), [tok.size]));
    expect(() => buildSubstrate(tok, { kind: 'imported', matrix: flat })).toThrow(/must be 2-D/);
    const ints = join(dir, 'ints.npy');
    writeFileSync(
      ints,
      Buffer.from(encodeNpy(new Float32Array(4), [2, 2]))
        .toString('latin1')
        .replace("'<f4'", "'<i4'"),
      'latin1',
    );
    expect(() => buildSubstrate(tok, { kind: 'imported', matrix: ints })).toThrow(/dtype <i4 is not supported/);
  });
});

describe('substrate file', () => {
  it('round-trips matrix, id and metadata, and catches a damaged file', () => {
    const sub = buildSubstrate(tok, { kind: 'glyph', font, dim: 32 });
    const path = join(dir, 'sub.safetensors');
    saveSubstrate(path, sub);
    const back = loadSubstrate(path);
    expect(back.id).toBe(sub.id);
    expect(back.vocabSize).toBe(tok.size);
    expect(back.dim).toBe(32);
    expect(back.matrix).toEqual(sub.matrix);
    expect(back.meta).toEqual(sub.meta);
    expect(typeof back.meta.grid).toBe('number');
    // Saving is reproducible byte for byte (no timestamps, no absolute paths).
    const again = join(dir, 'again.safetensors');
    saveSubstrate(again, buildSubstrate(tok, { kind: 'glyph', font: unifontPath(), dim: 32 }));
    expect(readFileSync(again).equals(readFileSync(path))).toBe(true);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] ^= 0x01;
    writeFileSync(path, bytes);
    expect(() => loadSubstrate(path)).toThrow(/damaged substrate/);
    expect(() => loadSubstrate(join(dir, 'nope.safetensors'))).toThrow(/nope\.safetensors: substrate file not found/);
  });
});
