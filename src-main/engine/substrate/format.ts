// The substrate file: one .safetensors with tensor `embeddings` [vocabSize, dim] F32 and string metadata.
// The id is recomputed on load, so a damaged or edited file is caught before a model trains on it.
import { readSafetensors, writeSafetensors } from '../util/safetensors';
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { sha256Hex } from '../util/hash';
import { parseWith } from '../util/schema';

export type SubstrateKind = 'glyph' | 'binary-id' | 'random' | 'imported';
export const SUBSTRATE_KINDS: readonly SubstrateKind[] = ['glyph', 'binary-id', 'random', 'imported'];

/** Bumped whenever rendering, fallback boxes, PCA or the code rules change, i.e. when the same inputs give other rows. */
export const SUBSTRATE_BUILDER_VERSION = 1;
const FORMAT = 'espalier-substrate';

export interface SubstrateMeta {
  format: typeof FORMAT;
  id: string;
  kind: SubstrateKind;
  dim: number;
  vocabSize: number;
  tokenizerId: string;
  builderVersion: number;
  /** glyph */
  grid?: number;
  squeeze?: string;
  fontSha256?: string;
  /** Base name only: the file stays identical whichever folder the font was found in. */
  fontFile?: string;
  /** Fraction of the bitmaps' variance the kept PCA components explain. */
  explainedVariance?: number;
  /** Components with any variance; when below dim, the columns after them are zero (the bitmaps span fewer dims). */
  pcaRank?: number;
  /** binary-id */
  bits?: number;
  binaryValues?: string;
  /** random */
  seed?: number;
  /** imported */
  sourceFile?: string;
  sourceSha256?: string;
  sourceTensor?: string;
}

export interface Substrate {
  id: string;
  kind: SubstrateKind;
  dim: number;
  vocabSize: number;
  /** [vocabSize, dim] row-major; row i is the frozen embedding of token id i. */
  matrix: Float32Array;
  meta: SubstrateMeta;
}

// Safetensors metadata holds strings only: numbers are written with String() and read back here.
const num = z
  .string()
  .regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i, 'expected a number')
  .transform(Number);
const MetaJson = z
  .object({
    format: z.literal(FORMAT),
    id: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex id'),
    kind: z.enum(SUBSTRATE_KINDS as [SubstrateKind, ...SubstrateKind[]]),
    dim: num,
    vocabSize: num,
    tokenizerId: z.string().min(1),
    builderVersion: num,
    grid: num.optional(),
    squeeze: z.string().optional(),
    fontSha256: z.string().optional(),
    fontFile: z.string().optional(),
    explainedVariance: num.optional(),
    pcaRank: num.optional(),
    bits: num.optional(),
    binaryValues: z.string().optional(),
    seed: num.optional(),
    sourceFile: z.string().optional(),
    sourceSha256: z.string().optional(),
    sourceTensor: z.string().optional(),
    // Keys a later builder added pass through, so copying a substrate file keeps its metadata whole.
  })
  .loose();

/**
 * Substrate id = SHA-256 of the tokenizer id (itself the SHA-256 of the ordered vocabulary) followed by the
 * matrix's float32 little-endian bytes. Metadata is left out on purpose: equal rows for an equal vocabulary are
 * the same substrate whichever kind or options produced them.
 */
export function substrateId(tokenizerId: string, matrix: Float32Array): string {
  return sha256Hex(tokenizerId, new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength));
}

export function saveSubstrate(path: string, sub: Substrate): void {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(sub.meta)) if (v !== undefined) metadata[k] = String(v);
  writeSafetensors(path, { embeddings: { shape: [sub.vocabSize, sub.dim], data: sub.matrix } }, metadata);
}

export function loadSubstrate(path: string): Substrate {
  // Read by offset, tensor by tensor (131,072-row substrates pass any whole-file cap).
  const file = readSafetensors(path, 'substrate file');
  const raw = file.metadata;
  if (raw['format'] !== FORMAT) {
    throw new UserError(
      `${path}: not an Espalier substrate (its metadata has no format "${FORMAT}"; build one with espalier substrate build)`,
    );
  }
  const t = file.tensors.get('embeddings');
  if (!t) throw new UserError(`${path}: substrate has no "embeddings" tensor`);
  if (t.dtype !== 'F32' || t.shape.length !== 2) {
    throw new UserError(`${path}: "embeddings" must be a 2-D F32 tensor, found ${t.dtype} [${t.shape.join(', ')}]`);
  }
  const m: SubstrateMeta = parseWith(MetaJson, raw, `${path} (substrate metadata)`);
  const [vocabSize, dim] = t.shape as [number, number];
  if (m.vocabSize !== vocabSize || m.dim !== dim) {
    throw new UserError(`${path}: metadata says [${m.vocabSize}, ${m.dim}] but "embeddings" is [${vocabSize}, ${dim}]`);
  }
  const matrix = t.data as Float32Array;
  const id = substrateId(m.tokenizerId, matrix);
  if (id !== m.id)
    throw new UserError(
      `${path}: damaged substrate (its content hashes to ${id.slice(0, 12)}…, its metadata says ${String(m.id).slice(0, 12)}…)`,
    );
  return { id, kind: m.kind, dim, vocabSize, matrix, meta: m };
}
