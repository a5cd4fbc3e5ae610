// Draws Espalier's icon in code — an espaliered tree (a trunk with three trained tiers) on a wall tile, as a 16×16
// pixel glyph in the spirit of GNU Unifont — and writes resources/icon.svg plus the PNG/ICO sizes Electron
// packaging uses. `npx tsx scripts/make-icons.ts`; test/resources.test.ts checks the committed files are current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

/** . wall, # tile edge, T trunk, B branch, L leaf, S soil; outside the rounded tile is transparent. */
const GLYPH = [
  ' ############## ',
  '#......LL......#',
  '#......TT......#',
  '#.L.BBBTTBBB.L.#',
  '#.B....TT....B.#',
  '#LB....TT....BL#',
  '#.BBBBBTTBBBBB.#',
  '#B.....TT.....B#',
  '#L.....TT.....L#',
  '#BBBBBBTTBBBBBB#',
  '#B.....TT.....B#',
  '#L.....TT.....L#',
  '#......TT......#',
  '#.....TTTT.....#',
  '#..SSSSSSSSSS..#',
  ' ############## ',
];
const COLORS: Record<string, [number, number, number, number]> = {
  ' ': [0, 0, 0, 0],
  '#': [0x8a, 0x5a, 0x3c, 255],
  '.': [0xf3, 0xe6, 0xcc, 255],
  T: [0x5b, 0x3a, 0x1e, 255],
  B: [0x7a, 0x4e, 0x2a, 255],
  L: [0x3f, 0x8f, 0x3a, 255],
  S: [0x9c, 0x6b, 0x3e, 255],
};
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** RGBA pixels of the icon at `size` (a multiple of 8): the glyph scaled by nearest neighbour. */
export function iconPixels(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = COLORS[GLYPH[Math.floor((y * 16) / size)]![Math.floor((x * 16) / size)]!]!;
      px.set(c, (y * size + x) * 4);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const v of b) c = CRC_TABLE[(c ^ v) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG of square `pixels`. */
export function encodePng(pixels: Uint8Array, size: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) raw.set(pixels.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    sig,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A Windows .ico holding PNG images (supported since Windows Vista). */
export function encodeIco(pngs: { size: number; png: Buffer }[]): Buffer {
  const head = Buffer.alloc(6 + 16 * pngs.length);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(pngs.length, 4);
  let offset = head.length;
  pngs.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    head.writeUInt8(size >= 256 ? 0 : size, e);
    head.writeUInt8(size >= 256 ? 0 : size, e + 1);
    head.writeUInt16LE(1, e + 4);
    head.writeUInt16LE(32, e + 6);
    head.writeUInt32LE(png.length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([head, ...pngs.map((p) => p.png)]);
}

export function iconSvg(): string {
  const rects: string[] = [];
  GLYPH.forEach((row, y) =>
    [...row].forEach((ch, x) => {
      const [r, g, b, a] = COLORS[ch]!;
      if (a > 0)
        rects.push(
          `<rect x="${x}" y="${y}" width="1" height="1" fill="#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}"/>`,
        );
    }),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="512" height="512" shape-rendering="crispEdges">\n<title>Espalier</title>\n${rects.join('\n')}\n</svg>\n`;
}

/** Every file under resources/ this script owns, by relative path. */
export function iconFiles(): Record<string, Buffer> {
  const files: Record<string, Buffer> = { 'icon.svg': Buffer.from(iconSvg()) };
  const pngs = new Map(PNG_SIZES.map((s) => [s, encodePng(iconPixels(s), s)]));
  for (const [s, png] of pngs) files[`icons/${s}x${s}.png`] = png;
  files['icon.png'] = pngs.get(512)!;
  files['icon.ico'] = encodeIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size)! })));
  return files;
}

if (process.argv[1] && /make-icons\.ts$/.test(process.argv[1])) {
  const dir = fileURLToPath(new URL('../resources/', import.meta.url));
  for (const [rel, bytes] of Object.entries(iconFiles())) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), bytes);
  }
  console.log(`wrote ${Object.keys(iconFiles()).length} files to ${dir}`);
}
