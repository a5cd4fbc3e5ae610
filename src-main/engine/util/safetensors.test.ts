// safetensors round-trips through a real file, aligned, with metadata; corrupt files are named in errors.
import { mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensors, readSafetensorsMetadata, writeSafetensors } from './safetensors';

describe('safetensors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'espalier-st-'));

  it('round-trips tensors and metadata through a file (not a view over Node pool memory)', () => {
    const path = join(dir, 'a.safetensors');
    writeSafetensors(path, { w: { shape: [3], data: new Float32Array([1, 2, 3]) }, ids: { shape: [2, 1], data: new Int32Array([7, -1]) } }, { kind: 'test' });
    const f = readSafetensors(path);
    expect(Array.from(f.tensors.get('w')!.data as Float32Array)).toEqual([1, 2, 3]);
    expect(f.tensors.get('w')!.data.length).toBe(3);
    expect(Array.from(f.tensors.get('ids')!.data as Int32Array)).toEqual([7, -1]);
    expect(f.tensors.get('ids')!.shape).toEqual([2, 1]);
    expect(f.metadata).toEqual({ kind: 'test' });
  });

  it('aligns tensor data to 8 bytes and sorts names', () => {
    const bytes = encodeSafetensors({ b: { shape: [1], data: new Float32Array([1]) }, a: { shape: [1], data: new Float32Array([2]) } });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLen)).toString()) as Record<string, { data_offsets: number[] }>;
    expect(header['a']!.data_offsets).toEqual([0, 4]);
  });

  it('names the file when it is not safetensors', () => {
    const path = join(dir, 'bad.safetensors');
    writeFileSync(path, 'hello world, not a tensor file');
    expect(() => readSafetensors(path)).toThrow(new RegExp(`${path}: not a safetensors file`));
    expect(() => decodeSafetensors(new Uint8Array(3), 'x.st')).toThrow(/x\.st: not a safetensors file/);
    expect(() => readSafetensors(join(dir, 'missing.safetensors'))).toThrow(/missing.safetensors: safetensors file not found/);
  });

  it('says a cut-short file is truncated, with the expected and found sizes', () => {
    const path = join(dir, 'cut.safetensors');
    writeSafetensors(path, { w: { shape: [64, 256], data: new Float32Array(64 * 256) } });
    truncateSync(path, 10_000);
    expect(() => readSafetensors(path)).toThrow(new RegExp(`${path}: the file is truncated \\(its header describes \\d+ bytes, the file has 10000\\)`));
  });

  it('refuses a link to a device file before reading a byte', () => {
    const path = join(dir, 'zero.safetensors');
    symlinkSync('/dev/zero', path);
    expect(() => readSafetensors(path)).toThrow(/zero\.safetensors: is not a regular file/);
    expect(() => readSafetensorsMetadata(path)).toThrow(/zero\.safetensors: is not a regular file/);
  });
});
