// Whole-file reads are bounded: a device file, an oversized file and a gzip bomb fail at once with a message
// naming the file, through the real loaders (font, vocabulary, matrix) as well as the helper.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImportedMatrix } from '../substrate/imported';
import { loadUnifont } from '../substrate/unifont';
import { loadTokenizer } from '../tokenizer/index';
import { UserError } from '../../common/errors';
import { gunzipCapped, MiB, READ_LIMITS, readFileCapped, readJsonCapped, readTextCapped } from './read-capped';

const dir = mkdtempSync(join(tmpdir(), 'espalier-capped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readFileCapped', () => {
  it('refuses a device file without reading it', () => {
    const t0 = performance.now();
    expect(() => readFileCapped('/dev/zero', READ_LIMITS.font, 'font file')).toThrow(
      /^\/dev\/zero: is not a regular file \(a device, pipe or socket\); give a font file on disk$/,
    );
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('reads a file up to the limit and refuses one byte more, naming the sizes', () => {
    const f = join(dir, 'ten.bin');
    writeFileSync(f, Buffer.alloc(10, 1));
    expect(readFileCapped(f, 10, 'matrix file')).toHaveLength(10);
    expect(() => readFileCapped(f, 9, 'matrix file')).toThrow(UserError);
    expect(() => readFileCapped(f, 9, 'matrix file')).toThrow(
      /ten\.bin: the matrix file is 0\.0 MiB, more than the 0\.0 MiB Espalier reads/,
    );
    expect(() => readFileCapped(join(dir, 'none'), 9, 'matrix file')).toThrow(/none: matrix file not found/);
    expect(() => readFileCapped(dir, 9, 'matrix file')).toThrow(/is a folder, not a matrix file/);
  });

  it('bounds gunzip output', () => {
    const bomb = gzipSync(Buffer.alloc(8 * MiB));
    expect(bomb.length).toBeLessThan(MiB / 8);
    expect(gunzipCapped(bomb, 8 * MiB, 'x.gz', 'font file')).toHaveLength(8 * MiB);
    expect(() => gunzipCapped(bomb, 4 * MiB, 'x.gz', 'font file')).toThrow(
      /^x\.gz: the font file expands to more than 4\.0 MiB when decompressed$/,
    );
    expect(() => gunzipCapped(Buffer.from([0x1f, 0x8b, 1, 2, 3]), MiB, 'y.gz', 'font file')).toThrow(
      /^y\.gz: damaged gzip data/,
    );
  });
});

describe('the loaders use it', () => {
  it('/dev/zero as a font, vocabulary or matrix is a quick clear error', () => {
    const t0 = performance.now();
    expect(() => loadUnifont('/dev/zero')).toThrow(/^\/dev\/zero: is not a regular file .*give a font file on disk$/);
    expect(() => loadTokenizer('/dev/zero')).toThrow(/^\/dev\/zero: is not a regular file .*vocabulary file/);
    expect(() => loadImportedMatrix('/dev/zero', { vocabSize: 4 })).toThrow(
      /^\/dev\/zero: is not a regular file .*matrix file/,
    );
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

describe('untrusted files behind links', () => {
  it('refuses kernel pseudo-files (their size says 0) directly and through a link, naming the role', () => {
    const link = join(dir, 'config.json');
    symlinkSync('/proc/self/environ', link);
    expect(() => readFileCapped('/proc/self/environ', READ_LIMITS.config, 'model config')).toThrow(
      /^\/proc\/self\/environ: is a system pseudo-file \(proc\), not a model config; give a model config on disk$/,
    );
    expect(() => readJsonCapped(link, 'model config')).toThrow(/config\.json: is a system pseudo-file \(proc\)/);
    expect(() =>
      readTextCapped('/sys/kernel/mm/transparent_hugepage/enabled', READ_LIMITS.text, 'evaluation data file'),
    ).toThrow(/is a system pseudo-file \(sys\), not an evaluation data file/);
  });

  it('a JSON error says where, never what: the file text is not quoted back', () => {
    const f = join(dir, 'secret.json');
    writeFileSync(f, 'HOME=/root\nAWS_SECRET=hunter2\n');
    let message = '';
    try {
      readJsonCapped(f, 'model config');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/secret\.json: the model config is not valid JSON \(/);
    expect(message).not.toMatch(/HOME|hunter2|root/);
    writeFileSync(f, '  \n');
    expect(() => readJsonCapped(f, 'model config')).toThrow(/not valid JSON \(it is empty\)/);
    writeFileSync(f, '{"a": [1, 2]}');
    expect(readJsonCapped(f, 'model config')).toEqual({ a: [1, 2] });
  });

  it('reads a file longer than its size said, still within the cap', () => {
    const f = join(dir, 'grown.txt');
    writeFileSync(f, 'x'.repeat(5000));
    expect(readTextCapped(f, 10_000, 'text')).toHaveLength(5000);
    expect(() => readTextCapped(f, 4999, 'text')).toThrow(/more than/);
  });
});
