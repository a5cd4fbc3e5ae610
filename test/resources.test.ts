// resources/: the app's own icon, drawn by scripts/make-icons.ts. The committed files must be what the script
// makes now (regenerate with `npx tsx scripts/make-icons.ts`), valid PNGs at each size, and wired into the window.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iconFiles, PNG_SIZES } from '../scripts/make-icons';
import { ROOT } from './helpers/cli';

const resources = join(ROOT, 'resources');

describe('resources/', () => {
  const files = iconFiles();

  it('holds exactly what scripts/make-icons.ts draws', () => {
    for (const [rel, bytes] of Object.entries(files))
      expect(readFileSync(join(resources, rel)).equals(bytes), rel).toBe(true);
  });

  it('has a PNG of every packaging size, with those dimensions and an opaque centre', () => {
    for (const s of PNG_SIZES) {
      const png = readFileSync(join(resources, 'icons', `${s}x${s}.png`));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([s, s]);
      const idat = png.indexOf('IDAT');
      const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
      const row = s * 4 + 1;
      const mid = Math.floor(s / 2) * row + 1 + Math.floor(s / 2) * 4;
      expect(raw.length).toBe(s * row);
      expect(raw[mid + 3]).toBe(255);
    }
  });

  it('is the Electron window icon, imported as a build asset', () => {
    expect(readFileSync(join(ROOT, 'src-main/app/index.ts'), 'utf8')).toMatch(
      /import icon from '\.\.\/\.\.\/resources\/icon\.png\?asset';[\s\S]*\bicon,/,
    );
  });
});
