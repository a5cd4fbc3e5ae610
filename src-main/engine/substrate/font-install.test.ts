// Fetching GNU Unifont against a loopback server: the real font (the tests' Unifont 15.0.01, gzipped) installs and is then found
// by discovery; a wrong checksum, a refused connection, a 404 and a decompression bomb write nothing and say why.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingUrl, serveBodies, type Loopback } from '../../../test/helpers/loopback';
import { unifontPath } from '../../../test/helpers/fixtures';
import { defaultFontSearch, findSystemUnifont } from './discover';
import { installUnifont, UNIFONT_FILE, UNIFONT_HEX_SHA256 } from './font-install';

let tmp: string;
let server: Loopback;
let hex: Buffer;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'espalier-font-install-'));
  hex = readFileSync(unifontPath());
  const tampered = Buffer.from(hex);
  tampered[tampered.indexOf(0x3a) + 1] ^= 1; // one bit of the first glyph's bitmap
  server = await serveBodies({
    '/unifont.hex.gz': gzipSync(hex),
    '/tampered.hex.gz': gzipSync(tampered),
    '/bomb.hex.gz': gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x30)),
    '/plain.txt': Buffer.from('not gzip at all\n'),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const dir = (name: string) => join(tmp, name);

describe('installUnifont', () => {
  it('pins the SHA-256 of the GNU Unifont 15.0.01 file the tests use', () => {
    expect(createHash('sha256').update(hex).digest('hex')).toBe(UNIFONT_HEX_SHA256);
  });

  it('downloads, reports progress, verifies, writes the .hex, and discovery then finds it in the app font folder', async () => {
    const seen: number[] = [];
    const data = dir('data');
    const r = await installUnifont({
      dir: join(data, 'fonts'),
      urls: [server.url('/unifont.hex.gz')],
      onProgress: (p) => seen.push(p.receivedBytes),
    });
    expect(r).toEqual({
      path: join(data, 'fonts', UNIFONT_FILE),
      sha256: UNIFONT_HEX_SHA256,
      bytes: hex.length,
      url: server.url('/unifont.hex.gz'),
    });
    expect(readFileSync(r.path).equals(hex)).toBe(true);
    expect(seen.at(-1)).toBe(gzipSync(hex).length);
    const search = defaultFontSearch('linux', { HOME: dir('nohome'), ESPALIER_DATA_DIR: data });
    expect(findSystemUnifont({ dirs: search.dirs.slice(-1), trees: [] })).toBe(r.path);
    // A second install keeps the verified copy and asks no mirror.
    const before = server.requests.length;
    expect((await installUnifont({ dir: join(data, 'fonts'), urls: [server.url('/unifont.hex.gz')] })).url).toBeNull();
    expect(server.requests.length).toBe(before);
  });

  it('refuses a file whose checksum differs, writing nothing', async () => {
    const d = dir('tampered');
    await expect(installUnifont({ dir: d, urls: [server.url('/tampered.hex.gz')] })).rejects.toThrow(
      new RegExp(
        `tampered\\.hex\\.gz: SHA-256 of the decompressed font is [0-9a-f]{64}, expected ${UNIFONT_HEX_SHA256}.*sudo apt install unifont`,
      ),
    );
    expect(existsSync(d) ? readdirSync(d) : []).toEqual([]);
  });

  it('says which mirror refused the connection, and falls back to the next mirror', async () => {
    const refused = await refusingUrl('/unifont.hex.gz');
    await expect(installUnifont({ dir: dir('offline'), urls: [refused] })).rejects.toThrow(
      /could not fetch GNU Unifont 15\.0\.01: http:\/\/127\.0\.0\.1:\d+\/unifont\.hex\.gz: fetch failed \(ECONNREFUSED\)/,
    );
    expect(existsSync(join(dir('offline'), UNIFONT_FILE))).toBe(false);
    const r = await installUnifont({
      dir: dir('fallback'),
      urls: [refused, server.url('/missing.hex.gz'), server.url('/unifont.hex.gz')],
    });
    expect(r.url).toBe(server.url('/unifont.hex.gz'));
  });

  it('names a 404, a non-gzip body and a decompression bomb', async () => {
    const urls = ['/missing.hex.gz', '/plain.txt', '/bomb.hex.gz'].map((p) => server.url(p));
    const err = await installUnifont({ dir: dir('bad'), urls }).catch((e: Error) => e);
    expect(String(err)).toMatch(
      /missing\.hex\.gz: HTTP 404 Not Found; .*plain\.txt: not a gzip file .*; .*bomb\.hex\.gz: decompresses to more than 16777216 bytes: not the font/,
    );
  });

  it('replaces a corrupt copy already in the folder', async () => {
    const d = dir('corrupt');
    await installUnifont({ dir: d, urls: [server.url('/unifont.hex.gz')] });
    writeFileSync(join(d, UNIFONT_FILE), 'broken');
    const r = await installUnifont({ dir: d, urls: [server.url('/unifont.hex.gz')] });
    expect(r.url).not.toBeNull();
    expect(readFileSync(r.path).equals(hex)).toBe(true);
  });
});
