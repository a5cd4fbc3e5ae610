// Renders one vocabulary entry into a square bitmap: the input to the glyph substrate's PCA.
// A token of n characters is first laid out as a 16×16n strip (one cell per character), then squeezed into one cell.
import type { TokenPiece } from '../tokenizer/types';
import { CELL, byteCell, missingGlyphCell, specialCell } from './fallback';
import type { UnifontFont } from './unifont';

export type Squeeze = 'subsample' | 'or';
export type Grid = 16 | 32;

export interface RenderOptions {
  /** Side of the output bitmap: 16 (Unifont's pixels) or 32 (each Unifont pixel doubled, the paper's size). */
  grid?: Grid;
  /**
   * How n cells become one: 'subsample' keeps the middle column of every n (nearest-neighbour, the paper's
   * method); 'or' sets a column when any of its n source columns is set (no stroke is lost, strokes merge).
   */
  squeeze?: Squeeze;
}

/** A square 0/1 bitmap, row-major: bits[row * size + column]. */
export interface Bitmap {
  size: number;
  bits: Uint8Array;
}

/** The 16×16 cell of one code point: 8-pixel-wide glyphs centred (columns 4–11), else the fallback box. */
export function charCell(font: UnifontFont, codePoint: number): Uint8Array {
  const glyph = font.glyphs.get(codePoint);
  if (!glyph) return missingGlyphCell(codePoint);
  const cell = new Uint8Array(CELL * CELL);
  const offset = (CELL - glyph.width) / 2;
  for (let r = 0; r < CELL; r++) {
    const row = glyph.rows[r]!;
    for (let c = 0; c < glyph.width; c++) {
      if ((row >> (glyph.width - 1 - c)) & 1) cell[r * CELL + offset + c] = 1;
    }
  }
  return cell;
}

/** The cells a piece is drawn from, left to right. */
function pieceCells(font: UnifontFont, piece: TokenPiece): Uint8Array[] {
  if (piece.kind === 'special') return [specialCell(piece.text)];
  if (piece.kind === 'byte') return [byteCell(piece.byte)];
  // for…of walks code points, so an astral character is one cell and a lone surrogate gets its own box.
  const cells: Uint8Array[] = [];
  for (const ch of piece.text) cells.push(charCell(font, ch.codePointAt(0)!));
  return cells;
}

/**
 * Renders a piece into a grid×grid bitmap. At grid 32 the strip is doubled in both directions before the
 * squeeze, so a two-character token keeps every one of its original columns instead of every other one.
 */
export function renderPiece(font: UnifontFont, piece: TokenPiece, opts: RenderOptions = {}): Bitmap {
  const grid = opts.grid ?? 16;
  const squeeze = opts.squeeze ?? 'subsample';
  if (grid !== 16 && grid !== 32) throw new Error(`grid must be 16 or 32, got ${String(grid)}`);
  const cells = pieceCells(font, piece);
  const n = cells.length;
  const scale = grid / CELL;
  const bits = new Uint8Array(grid * grid);
  if (n === 0) return { size: grid, bits };
  // Strip pixel (row, col) at output scale: the source cell pixel it was doubled from.
  const strip = (row: number, col: number): number => {
    const r = Math.floor(row / scale);
    const c = Math.floor(col / scale);
    return cells[Math.floor(c / CELL)]![r * CELL + (c % CELL)]!;
  };
  // The strip is grid·n columns wide, so each output column stands for exactly n strip columns.
  for (let row = 0; row < grid; row++) {
    for (let j = 0; j < grid; j++) {
      let v = 0;
      if (squeeze === 'subsample') v = strip(row, j * n + (n >> 1));
      else for (let k = 0; k < n && v === 0; k++) v = strip(row, j * n + k);
      bits[row * grid + j] = v;
    }
  }
  return { size: grid, bits };
}

/** Text rendering for terminals and tests: █ for ink, · for background, one line per row. */
export function bitmapToText(bitmap: Bitmap, on = '█', off = '·'): string[] {
  const lines: string[] = [];
  for (let r = 0; r < bitmap.size; r++) {
    let line = '';
    for (let c = 0; c < bitmap.size; c++) line += bitmap.bits[r * bitmap.size + c] ? on : off;
    lines.push(line);
  }
  return lines;
}
