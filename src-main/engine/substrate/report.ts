// Quality report for a substrate: which tokens share one bitmap (so the frozen table cannot tell them apart),
// and nearest neighbours by cosine (does visual similarity look sensible?).
import { createHash } from 'node:crypto';
import type { TokenPiece } from '../tokenizer/types';

export interface Collisions {
  /** Tokens whose bitmap (or row) is identical to at least one other token's. */
  tokens: number;
  /** Number of distinct shared bitmaps. */
  groups: number;
  /** Up to `maxExamples` groups of token ids, largest groups first, then by first id. */
  examples: number[][];
}

export interface Neighbour {
  id: number;
  cosine: number;
}

/**
 * Groups identical rows fed block by block. Rows are keyed by their SHA-256, so memory is ~100 bytes a row
 * whatever the row width (a 32×32 bitmap is 1 KiB; keying by the bytes themselves held the whole vocabulary twice).
 */
export class CollisionIndex {
  private readonly groups = new Map<string, number[]>();
  constructor(private readonly width: number) {}

  /** Rows `first`, `first + 1`, … packed in `bytes`. */
  add(bytes: Uint8Array, first: number): void {
    const rows = bytes.length / this.width;
    for (let r = 0; r < rows; r++) {
      const row = bytes.subarray(r * this.width, (r + 1) * this.width);
      const key = createHash('sha256').update(row).digest('base64');
      const g = this.groups.get(key);
      if (g) g.push(first + r);
      else this.groups.set(key, [first + r]);
    }
  }

  result(maxExamples = 5): Collisions {
    const shared = [...this.groups.values()].filter((g) => g.length > 1);
    shared.sort((a, b) => b.length - a.length || a[0]! - b[0]!);
    return {
      tokens: shared.reduce((n, g) => n + g.length, 0),
      groups: shared.length,
      examples: shared.slice(0, maxExamples),
    };
  }
}

/** Groups identical rows of `bytes` (`width` bytes each); deterministic order. */
export function findCollisions(bytes: Uint8Array, rows: number, width: number, maxExamples = 5): Collisions {
  const index = new CollisionIndex(width);
  index.add(bytes.subarray(0, rows * width), 0);
  return index.result(maxExamples);
}

/** Identical rows of a float matrix: used for the font-free kinds, where there is no bitmap. */
export function findRowCollisions(matrix: Float32Array, rows: number, dim: number, maxExamples = 5): Collisions {
  return findCollisions(new Uint8Array(matrix.buffer, matrix.byteOffset, rows * dim * 4), rows, dim * 4, maxExamples);
}

/**
 * The k rows most similar to row `id` by cosine, excluding `id` itself; ties go to the lower id.
 * Rows need not be normalised (imported tables may not be); an all-zero row has cosine 0 with everything.
 */
export function nearestTokens(matrix: Float32Array, dim: number, id: number, k = 5): Neighbour[] {
  const rows = matrix.length / dim;
  if (!Number.isInteger(id) || id < 0 || id >= rows)
    throw new Error(`token id ${id} is outside the substrate's ${rows} rows`);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let c = 0; c < dim; c++) ss += matrix[r * dim + c]! * matrix[r * dim + c]!;
    norms[r] = Math.sqrt(ss);
  }
  const q = id * dim;
  const scored: Neighbour[] = [];
  for (let r = 0; r < rows; r++) {
    if (r === id) continue;
    let dot = 0;
    for (let c = 0; c < dim; c++) dot += matrix[q + c]! * matrix[r * dim + c]!;
    const denom = norms[id]! * norms[r]!;
    scored.push({ id: r, cosine: denom > 0 ? dot / denom : 0 });
  }
  scored.sort((a, b) => b.cosine - a.cosine || a.id - b.id);
  return scored.slice(0, k);
}

/** How a token is shown in reports: its text, or <0xNN> for bytes, or the special's name. */
export function pieceLabel(piece: TokenPiece): string {
  if (piece.kind === 'byte') return `<0x${piece.byte.toString(16).toUpperCase().padStart(2, '0')}>`;
  return piece.text;
}

/** A few deterministic probe tokens for neighbour examples: common letters of several scripts, then the first n-grams. */
export function probeTokens(pieces: readonly TokenPiece[], count = 6): number[] {
  const ids: number[] = [];
  for (const w of ['A', 'e', 'Ж', 'я', '中', '的', '0']) {
    if (ids.length >= count - 2) break;
    const i = pieces.findIndex((p) => p.kind === 'text' && p.text === w);
    if (i >= 0) ids.push(i);
  }
  const multi = (p: TokenPiece) => p.kind === 'text' && [...p.text].length > 1;
  const single = (p: TokenPiece) => p.kind === 'text' && !multi(p);
  for (const accept of [multi, single]) {
    for (let i = 0; i < pieces.length && ids.length < count; i++)
      if (accept(pieces[i]!) && !ids.includes(i)) ids.push(i);
  }
  return ids;
}
