// Builds a frozen substrate for a vocabulary: glyph (Unifont bitmaps → PCA), binary-id, random or imported,
// plus the quality report. Pure and deterministic: the same vocabulary and options give the same bytes and id.
import { basename } from 'node:path';
import { readFileCapped, READ_LIMITS } from '../util/read-capped';
import type { TokenizerLike } from '../tokenizer/types';
import { UserError } from '../../common/errors';
import { sha256Hex } from '../util/hash';
import { type BinaryValues, binaryIdMatrix, randomMatrix } from './codes';
import { type FontSearch, resolveFontPath } from './discover';
import {
  SUBSTRATE_BUILDER_VERSION,
  type Substrate,
  type SubstrateKind,
  type SubstrateMeta,
  SUBSTRATE_KINDS,
  substrateId,
} from './format';
import { loadImportedMatrix } from './imported';
import { PCA_BLOCK_ROWS, pcaFromSource } from './pca';
import { type Grid, type Squeeze, renderPiece } from './render';
import { CollisionIndex, type Collisions, findRowCollisions, nearestTokens, pieceLabel, probeTokens } from './report';
import { type UnifontFont, loadUnifont } from './unifont';

export const DEFAULT_DIM = 256;

export interface BuildOptions {
  kind: SubstrateKind;
  /** Columns; default 256, or the imported matrix's width. */
  dim?: number;
  /** glyph: a font file path or an already loaded font; absent → system search. */
  font?: string | UnifontFont;
  fontSearch?: FontSearch;
  grid?: Grid;
  squeeze?: Squeeze;
  /** binary-id */
  bits?: number;
  binaryValues?: BinaryValues;
  /** random */
  seed?: number;
  /** imported: a .npy or .safetensors file, and for .safetensors optionally the tensor name. */
  matrix?: string;
  tensor?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
  /** glyph: bitmaps rendered per block (default PCA_BLOCK_ROWS); any value gives the same bytes. */
  blockRows?: number;
}

export interface QualityReport {
  /** Identical bitmaps for glyph substrates, identical rows otherwise. */
  collisions: Collisions & { exampleTokens: string[][] };
  neighbours: { id: number; token: string; nearest: { id: number; token: string; cosine: number }[] }[];
}

export interface BuiltSubstrate extends Substrate {
  report: QualityReport;
}

type Vocab = Pick<TokenizerLike, 'id' | 'pieces'>;

function checkDim(dim: number, max?: number, limit = ''): void {
  if (!Number.isInteger(dim) || dim < 1) throw new UserError(`--dim must be a positive integer, got ${dim}`);
  if (max !== undefined && dim > max) throw new UserError(`--dim ${dim} exceeds ${limit}`);
}

/** The paper's 32-pixel cell: at 16 px a two-character token keeps every other column, and bigrams collide. */
export const DEFAULT_GRID: Grid = 32;

/** Colliding groups named in a build's report (the count covers all of them). */
export const REPORTED_COLLISION_GROUPS = 50;

function glyph(vocab: Vocab, opts: BuildOptions, meta: Partial<SubstrateMeta>) {
  const grid = opts.grid ?? DEFAULT_GRID;
  const squeeze = opts.squeeze ?? 'subsample';
  if (grid !== 16 && grid !== 32) throw new UserError(`--grid must be 16 or 32, got ${String(grid)}`);
  if (squeeze !== 'subsample' && squeeze !== 'or')
    throw new UserError(`--squeeze must be subsample or or, got ${String(squeeze)}`);
  const pixels = grid * grid;
  const dim = opts.dim ?? DEFAULT_DIM;
  checkDim(
    dim,
    pixels,
    `the ${pixels} pixels of a ${grid}×${grid} bitmap${grid === 16 ? ' (use --grid 32 for up to 1024)' : ''}`,
  );
  const font = typeof opts.font === 'object' ? opts.font : loadUnifont(resolveFontPath(opts.font, opts.fontSearch));
  const n = vocab.pieces.length;
  // Bitmaps are rendered a block at a time, twice (PCA counts, then projects): never the whole vocabulary's.
  const block = new Uint8Array(Math.min(n, opts.blockRows ?? PCA_BLOCK_ROWS) * pixels);
  let rendered = 0;
  const source = (start: number, end: number): Uint8Array => {
    const out = block.subarray(0, (end - start) * pixels);
    out.fill(0);
    for (let i = start; i < end; i++)
      out.set(renderPiece(font, vocab.pieces[i]!, { grid, squeeze }).bits, (i - start) * pixels);
    // Progress counts both passes' rendering: 2n rows in all.
    rendered += end - start;
    opts.onProgress?.('render', rendered, 2 * n);
    return out;
  };
  const index = new CollisionIndex(pixels);
  const result = pcaFromSource(source, n, pixels, {
    dim,
    onProgress: opts.onProgress,
    ...(opts.blockRows !== undefined ? { blockRows: opts.blockRows } : {}),
    onRows: (bits, start) => index.add(bits, start),
  });
  const collisions = index.result(REPORTED_COLLISION_GROUPS);
  Object.assign(meta, {
    grid,
    squeeze,
    fontSha256: font.sha256,
    fontFile: basename(font.source),
    explainedVariance: Number(result.explained.toFixed(6)),
    pcaRank: result.rank,
  });
  return { matrix: result.embeddings, dim, collisions };
}

function imported(vocab: Vocab, opts: BuildOptions, meta: Partial<SubstrateMeta>) {
  if (!opts.matrix) throw new UserError('--kind imported needs --matrix FILE.npy or FILE.safetensors');
  if (opts.dim !== undefined) checkDim(opts.dim);
  const m = loadImportedMatrix(opts.matrix, { vocabSize: vocab.pieces.length, dim: opts.dim, tensor: opts.tensor });
  Object.assign(meta, {
    sourceFile: basename(opts.matrix),
    sourceSha256: sha256Hex(readFileCapped(opts.matrix, READ_LIMITS.matrix, 'matrix file')),
    ...(m.tensor ? { sourceTensor: m.tensor } : {}),
  });
  return { matrix: m.matrix, dim: m.dim };
}

/** Builds the substrate and its quality report. Throws UserError for anything the user can fix. */
export function buildSubstrate(vocab: Vocab, opts: BuildOptions): BuiltSubstrate {
  if (!SUBSTRATE_KINDS.includes(opts.kind)) {
    throw new UserError(`unknown substrate kind "${String(opts.kind)}" (expected ${SUBSTRATE_KINDS.join(', ')})`);
  }
  const vocabSize = vocab.pieces.length;
  if (vocabSize === 0) throw new UserError('the vocabulary is empty');
  const meta: Partial<SubstrateMeta> = {};
  let matrix: Float32Array;
  let dim: number;
  let collisions: Collisions | undefined;
  if (opts.kind === 'glyph') {
    ({ matrix, dim, collisions } = glyph(vocab, opts, meta));
  } else if (opts.kind === 'binary-id') {
    dim = opts.dim ?? DEFAULT_DIM;
    checkDim(dim);
    const bits = opts.bits ?? 16;
    const values = opts.binaryValues ?? 'pm1';
    if (!Number.isInteger(bits) || bits < 1 || bits > 31)
      throw new UserError(`--bits must be an integer in 1…31, got ${bits}`);
    if (vocabSize > 2 ** bits)
      throw new UserError(
        `a code of ${bits} bits distinguishes ${2 ** bits} tokens but the vocabulary has ${vocabSize}: raise --bits`,
      );
    matrix = binaryIdMatrix(vocabSize, dim, bits, values);
    Object.assign(meta, { bits, binaryValues: values });
  } else if (opts.kind === 'random') {
    dim = opts.dim ?? DEFAULT_DIM;
    checkDim(dim);
    const seed = opts.seed ?? 0;
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new UserError(`--seed must be an integer in 0…4294967295, got ${seed}`);
    matrix = randomMatrix(vocabSize, dim, seed);
    meta.seed = seed;
  } else {
    ({ matrix, dim } = imported(vocab, opts, meta));
  }
  collisions ??= findRowCollisions(matrix, vocabSize, dim);

  const id = substrateId(vocab.id, matrix);
  const fullMeta: SubstrateMeta = {
    format: 'espalier-substrate',
    id,
    kind: opts.kind,
    dim,
    vocabSize,
    tokenizerId: vocab.id,
    builderVersion: SUBSTRATE_BUILDER_VERSION,
    ...meta,
  };
  const label = (i: number) => pieceLabel(vocab.pieces[i]!);
  const neighbours = probeTokens(vocab.pieces).map((i) => ({
    id: i,
    token: label(i),
    nearest: nearestTokens(matrix, dim, i, 3).map((nb) => ({
      id: nb.id,
      token: label(nb.id),
      cosine: Number(nb.cosine.toFixed(4)),
    })),
  }));
  const report: QualityReport = {
    collisions: { ...collisions, exampleTokens: collisions.examples.map((g) => g.map(label)) },
    neighbours,
  };
  return { id, kind: opts.kind, dim, vocabSize, matrix, meta: fullMeta, report };
}
