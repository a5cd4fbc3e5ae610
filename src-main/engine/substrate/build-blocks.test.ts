// The glyph substrate is built from bitmaps rendered a block at a time (memory: one block, not the vocabulary's
// bitmaps): the PCA never sees more than a block, and any block size gives the one-shot result bit for bit. Grid 16 keeps the
// eigen-decomposition small; the block logic is the same at 32.
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusText, unifontPath } from '../../../test/helpers/fixtures';
import { buildTokenizer, type Tokenizer } from '../tokenizer/index';
import { buildSubstrate, loadUnifont, type UnifontFont } from './index';
import { pca, pcaFromSource } from './pca';
import { renderPiece } from './render';
import { findCollisions } from './report';

let tok: Tokenizer;
let font: UnifontFont;
beforeAll(() => {
  tok = buildTokenizer([corpusText('ru.txt'), corpusText('zh-lines.txt')], { ngrams: 400 });
  font = loadUnifont(unifontPath());
});

const bytes = (m: Float32Array) => Buffer.from(m.buffer, m.byteOffset, m.byteLength);

describe('glyph substrate in blocks', () => {
  it('PCA from a block source equals PCA of the whole matrix, and never asks for more than a block', () => {
    const pixels = 16 * 16;
    const all = new Uint8Array(tok.size * pixels);
    tok.pieces.forEach((p, i) => all.set(renderPiece(font, p, { grid: 16 }).bits, i * pixels));
    const oneShot = pca(all, tok.size, pixels, { dim: 64 });
    let largest = 0;
    let calls = 0;
    const blocked = pcaFromSource(
      (start, end) => {
        largest = Math.max(largest, end - start);
        calls++;
        return all.slice(start * pixels, end * pixels);
      },
      tok.size,
      pixels,
      { dim: 64, blockRows: 37 },
    );
    expect(largest).toBe(37);
    expect(calls).toBe(2 * Math.ceil(tok.size / 37)); // one pass to count, one to project
    expect(bytes(blocked.embeddings).equals(bytes(oneShot.embeddings))).toBe(true);
    expect(Array.from(blocked.variances)).toEqual(Array.from(oneShot.variances));
    expect(blocked.rank).toBe(oneShot.rank);
  });

  it('buildSubstrate gives the same bytes, id and collision report for any block size', () => {
    const whole = buildSubstrate(tok, { kind: 'glyph', font, grid: 16, dim: 64, blockRows: tok.size });
    const blocked = buildSubstrate(tok, { kind: 'glyph', font, grid: 16, dim: 64, blockRows: 100 });
    expect(blocked.id).toBe(whole.id);
    expect(bytes(blocked.matrix).equals(bytes(whole.matrix))).toBe(true);
    expect(blocked.report.collisions).toEqual(whole.report.collisions);
    // The hashed collision index groups exactly the identical bitmaps.
    const pixels = 16 * 16;
    const all = new Uint8Array(tok.size * pixels);
    tok.pieces.forEach((p, i) => all.set(renderPiece(font, p, { grid: 16 }).bits, i * pixels));
    const direct = new Map<string, number[]>();
    for (let r = 0; r < tok.size; r++) {
      const key = Buffer.from(all.subarray(r * pixels, (r + 1) * pixels)).toString('latin1');
      direct.set(key, [...(direct.get(key) ?? []), r]);
    }
    const groups = [...direct.values()].filter((g) => g.length > 1);
    expect(findCollisions(all, tok.size, pixels, Infinity).groups).toBe(groups.length);
    expect(whole.report.collisions.tokens).toBe(groups.reduce((n, g) => n + g.length, 0));
  });
});
