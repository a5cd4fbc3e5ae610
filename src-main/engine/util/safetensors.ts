// Reads and writes the safetensors format (8-byte header length, JSON header, raw little-endian data).
import { closeSync, readSync } from 'node:fs';
import { UserError } from '../../common/errors';
import { openRegularFile, READ_LIMITS, readFileCapped } from './read-capped';
import { writeFileAtomic } from './atomic';

export type Dtype = 'F32' | 'I32' | 'U8' | 'F64' | 'I64';

export interface NamedTensor {
  dtype: Dtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | Float64Array | BigInt64Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<Dtype, number> = { F32: 4, I32: 4, U8: 1, F64: 8, I64: 8 };

function dtypeOf(data: NamedTensor['data']): Dtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint8Array) return 'U8';
  if (data instanceof Float64Array) return 'F64';
  return 'I64';
}

/** Serialises tensors (sorted by name, 8-byte aligned header) and metadata into one buffer. */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: NamedTensor['data'] }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] holds ${n} values but data has ${t.data.length}`);
    header[name] = { dtype: dtypeOf(t.data), shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so tensor data starts 8-byte aligned, as the reference writer does.
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  if (bytes.length < 8) throw new UserError(`${source}: not a safetensors file (shorter than its 8-byte header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > bytes.length) {
    throw new UserError(`${source}: not a safetensors file (header length ${headerLen} does not fit in ${bytes.length} bytes)`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLen)).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new UserError(`${source}: not a safetensors file (its header is not JSON)`);
  }
  const base = 8 + headerLen;
  // A file cut short (a copy interrupted, `truncate`) says so, before any tensor's offsets are blamed.
  let end = 0;
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const offsets = (raw as { data_offsets?: unknown }).data_offsets;
    if (Array.isArray(offsets) && typeof offsets[1] === 'number') end = Math.max(end, offsets[1]);
  }
  if (base + end > bytes.length) {
    throw new UserError(`${source}: the file is truncated (its header describes ${base + end} bytes, the file has ${bytes.length})`);
  }
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const dtype = info.dtype as Dtype;
    if (!(dtype in BYTES)) throw new UserError(`${source}: tensor "${name}" has unsupported dtype ${info.dtype}`);
    const [b, e] = info.data_offsets;
    const n = info.shape.reduce((a, c) => a * c, 1);
    if (e - b !== n * BYTES[dtype] || base + e > bytes.length) {
      throw new UserError(`${source}: tensor "${name}" has offsets [${b}, ${e}] inconsistent with shape [${info.shape}]`);
    }
    // Copy so the result is aligned and independent of the file buffer. Buffer#slice returns a view over
    // Node's shared pool, so copy through Uint8Array.prototype.slice explicitly.
    const slice = Uint8Array.prototype.slice.call(bytes, base + b, base + e);
    const buf = slice.buffer;
    const data =
      dtype === 'F32' ? new Float32Array(buf) :
      dtype === 'I32' ? new Int32Array(buf) :
      dtype === 'F64' ? new Float64Array(buf) :
      dtype === 'I64' ? new BigInt64Array(buf) : new Uint8Array(buf);
    tensors.set(name, { dtype, shape: info.shape, data });
  }
  return { tensors, metadata };
}

export function writeSafetensors(
  path: string,
  tensors: Record<string, { shape: number[]; data: NamedTensor['data'] }>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function readSafetensors(path: string): SafetensorsFile {
  return decodeSafetensors(readFileCapped(path, READ_LIMITS.matrix, 'safetensors file'), path);
}

/** The `__metadata__` of a safetensors file, reading only its header (cheap for files of hundreds of MB). */
export function readSafetensorsMetadata(path: string): Record<string, string> {
  const { fd } = openRegularFile(path, 'safetensors file');
  try {
    const len = Buffer.alloc(8);
    if (readSync(fd, len, 0, 8, 0) !== 8) throw new UserError(`${path}: not a safetensors file (shorter than its 8-byte header length)`);
    const n = Number(len.readBigUInt64LE(0));
    if (n > 100 * 1024 * 1024) throw new UserError(`${path}: not a safetensors file (header length ${n})`);
    const header = Buffer.alloc(n);
    if (readSync(fd, header, 0, n, 8) !== n) throw new UserError(`${path}: truncated safetensors header`);
    let json: unknown;
    try {
      json = JSON.parse(header.toString('utf8'));
    } catch {
      throw new UserError(`${path}: the safetensors header is not JSON`);
    }
    const meta = json && typeof json === 'object' ? (json as Record<string, unknown>)['__metadata__'] : undefined;
    return meta && typeof meta === 'object' ? (meta as Record<string, string>) : {};
  } finally {
    closeSync(fd);
  }
}
