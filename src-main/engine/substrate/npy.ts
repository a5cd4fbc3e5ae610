// Reads and writes NumPy `.npy` matrices (format versions 1 and 2, little-endian float32/float64, C order).
// Enough to import a published embedding table converted with numpy.save, and to export ours.
import { UserError } from '../../common/errors';

export interface NpyMatrix {
  shape: number[];
  /** Values in C (row-major) order, in the file's precision. */
  data: Float32Array | Float64Array;
  dtype: '<f4' | '<f8';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses the header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }. */
function parseHeader(text: string, source: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new UserError(
      `${source}: damaged .npy header (expected descr, fortran_order and shape in ${JSON.stringify(text.trim())})`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new UserError(`${source}: damaged .npy header (shape entry "${s}")`);
      return n;
    });
  return { descr, fortran: fortran === 'True', shape };
}

export function decodeNpy(bytes: Uint8Array, source: string): NpyMatrix {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new UserError(`${source}: not a NumPy .npy file (it does not start with \\x93NUMPY)`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new UserError(`${source}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new UserError(`${source}: unsupported .npy format version ${major} (1, 2 and 3 are read)`);
  }
  if (start + headerLen > bytes.length) throw new UserError(`${source}: truncated .npy header`);
  const header = Buffer.from(bytes.subarray(start, start + headerLen)).toString(major === 3 ? 'utf8' : 'latin1');
  const { descr, fortran, shape } = parseHeader(header, source);
  if (descr !== '<f4' && descr !== '<f8') {
    throw new UserError(
      `${source}: dtype ${descr} is not supported (save the matrix as float32 '<f4' or float64 '<f8')`,
    );
  }
  if (fortran)
    throw new UserError(
      `${source}: the matrix is stored in Fortran order (save it with numpy.ascontiguousarray first)`,
    );
  const count = shape.reduce((a, b) => a * b, 1);
  const width = descr === '<f4' ? 4 : 8;
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== count * width) {
    throw new UserError(
      `${source}: holds ${bytes.length - dataStart} data bytes but shape (${shape.join(', ')}) of ${descr} needs ${count * width}`,
    );
  }
  // Copy into a fresh buffer: the file's bytes need not be aligned for a typed-array view, and a Node Buffer's
  // slice() would share (not copy) its pooled memory.
  const copy = new Uint8Array(bytes.subarray(dataStart));
  const data = descr === '<f4' ? new Float32Array(copy.buffer, 0, count) : new Float64Array(copy.buffer, 0, count);
  return { shape, data, dtype: descr };
}

/** Encodes a C-order float matrix as .npy version 1 (header padded to a multiple of 64 bytes, as numpy writes it). */
export function encodeNpy(data: Float32Array | Float64Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
