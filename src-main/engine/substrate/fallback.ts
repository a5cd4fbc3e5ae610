// Deterministic 16×16 stand-in bitmaps for what Unifont cannot draw: code points without a glyph, byte tokens, specials.
// Like Unifont's own boxes, each shows its hex value inside a frame, so distinct inputs get distinct, readable cells.
//
// The rule (documented for users; changing it changes substrate ids):
//   - missing code point: 1-pixel solid frame; its hex value in a 3×5 pixel font, padded to 4 digits (6 above
//     U+FFFF), written as two centred rows of 2 (or 3) digits;
//   - byte token 0xNN: 1-pixel dotted frame (pixels where row+column is even) and the 2 digits "NN" in one row;
//   - special token <name>: 2-pixel solid frame and the first 3 letters of the name, upper-cased, in one row
//     (<pad> → PAD, <bos> → BOS, <eos> → EOS, <unk> → UNK); letters the small font lacks are drawn as solid 3×5 blocks.

export const CELL = 16;

// Each character is 5 rows of 3 pixels, written left to right, top to bottom.
const TINY: Record<string, string> = {
  '0': '111101101101111',
  '1': '010110010010111',
  '2': '111001111100111',
  '3': '111001111001111',
  '4': '101101111001001',
  '5': '111100111001111',
  '6': '111100111101111',
  '7': '111001001001001',
  '8': '111101111101111',
  '9': '111101111001111',
  A: '010101111101101',
  B: '110101110101110',
  C: '011100100100011',
  D: '110101101101110',
  E: '111100110100111',
  F: '111100110100100',
  K: '101101110101101',
  N: '101111111101101',
  O: '010101101101010',
  P: '110101110100100',
  S: '011100010001110',
  U: '101101101101111',
};
const SOLID = '111111111111111';

function drawText(cell: Uint8Array, text: string, top: number, left: number): void {
  for (let k = 0; k < text.length; k++) {
    const pattern = TINY[text[k]!] ?? SOLID;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) if (pattern[r * 3 + c] === '1') cell[(top + r) * CELL + left + k * 4 + c] = 1;
    }
  }
}

/** Draws `lines` (equal-length strings) centred in the area inside a frame of thickness `inset`. */
function drawCentred(cell: Uint8Array, lines: string[], inset: number): void {
  const inner = CELL - 2 * inset;
  const width = lines[0]!.length * 4 - 1;
  const height = lines.length * 7 - 2; // 5-pixel rows, 2-pixel gaps
  const top = inset + Math.floor((inner - height) / 2);
  const left = inset + Math.floor((inner - width) / 2);
  lines.forEach((line, i) => drawText(cell, line, top + i * 7, left));
}

function frame(cell: Uint8Array, thickness: number, dotted: boolean): void {
  for (let r = 0; r < CELL; r++) {
    for (let c = 0; c < CELL; c++) {
      const edge = r < thickness || c < thickness || r >= CELL - thickness || c >= CELL - thickness;
      if (edge && (!dotted || (r + c) % 2 === 0)) cell[r * CELL + c] = 1;
    }
  }
}

/** The box for a code point that the font has no glyph for. */
export function missingGlyphCell(codePoint: number): Uint8Array {
  const cell = new Uint8Array(CELL * CELL);
  frame(cell, 1, false);
  const hex = codePoint
    .toString(16)
    .toUpperCase()
    .padStart(codePoint > 0xffff ? 6 : 4, '0');
  const half = hex.length / 2;
  drawCentred(cell, [hex.slice(0, half), hex.slice(half)], 1);
  return cell;
}

/** The box for byte-fallback token 0xNN. */
export function byteCell(byte: number): Uint8Array {
  const cell = new Uint8Array(CELL * CELL);
  frame(cell, 1, true);
  drawCentred(cell, [byte.toString(16).toUpperCase().padStart(2, '0')], 1);
  return cell;
}

/** The box for a special token such as <pad>. */
export function specialCell(name: string): Uint8Array {
  const cell = new Uint8Array(CELL * CELL);
  frame(cell, 2, false);
  const letters = name.replace(/[<>]/g, '').toUpperCase().slice(0, 3) || '?';
  drawCentred(cell, [letters], 2);
  return cell;
}
