// Whole-file reads are bounded: a device file, an oversized file and a gzip bomb fail at once with a message
// naming the file, through the real loaders (font, vocabulary, matrix) as well as the helper.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImportedMatrix } from '../substrate/imported';
import { loadUnifont } from '../substrate/unifont';
import { loadTokenizer } from '../tokenizer/index';
import { UserError } from '../../common/errors';
import { gunzipCapped, MiB, READ_LIMITS, readFileCapped } from './read-capped';

const dir = mkdtempSync(join(tmpdir(), 'espalier-capped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readFileCapped', () => {
  it('refuses a device file without reading it', () => {
    const t0 = performance.now();
    expect(() => readFileCapped('/dev/zero', READ_LIMITS.font, 'font file')).toThrow(/^\/dev\/zero: is not a regular file \(a device, pipe or socket\); give a font file on disk$/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('reads a file up to the limit and refuses one byte more, naming the sizes', () => {
    const f = join(dir, 'ten.bin');
    writeFileSync(f, Buffer.alloc(10, 1));
    expect(readFileCapped(f, 10, 'matrix file')).toHaveLength(10);
    expect(() => readFileCapped(f, 9, 'matrix file')).toThrow(UserError);
    expect(() => readFileCapped(f, 9, 'matrix file')).toThrow(/ten\.bin: the matrix file is 0\.0 MiB, more than the 0\.0 MiB Espalier reads/);
    expect(() => readFileCapped(join(dir, 'none'), 9, 'matrix file')).toThrow(/none: matrix file not found/);
    expect(() => readFileCapped(dir, 9, 'matrix file')).toThrow(/is a folder, not a matrix file/);
  });

  it('bounds gunzip output', () => {
    const bomb = gzipSync(Buffer.alloc(8 * MiB));
    expect(bomb.length).toBeLessThan(MiB / 8);
    expect(gunzipCapped(bomb, 8 * MiB, 'x.gz', 'font file')).toHaveLength(8 * MiB);
    expect(() => gunzipCapped(bomb, 4 * MiB, 'x.gz', 'font file')).toThrow(/^x\.gz: the font file expands to more than 4\.0 MiB when decompressed$/);
    expect(() => gunzipCapped(Buffer.from([0x1f, 0x8b, 1, 2, 3]), MiB, 'y.gz', 'font file')).toThrow(/^y\.gz: damaged gzip data/);
  });
});

describe('the loaders use it', () => {
  it('/dev/zero as a font, vocabulary or matrix is a quick clear error', () => {
    const t0 = performance.now();
    expect(() => loadUnifont('/dev/zero')).toThrow(/^\/dev\/zero: is not a regular file .*give a font file on disk$/);
    expect(() => loadTokenizer('/dev/zero')).toThrow(/^\/dev\/zero: is not a regular file .*vocabulary file/);
    expect(() => loadImportedMatrix('/dev/zero', { vocabSize: 4 })).toThrow(/^\/dev\/zero: is not a regular file .*matrix file/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('a gzipped font that expands past the font limit is refused', () => {
    const f = join(dir, 'bomb.hex.gz');
    writeFileSync(f, gzipSync(Buffer.alloc(READ_LIMITS.font + MiB, 0x30)));
    expect(() => loadUnifont(f)).toThrow(/bomb\.hex\.gz: the font file expands to more than 128 MiB when decompressed/);
  });

  it('a font line that is not Unifont is reported by line number, without echoing the line', () => {
    const f = join(dir, 'passwd');
    writeFileSync(f, 'root:x:0:0:root:/root:/bin/bash\n');
    expect(() => loadUnifont(f)).toThrow(/passwd:1: not a GNU Unifont \.hex file/);
    expect(() => loadUnifont(f)).not.toThrow(/root:x/);
  });
});
