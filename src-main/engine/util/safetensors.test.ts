// safetensors round-trips through a real file, aligned, with metadata; corrupt files are named in errors.
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildHeader } from './safetensors-header';
import {
  decodeSafetensors,
  encodeSafetensors,
  openSafetensors,
  readSafetensors,
  readSafetensorsMetadata,
  SAFETENSORS_IO,
  writeSafetensors,
  writeSafetensorsStream,
} from './safetensors';

describe('safetensors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'espalier-st-'));

  it('round-trips tensors and metadata through a file (not a view over Node pool memory)', () => {
    const path = join(dir, 'a.safetensors');
    writeSafetensors(
      path,
      { w: { shape: [3], data: new Float32Array([1, 2, 3]) }, ids: { shape: [2, 1], data: new Int32Array([7, -1]) } },
      { kind: 'test' },
    );
    const f = readSafetensors(path);
    expect(Array.from(f.tensors.get('w')!.data as Float32Array)).toEqual([1, 2, 3]);
    expect(f.tensors.get('w')!.data.length).toBe(3);
    expect(Array.from(f.tensors.get('ids')!.data as Int32Array)).toEqual([7, -1]);
    expect(f.tensors.get('ids')!.shape).toEqual([2, 1]);
    expect(f.metadata).toEqual({ kind: 'test' });
  });

  it('aligns tensor data to 8 bytes and sorts names', () => {
    const bytes = encodeSafetensors({
      b: { shape: [1], data: new Float32Array([1]) },
      a: { shape: [1], data: new Float32Array([2]) },
    });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLen)).toString()) as Record<
      string,
      { data_offsets: number[] }
    >;
    expect(header['a']!.data_offsets).toEqual([0, 4]);
  });

  it('names the file when it is not safetensors', () => {
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, 'hello world, not a tensor file');
    expect(() => readSafetensors(path)).toThrow(new RegExp(`${path}: not a safetensors file`));
    expect(() => decodeSafetensors(new Uint8Array(3), 'x.st')).toThrow(/x\.st: not a safetensors file/);
    expect(() => readSafetensors(join(dir, 'missing.safetensors'))).toThrow(
      /missing.safetensors: safetensors file not found/,
    );
  });

  it('says a cut-short file is truncated, with the expected and found sizes', () => {
    const path = join(dir, 'cut.safetensors');
    writeSafetensors(path, { w: { shape: [64, 256], data: new Float32Array(64 * 256) } });
    truncateSync(path, 10_000);
    expect(() => readSafetensors(path)).toThrow(
      new RegExp(`${path}: the file is truncated \\(its header describes \\d+ bytes, the file has 10000\\)`),
    );
  });

  it('refuses a link to a device file before reading a byte', () => {
    const path = join(dir, 'zero.safetensors');
    symlinkSync('/dev/zero', path);
    expect(() => readSafetensors(path)).toThrow(/zero\.safetensors: is not a regular file/);
    expect(() => readSafetensorsMetadata(path)).toThrow(/zero\.safetensors: is not a regular file/);
  });

  it('streams: the file written tensor by tensor is byte-identical to the in-memory encoding, lazy sources called in name order', () => {
    const path = join(dir, 'stream.safetensors');
    const calls: string[] = [];
    const a = Float32Array.from({ length: 1000 }, (_, i) => i / 7);
    const b = Int32Array.from({ length: 33 }, (_, i) => -i);
    writeSafetensorsStream(
      path,
      {
        b: { dtype: 'I32', shape: [3, 11], data: () => (calls.push('b'), b) },
        a: { dtype: 'F32', shape: [10, 100], data: () => (calls.push('a'), a) },
      },
      { k: 'v' },
    );
    expect(calls).toEqual(['a', 'b']);
    expect(new Uint8Array(readFileSync(path))).toEqual(
      encodeSafetensors({ a: { shape: [10, 100], data: a }, b: { shape: [3, 11], data: b } }, { k: 'v' }),
    );
    const r = openSafetensors(path);
    try {
      expect(r.names()).toEqual(['a', 'b']);
      expect(r.metadata).toEqual({ k: 'v' });
      expect(Array.from(r.read('b')!.data as Int32Array)).toEqual(Array.from(b));
      expect(r.read('missing')).toBeUndefined();
    } finally {
      r.close();
    }
  });

  it('a failed lazy source leaves no file and no temp file behind', () => {
    const path = join(dir, 'fail.safetensors');
    expect(() =>
      writeSafetensorsStream(path, { a: { dtype: 'F32', shape: [4], data: () => new Float32Array(3) } }),
    ).toThrow(/shape \[4\] holds 4 values but data has 3/);
    expect(() => statSync(path)).toThrow();
    expect(readdirSync(dir).filter((n: string) => n.startsWith('.fail'))).toEqual([]);
  });

  it('reads a tensor by offset past 4 GiB in a sparse file without reading the rest', () => {
    const path = join(dir, 'sparse.safetensors');
    const big = 4.5 * 2 ** 30;
    const { bytes: head, offsets } = buildHeader(
      [
        { name: 'big', dtype: 'U8', shape: [big] },
        { name: 'tail', dtype: 'F32', shape: [2, 2] },
      ],
      { format: 'pt' },
    );
    const fd = openSync(path, 'w');
    writeSync(fd, head, 0, head.length, 0);
    const tailAt = head.length + offsets.get('tail')![0];
    const tail = new Float32Array([1.5, -2, 3.25, 1e-3]);
    ftruncateSync(fd, tailAt + 16);
    writeSync(fd, new Uint8Array(tail.buffer), 0, 16, tailAt);
    closeSync(fd);
    expect(statSync(path).size).toBeGreaterThan(2 ** 32);
    const r = openSafetensors(path);
    try {
      expect(r.entries.get('tail')!.start).toBe(tailAt);
      expect(r.read('tail')).toEqual({ dtype: 'F32', shape: [2, 2], data: tail });
      expect(r.entries.get('big')!.end - r.entries.get('big')!.start).toBe(big);
    } finally {
      r.close();
    }
    expect(readSafetensorsMetadata(path)).toEqual({ format: 'pt' });
    truncateSync(path, tailAt + 8);
    expect(() => openSafetensors(path)).toThrow(
      new RegExp(`the file is truncated \\(its header describes ${tailAt + 16} bytes, the file has ${tailAt + 8}\\)`),
    );
  });

  it('writes and reads tensors larger than one I/O call in pieces (the > 2 GiB path, with a 7-byte piece)', () => {
    const path = join(dir, 'pieces.safetensors');
    const a = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i));
    const b = Uint8Array.from({ length: 33 }, (_, i) => i * 7);
    const saved = SAFETENSORS_IO.chunk;
    SAFETENSORS_IO.chunk = 7;
    try {
      writeSafetensors(path, { a: { shape: [7, 143], data: a }, b: { shape: [33], data: b } });
      const f = readSafetensors(path);
      expect(f.tensors.get('a')!.data).toEqual(a);
      expect(f.tensors.get('b')!.data).toEqual(b);
    } finally {
      SAFETENSORS_IO.chunk = saved;
    }
    expect(new Uint8Array(readFileSync(path))).toEqual(
      encodeSafetensors({ a: { shape: [7, 143], data: a }, b: { shape: [33], data: b } }),
    );
  });
});
