// Reads and writes the safetensors format (8-byte header length, JSON header, raw little-endian data), streamed:
// the writer puts the header then each tensor's bytes (one tensor in memory at a time when sources are lazy),
// the reader reads one tensor at a time by offset. Files of any size (past 2 and 4 GiB); no whole-file buffer.
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../common/errors';
import { userErrorIfDiskFull } from './disk-full';
import { openRegularFile } from './read-capped';
import {
  buildHeader,
  DTYPE_BYTES,
  elementsOf,
  headerLength,
  parseHeader,
  type Dtype,
  type TensorEntry,
} from './safetensors-header';

export type { Dtype, TensorEntry } from './safetensors-header';

export type TensorData = Float32Array | Int32Array | Uint8Array | Float64Array | BigInt64Array;

export interface NamedTensor {
  dtype: Dtype;
  shape: number[];
  data: TensorData;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/** A tensor to write: its data, or a function giving it when its turn comes (so only one is materialised). */
export interface TensorSource {
  dtype: Dtype;
  shape: number[];
  data: TensorData | (() => TensorData);
}

/** Node's read/write calls take at most 2 GiB − 1 bytes at once; larger tensors go in pieces of `chunk` bytes. */
export const SAFETENSORS_IO = { chunk: 1 << 30 };

export function dtypeOf(data: TensorData): Dtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint8Array) return 'U8';
  if (data instanceof Float64Array) return 'F64';
  return 'I64';
}

function sourcesOf(tensors: Record<string, { shape: number[]; data: TensorData }>): Record<string, TensorSource> {
  const out: Record<string, TensorSource> = {};
  for (const [name, t] of Object.entries(tensors)) out[name] = { dtype: dtypeOf(t.data), shape: t.shape, data: t.data };
  return out;
}

function bytesOf(name: string, s: TensorSource): Uint8Array {
  const d = typeof s.data === 'function' ? s.data() : s.data;
  const n = elementsOf(s.shape);
  if (n !== d.length) throw new Error(`tensor ${name}: shape [${s.shape}] holds ${n} values but data has ${d.length}`);
  if (dtypeOf(d) !== s.dtype) throw new Error(`tensor ${name}: declared ${s.dtype} but its data is ${dtypeOf(d)}`);
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** Serialises small tensors and metadata into one buffer (tests, uploads); files go through writeSafetensors. */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; data: TensorData }>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const src = sourcesOf(tensors);
  const {
    bytes: head,
    offsets,
    dataBytes,
  } = buildHeader(
    Object.entries(src).map(([name, s]) => ({ name, ...s })),
    metadata,
  );
  const out = new Uint8Array(head.length + dataBytes);
  out.set(head, 0);
  for (const [name, [b]] of offsets) out.set(bytesOf(name, src[name]!), head.length + b);
  return out;
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let off = 0;
  while (off < bytes.length)
    off += writeSync(fd, bytes, off, Math.min(SAFETENSORS_IO.chunk, bytes.length - off), position + off);
}

/**
 * Writes tensors to `path` atomically (temp file in the same folder, fsync, rename): the header first, then each
 * tensor's bytes in name order. Lazy sources are called one at a time, so memory holds one tensor beyond the caller's.
 */
export function writeSafetensorsStream(
  path: string,
  tensors: Record<string, TensorSource>,
  metadata: Record<string, string> = {},
): void {
  const { bytes: head, offsets } = buildHeader(
    Object.entries(tensors).map(([name, s]) => ({ name, dtype: s.dtype, shape: s.shape })),
    metadata,
  );
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    writeAll(fd, head, 0);
    for (const [name, [b]] of offsets) writeAll(fd, bytesOf(name, tensors[name]!), head.length + b);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw userErrorIfDiskFull(err, path);
  }
}

export function writeSafetensors(
  path: string,
  tensors: Record<string, { shape: number[]; data: TensorData }>,
  metadata: Record<string, string> = {},
): void {
  writeSafetensorsStream(path, sourcesOf(tensors), metadata);
}

function viewAs(dtype: Dtype, buf: ArrayBuffer): TensorData {
  return dtype === 'F32'
    ? new Float32Array(buf)
    : dtype === 'I32'
      ? new Int32Array(buf)
      : dtype === 'F64'
        ? new Float64Array(buf)
        : dtype === 'I64'
          ? new BigInt64Array(buf)
          : new Uint8Array(buf);
}

/** An open safetensors file: its header parsed, tensors read one at a time by offset. Close it when done. */
export class SafetensorsReader {
  private constructor(
    readonly path: string,
    private fd: number | null,
    readonly entries: Map<string, TensorEntry>,
    readonly metadata: Record<string, string>,
    readonly size: number,
  ) {}

  /** `what` names the file's role in errors ("substrate file", "checkpoint"). */
  static open(path: string, what = 'safetensors file'): SafetensorsReader {
    const { fd, size } = openRegularFile(path, what);
    try {
      const prefix = Buffer.alloc(8);
      const got = size >= 8 ? readSync(fd, prefix, 0, 8, 0) : 0;
      const n = headerLength(prefix.subarray(0, got), size, path);
      const json = Buffer.alloc(n);
      if (readSync(fd, json, 0, n, 8) !== n)
        throw new UserError(`${path}: the file is truncated (its header is cut short)`);
      const h = parseHeader(json, size, path);
      return new SafetensorsReader(path, fd, h.entries, h.metadata, size);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Reads one tensor into its own (aligned) buffer; undefined when the file has no such tensor. */
  read(name: string): NamedTensor | undefined {
    const e = this.entries.get(name);
    if (!e) return undefined;
    if (this.fd === null) throw new Error(`${this.path}: reader already closed`);
    const len = e.end - e.start;
    const buf = new ArrayBuffer(len);
    const bytes = new Uint8Array(buf);
    let off = 0;
    while (off < len) {
      const got = readSync(this.fd, bytes, off, Math.min(SAFETENSORS_IO.chunk, len - off), e.start + off);
      if (got === 0)
        throw new UserError(
          `${this.path}: the file is truncated (tensor "${name}" ends at byte ${e.end}, the file stops at ${e.start + off})`,
        );
      off += got;
    }
    if (len % DTYPE_BYTES[e.dtype] !== 0) throw new UserError(`${this.path}: tensor "${name}" has a partial element`);
    return { dtype: e.dtype, shape: [...e.shape], data: viewAs(e.dtype, buf) };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

export function openSafetensors(path: string, what?: string): SafetensorsReader {
  return SafetensorsReader.open(path, what);
}

/** Runs `fn` with the file open, closing it afterwards whatever happens. */
export function withSafetensors<T>(path: string, fn: (r: SafetensorsReader) => T, what?: string): T {
  const r = SafetensorsReader.open(path, what);
  try {
    return fn(r);
  } finally {
    r.close();
  }
}

/** Every tensor of a file, each read by offset into its own buffer (memory: the tensors, never the file twice). */
export function readSafetensors(path: string, what?: string): SafetensorsFile {
  return withSafetensors(
    path,
    (r) => {
      const tensors = new Map<string, NamedTensor>();
      for (const name of r.names()) tensors.set(name, r.read(name)!);
      return { tensors, metadata: r.metadata };
    },
    what,
  );
}

/** Decodes a safetensors file already in memory (small inputs: uploads, tests). */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  const n = headerLength(bytes, bytes.length, source);
  const h = parseHeader(bytes.subarray(8, 8 + n), bytes.length, source);
  const tensors = new Map<string, NamedTensor>();
  for (const [name, e] of h.entries) {
    // Copy so the result is aligned and independent of the input (a Buffer may be a view over Node's pool).
    const buf = Uint8Array.prototype.slice.call(bytes, e.start, e.end).buffer;
    tensors.set(name, { dtype: e.dtype, shape: e.shape, data: viewAs(e.dtype, buf) });
  }
  return { tensors, metadata: h.metadata };
}

/** The `__metadata__` of a safetensors file, reading only its header (cheap for files of any size). */
export function readSafetensorsMetadata(path: string, what?: string): Record<string, string> {
  return withSafetensors(path, (r) => r.metadata, what);
}
