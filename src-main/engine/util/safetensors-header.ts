// The safetensors header, on its own: building one from tensor shapes (no data needed, so writers can stream)
// and parsing/validating one read from a file or buffer, with errors naming the file and the tensor.
import { UserError } from '../../common/errors';

export type Dtype = 'F32' | 'I32' | 'U8' | 'F64' | 'I64';

export const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, I32: 4, U8: 1, F64: 8, I64: 8 };

/** Largest header Espalier reads (real ones are kilobytes; a bigger number means a corrupt or hostile file). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** One tensor's place in a file: dtype, shape and its bytes [start, end) counted from the start of the file. */
export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
  start: number;
  end: number;
}

export interface ParsedHeader {
  entries: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  /** Where tensor data begins (8 + header length). */
  base: number;
  /** Bytes the header says the file holds. */
  fileBytes: number;
}

export function elementsOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The header bytes (length prefix included) for tensors in sorted name order, padded with spaces so tensor data
 * starts 8-byte aligned as the reference writer does; and each tensor's offset relative to the data start.
 */
export function buildHeader(
  specs: ReadonlyArray<{ name: string; dtype: Dtype; shape: number[] }>,
  metadata: Record<string, string>,
): { bytes: Buffer; offsets: Map<string, [number, number]>; dataBytes: number } {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const offsets = new Map<string, [number, number]>();
  let offset = 0;
  for (const s of [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const n = elementsOf(s.shape) * DTYPE_BYTES[s.dtype];
    offsets.set(s.name, [offset, offset + n]);
    header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const body = Buffer.from(json, 'utf8');
  const bytes = Buffer.alloc(8 + body.length);
  bytes.writeBigUInt64LE(BigInt(body.length), 0);
  body.copy(bytes, 8);
  return { bytes, offsets, dataBytes: offset };
}

/** The header length from the first 8 bytes, checked against the file size and the cap. */
export function headerLength(prefix: Uint8Array, fileBytes: number, source: string): number {
  if (prefix.length < 8 || fileBytes < 8)
    throw new UserError(`${source}: not a safetensors file (shorter than its 8-byte header length)`);
  const n = Number(new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true));
  if (n <= 0 || n > MAX_HEADER_BYTES || 8 + n > fileBytes) {
    throw new UserError(`${source}: not a safetensors file (header length ${n} does not fit in ${fileBytes} bytes)`);
  }
  return n;
}

/** Parses and validates the JSON header; `fileBytes` is the file's real size (truncation is reported first). */
export function parseHeader(json: Uint8Array, fileBytes: number, source: string): ParsedHeader {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    throw new UserError(`${source}: not a safetensors file (its header is not JSON)`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new UserError(`${source}: not a safetensors file (its header is not a JSON object)`);
  const base = 8 + json.byteLength;
  // A file cut short (a copy interrupted, `truncate`) says so, before any tensor's offsets are blamed.
  let end = 0;
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const offsets = (raw as { data_offsets?: unknown } | null)?.data_offsets;
    if (Array.isArray(offsets) && typeof offsets[1] === 'number') end = Math.max(end, offsets[1]);
  }
  if (base + end > fileBytes)
    throw new UserError(
      `${source}: the file is truncated (its header describes ${base + end} bytes, the file has ${fileBytes})`,
    );
  const entries = new Map<string, TensorEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (raw && typeof raw === 'object') metadata = raw as Record<string, string>;
      continue;
    }
    const info = (raw ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = info.dtype as Dtype;
    if (typeof info.dtype !== 'string' || !(dtype in DTYPE_BYTES))
      throw new UserError(`${source}: tensor "${name}" has unsupported dtype ${String(info.dtype)}`);
    const shape = info.shape;
    const off = info.data_offsets;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      !Array.isArray(off) ||
      off.length !== 2
    ) {
      throw new UserError(`${source}: tensor "${name}" has a malformed shape or data_offsets`);
    }
    const [b, e] = off as [number, number];
    if (
      !Number.isSafeInteger(b) ||
      !Number.isSafeInteger(e) ||
      b < 0 ||
      e - b !== elementsOf(shape as number[]) * DTYPE_BYTES[dtype] ||
      base + e > fileBytes
    ) {
      throw new UserError(
        `${source}: tensor "${name}" has offsets [${b}, ${e}] inconsistent with shape [${String(shape)}]`,
      );
    }
    entries.set(name, { name, dtype, shape: shape as number[], start: base + b, end: base + e });
  }
  return { entries, metadata, base, fileBytes: base + end };
}
