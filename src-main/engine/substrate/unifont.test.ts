// The Unifont reader and renderer against the real GNU Unifont 15.0.01 file: glyph rows must come through exactly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { unifontPath } from '../../../test/helpers/fixtures';
import { UserError } from '../../common/errors';
import { renderToken } from './index';
import { loadUnifont, parseUnifontHex, type UnifontFont } from './unifont';

/** The expected 16×16 cell straight from the file's text: hex rows → bits, 8-wide glyphs padded by 4 columns each side. */
function expectedCell(hexText: string, cp: number): string[] {
  const line = hexText.split('\n').find((l) => l.startsWith(`${cp.toString(16).toUpperCase().padStart(4, '0')}:`))!;
  const digits = line.split(':')[1]!.trim();
  const perRow = digits.length / 16;
  return Array.from({ length: 16 }, (_, r) => {
    const bits = parseInt(digits.slice(r * perRow, (r + 1) * perRow), 16)
      .toString(2)
      .padStart(perRow * 4, '0');
    return perRow === 2 ? `0000${bits}0000` : bits;
  });
}

function cellRows(bits: Uint8Array, size: number): string[] {
  return Array.from({ length: size }, (_, r) => Array.from(bits.subarray(r * size, (r + 1) * size)).join(''));
}

describe('GNU Unifont .hex', () => {
  let font: UnifontFont;
  let text: string;
  beforeAll(() => {
    font = loadUnifont(unifontPath());
    text = readFileSync(unifontPath(), 'utf8');
  });

  it('reads every glyph of the file and hashes the file', () => {
    expect(font.glyphs.size).toBe(text.split('\n').filter((l) => l.trim() !== '').length);
    expect(font.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(font.glyphs.get(0x41)!.width).toBe(8);
    expect(font.glyphs.get(0x4e2d)!.width).toBe(16);
  });

  it.each([
    ['A', 0x41],
    ['Ж', 0x416],
    ['中', 0x4e2d],
  ])('renders %s exactly as the rows of the .hex file', (ch, cp) => {
    const bm = renderToken(ch, font);
    expect(bm.size).toBe(16);
    expect(cellRows(bm.bits, 16)).toEqual(expectedCell(text, cp));
  });

  it('doubles every pixel on the 32×32 grid', () => {
    const small = cellRows(renderToken('Ж', font).bits, 16);
    const big = cellRows(renderToken('Ж', font, { grid: 32 }).bits, 32);
    const doubled = small.flatMap((row) => {
      const wide = [...row].map((b) => b + b).join('');
      return [wide, wide];
    });
    expect(big).toEqual(doubled);
  });

  it('reads .hex.gz by content and gives the same glyphs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'espalier-unifont-'));
    const gz = join(dir, 'unifont.hex.gz');
    writeFileSync(gz, gzipSync(readFileSync(unifontPath())));
    const zipped = loadUnifont(gz);
    expect(zipped.glyphs.size).toBe(font.glyphs.size);
    expect(cellRows(renderToken('中', zipped).bits, 16)).toEqual(cellRows(renderToken('中', font).bits, 16));
    expect(zipped.sha256).not.toBe(font.sha256); // the hash is of the file as stored
  });

  it('names the file and the first bad line of something that is not .hex', () => {
    const bad = '0041:0000000018242442427E424242420000\n\nhello world\n0042:00';
    expect(() => parseUnifontHex(bad, 'fake.hex')).toThrow(UserError);
    expect(() => parseUnifontHex(bad, 'fake.hex')).toThrow(/^fake\.hex:3: not a GNU Unifont \.hex file/);
    expect(() => parseUnifontHex('0041:0000', 'short.hex')).toThrow(/^short\.hex:1: /);
    const dir = mkdtempSync(join(tmpdir(), 'espalier-unifont-'));
    const empty = join(dir, 'empty.hex');
    writeFileSync(empty, '\n\n');
    expect(() => loadUnifont(empty)).toThrow(/empty\.hex: not a GNU Unifont \.hex file \(it holds no glyph lines\)/);
    expect(() => loadUnifont(join(dir, 'missing.hex'))).toThrow(/missing\.hex: font file not found/);
  });
});
