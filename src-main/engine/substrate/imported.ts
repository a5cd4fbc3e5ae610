// The `imported` substrate kind: a ready-made [vocabSize, dim] table from .npy or .safetensors (e.g. a bvv241 table).
// Rows must line up with the given vocabulary; every mismatch is reported with the numbers that disagree.
import { decodeSafetensors } from '../util/safetensors';
import { READ_LIMITS, readFileCapped } from '../util/read-capped';
import { UserError } from '../../common/errors';
import { decodeNpy } from './npy';

export interface ImportOptions {
  vocabSize: number;
  /** Expected number of columns; when absent the file decides. */
  dim?: number;
  /** For .safetensors holding several tensors: which one to use. */
  tensor?: string;
}

export interface ImportedMatrix {
  matrix: Float32Array;
  dim: number;
  /** The safetensors tensor name, or "" for .npy. */
  tensor: string;
}

// Names under which common exporters store an input embedding table, tried in this order.
const TABLE_NAMES = [
  'embeddings',
  'embedding',
  'weight',
  'wte.weight',
  'embed_tokens.weight',
  'model.embed_tokens.weight',
  'transformer.wte.weight',
];

function readBytes(path: string): Uint8Array {
  const buf = readFileCapped(path, READ_LIMITS.matrix, 'matrix file');
  // A plain Uint8Array view: decoders slice() it and must get copies, which Buffer.slice() does not make.
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function pickTensor(path: string, names: string[], wanted?: string): string {
  if (wanted !== undefined) {
    if (!names.includes(wanted))
      throw new UserError(`${path}: has no tensor "${wanted}" (it holds: ${names.join(', ') || 'none'})`);
    return wanted;
  }
  if (names.length === 1) return names[0]!;
  const known = TABLE_NAMES.find((n) => names.includes(n));
  if (known) return known;
  throw new UserError(
    `${path}: holds ${names.length} tensors (${names.join(', ')}); name the embedding table with --tensor`,
  );
}

export function loadImportedMatrix(path: string, opts: ImportOptions): ImportedMatrix {
  const bytes = readBytes(path);
  let shape: number[];
  let data: Float32Array | Float64Array;
  let tensor = '';
  if (/\.npy$/i.test(path)) {
    ({ shape, data } = decodeNpy(bytes, path));
  } else if (/\.safetensors$/i.test(path)) {
    const file = decodeSafetensors(bytes, path);
    tensor = pickTensor(path, [...file.tensors.keys()].sort(), opts.tensor);
    const t = file.tensors.get(tensor)!;
    if (!(t.data instanceof Float32Array) && !(t.data instanceof Float64Array)) {
      throw new UserError(`${path}: tensor "${tensor}" has dtype ${t.dtype}; an embedding table must be F32 or F64`);
    }
    shape = t.shape;
    data = t.data;
  } else {
    throw new UserError(`${path}: unknown matrix format (expected a .npy or .safetensors file)`);
  }
  const what = tensor ? `tensor "${tensor}"` : 'matrix';
  if (shape.length !== 2) {
    throw new UserError(
      `${path}: ${what} has shape [${shape.join(', ')}] but an embedding table must be 2-D [vocabSize, dim]`,
    );
  }
  const [rows, cols] = shape as [number, number];
  if (rows !== opts.vocabSize) {
    throw new UserError(
      `${path}: ${what} has ${rows} rows but the vocabulary has ${opts.vocabSize} tokens (shape [${rows}, ${cols}], expected [${opts.vocabSize}, ${opts.dim ?? cols}])`,
    );
  }
  if (opts.dim !== undefined && cols !== opts.dim) {
    throw new UserError(
      `${path}: ${what} has ${cols} columns but --dim is ${opts.dim} (shape [${rows}, ${cols}], expected [${rows}, ${opts.dim}])`,
    );
  }
  if (cols < 1) throw new UserError(`${path}: ${what} has no columns`);
  const matrix = data instanceof Float32Array ? data : Float32Array.from(data);
  for (let i = 0; i < matrix.length; i++) {
    if (!Number.isFinite(matrix[i]!)) {
      throw new UserError(
        `${path}: ${what} holds a non-finite value at row ${Math.floor(i / cols)}, column ${i % cols}`,
      );
    }
  }
  return { matrix, dim: cols, tensor };
}
