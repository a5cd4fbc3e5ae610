// Font discovery against temporary folders standing in for system font locations, and the .npy reader's headers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFontSearch, findSystemUnifont, resolveFontPath } from './discover';
import { decodeNpy, encodeNpy } from './npy';

function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'espalier-fonts-'));
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '0041:0000000018242442427E424242420000\n');
  }
  return root;
}

describe('font discovery', () => {
  it('prefers the explicit path, then direct folders, then font trees', () => {
    const root = tree([
      'share/unifont/unifont.hex.gz',
      'share/unifont/unifont.hex',
      'fonts/misc/unifont-16.0.01.hex.gz',
    ]);
    const search = { dirs: [join(root, 'share/unifont')], trees: [join(root, 'fonts')] };
    expect(findSystemUnifont(search)).toBe(join(root, 'share/unifont/unifont.hex'));
    expect(findSystemUnifont({ dirs: [], trees: [join(root, 'fonts')] })).toBe(
      join(root, 'fonts/misc/unifont-16.0.01.hex.gz'),
    );
    expect(resolveFontPath(join(root, 'share/unifont/unifont.hex.gz'), search)).toBe(
      join(root, 'share/unifont/unifont.hex.gz'),
    );
  });

  it('takes the base font only, newest version first, never the other planes', () => {
    const root = tree([
      'f/unifont_upper-15.0.01.hex',
      'f/unifont_csur.hex',
      'f/unifont-14.0.04.hex',
      'f/unifont-15.1.05.hex.gz',
      'f/unifont-15.0.01.hex',
    ]);
    expect(findSystemUnifont({ dirs: [join(root, 'f')], trees: [] })).toBe(join(root, 'f/unifont-15.1.05.hex.gz'));
    const upperOnly = tree(['f/unifont_upper.hex']);
    expect(findSystemUnifont({ dirs: [join(upperOnly, 'f')], trees: [join(upperOnly)] })).toBeUndefined();
  });

  it('tells the user how to get Unifont when none is found', () => {
    const empty = mkdtempSync(join(tmpdir(), 'espalier-nofonts-'));
    const search = { dirs: [join(empty, 'a')], trees: [join(empty, 'b')] };
    expect(() => resolveFontPath(undefined, search)).toThrow(
      /no GNU Unifont \.hex file found \(looked in .*a, .*b\); get GNU Unifont: `espalier font install` downloads.*Debian\/Ubuntu: sudo apt install unifont.*--font PATH/,
    );
    expect(() => resolveFontPath(join(empty, 'x.hex'), search)).toThrow(/x\.hex: font file not found; get GNU Unifont/);
  });

  it('knows the usual places on each platform', () => {
    expect(defaultFontSearch('linux', { HOME: '/home/u' }).dirs).toContain('/usr/share/unifont');
    expect(defaultFontSearch('linux', { HOME: '/home/u' }).trees).toContain('/usr/share/fonts');
    expect(defaultFontSearch('darwin', {}).dirs).toContain('/opt/homebrew/share/unifont');
    const win = defaultFontSearch('win32', {
      LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local',
      APPDATA: 'C:\\Users\\u\\AppData\\Roaming',
      WINDIR: 'C:\\Windows',
    });
    expect(win.dirs.some((d) => d.includes('Windows') && d.endsWith('Fonts'))).toBe(true);
    expect(win.dirs.length).toBe(4);
    // Last everywhere: the app's own font folder, where `espalier font install` puts what it fetched.
    expect(win.dirs.at(-1)).toBe(join('C:\\Users\\u\\AppData\\Roaming', 'espalier', 'fonts'));
    expect(defaultFontSearch('linux', { HOME: '/home/u' }).dirs.at(-1)).toBe('/home/u/.config/espalier/fonts');
    expect(defaultFontSearch('darwin', { HOME: '/Users/u' }).dirs.at(-1)).toBe(
      '/Users/u/Library/Application Support/espalier/fonts',
    );
    expect(defaultFontSearch('linux', { HOME: '/home/u', ESPALIER_DATA_DIR: '/data' }).dirs.at(-1)).toBe('/data/fonts');
  });
});

describe('.npy', () => {
  it('round-trips float32 and float64 matrices and reads version 2 headers', () => {
    const m = Float64Array.from({ length: 6 }, (_, i) => i / 3);
    const back = decodeNpy(encodeNpy(m, [2, 3]), 'm.npy');
    expect(back).toMatchObject({ shape: [2, 3], dtype: '<f8' });
    expect([...back.data]).toEqual([...m]);
    // Version 2: 4-byte header length.
    const v1 = encodeNpy(new Float32Array([1, 2]), [1, 2]);
    const hlen = v1[8]! | (v1[9]! << 8);
    const v2 = new Uint8Array(v1.length + 2);
    v2.set(v1.subarray(0, 8));
    v2[6] = 2;
    new DataView(v2.buffer).setUint32(8, hlen, true);
    v2.set(v1.subarray(10), 12);
    expect([...decodeNpy(v2, 'v2.npy').data]).toEqual([1, 2]);
  });

  it('names the file and the problem', () => {
    expect(() => decodeNpy(new TextEncoder().encode('hello, not numpy'), 'x.npy')).toThrow(
      /^x\.npy: not a NumPy \.npy file/,
    );
    const fortran = Buffer.from(encodeNpy(new Float32Array(4), [2, 2]))
      .toString('latin1')
      .replace('False', 'True ');
    expect(() => decodeNpy(Buffer.from(fortran, 'latin1'), 'f.npy')).toThrow(
      /f\.npy: the matrix is stored in Fortran order/,
    );
    const whole = encodeNpy(new Float32Array(4), [2, 2]);
    expect(() => decodeNpy(whole.subarray(0, whole.length - 4), 't.npy')).toThrow(
      't.npy: holds 12 data bytes but shape (2, 2) of <f4 needs 16',
    );
    expect(() => decodeNpy(whole.subarray(0, 40), 'h.npy')).toThrow('h.npy: truncated .npy header');
  });
});
