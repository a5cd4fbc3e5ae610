// Rendering rules: how a 2-character token is squeezed into one cell, and the fallback boxes for what has no glyph.
import { beforeAll, describe, expect, it } from 'vitest';
import { unifontPath } from '../../../test/helpers/fixtures';
import { byteCell, missingGlyphCell, specialCell } from './fallback';
import { bitmapToText, charCell, renderPiece } from './render';
import { loadUnifont, type UnifontFont } from './unifont';

describe('squeezing a two-character token into one cell', () => {
  let font: UnifontFont;
  beforeAll(() => {
    font = loadUnifont(unifontPath());
  });
  // Strip of "Ж中": cell 0 (Ж, 8 wide, centred) then cell 1 (中, 16 wide): 32 columns → 16.
  const strip = (f: UnifontFont) => [charCell(f, 0x416), charCell(f, 0x4e2d)];
  const stripPixel = (cells: Uint8Array[], r: number, c: number) => cells[c >> 4]![r * 16 + (c & 15)]!;

  it('subsample keeps the right-hand column of every pair (nearest neighbour)', () => {
    const cells = strip(font);
    const bm = renderPiece(font, { kind: 'text', text: 'Ж中' }, { squeeze: 'subsample' });
    for (let r = 0; r < 16; r++)
      for (let j = 0; j < 16; j++) expect(bm.bits[r * 16 + j]).toBe(stripPixel(cells, r, 2 * j + 1));
    expect(renderPiece(font, { kind: 'text', text: 'Ж中' }).bits).toEqual(bm.bits); // the default
  });

  it('or sets a column when either column of its pair is set', () => {
    const cells = strip(font);
    const bm = renderPiece(font, { kind: 'text', text: 'Ж中' }, { squeeze: 'or' });
    for (let r = 0; r < 16; r++) {
      for (let j = 0; j < 16; j++)
        expect(bm.bits[r * 16 + j]).toBe(stripPixel(cells, r, 2 * j) | stripPixel(cells, r, 2 * j + 1));
    }
    const sub = renderPiece(font, { kind: 'text', text: 'Ж中' }, { squeeze: 'subsample' });
    const ink = (b: Uint8Array) => b.reduce((s, x) => s + x, 0);
    expect(ink(bm.bits)).toBeGreaterThan(ink(sub.bits));
    // OR-pooling is a superset of subsampling, pixel by pixel.
    for (let i = 0; i < 256; i++) expect(bm.bits[i]! >= sub.bits[i]!).toBe(true);
  });

  it('at grid 32 keeps every original column of a 2-character token', () => {
    const cells = strip(font);
    const bm = renderPiece(font, { kind: 'text', text: 'Ж中' }, { grid: 32 });
    for (let r = 0; r < 32; r++)
      for (let j = 0; j < 32; j++) expect(bm.bits[r * 32 + j]).toBe(stripPixel(cells, r >> 1, j));
  });

  it('gives a single character the same cell in both modes', () => {
    const a = renderPiece(font, { kind: 'text', text: 'Ж' }, { squeeze: 'or' });
    const b = renderPiece(font, { kind: 'text', text: 'Ж' }, { squeeze: 'subsample' });
    expect(a.bits).toEqual(b.bits);
  });
});

describe('fallback boxes', () => {
  let font: UnifontFont;
  beforeAll(() => {
    font = loadUnifont(unifontPath());
  });

  it('draws a missing code point as a framed box of its hex digits', () => {
    expect(font.glyphs.has(0x1f600)).toBe(false); // Unifont's base file covers plane 0 only
    const box = renderPiece(font, { kind: 'text', text: '😀' });
    expect(box.bits).toEqual(missingGlyphCell(0x1f600));
    // Reads "01F" over "600": the code point U+1F600 in the 3×5 digit font, inside a 1-pixel frame.
    expect(bitmapToText(box, '#', '.')).toEqual([
      '################',
      '#..............#',
      '#.###..#..###..#',
      '#.#.#.##..#....#',
      '#.#.#..#..##...#',
      '#.#.#..#..#....#',
      '#.###.###.#....#',
      '#..............#',
      '#..............#',
      '#.###.###.###..#',
      '#.#...#.#.#.#..#',
      '#.###.#.#.#.#..#',
      '#.#.#.#.#.#.#..#',
      '#.###.###.###..#',
      '#..............#',
      '################',
    ]);
    // A lone surrogate (no glyph either) gets its own box, distinct from its neighbours'.
    expect(renderPiece(font, { kind: 'text', text: '\ud800' }).bits).toEqual(missingGlyphCell(0xd800));
    expect(missingGlyphCell(0xd800)).not.toEqual(missingGlyphCell(0xd801));
  });

  it('gives byte and special tokens distinct deterministic boxes', () => {
    const seen = new Set<string>();
    for (let b = 0; b < 256; b++) {
      const bits = renderPiece(font, { kind: 'byte', byte: b }).bits;
      expect(bits).toEqual(byteCell(b));
      seen.add(bits.join(''));
    }
    for (const name of ['<pad>', '<bos>', '<eos>', '<unk>'] as const) {
      seen.add(renderPiece(font, { kind: 'special', text: name }).bits.join(''));
    }
    expect(seen.size).toBe(260);
    // <eos> reads "EOS" inside a 2-pixel frame.
    expect(bitmapToText({ size: 16, bits: specialCell('<eos>') }, '#', '.').slice(5, 10)).toEqual([
      '#####..#...##.##',
      '###...#.#.#...##',
      '####..#.#..#..##',
      '###...#.#...#.##',
      '#####..#..##..##',
    ]);
    // A byte box never equals the box of the code point with the same value.
    expect(byteCell(0x80)).not.toEqual(missingGlyphCell(0x80));
  });
});
