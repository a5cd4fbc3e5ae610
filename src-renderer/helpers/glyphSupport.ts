// Whether this browser has a font for a character, and the substrate's own Unifont bitmap for one it lacks.
// A missing glyph is drawn as the font stack's "tofu" box: the same pixels as a code point no font covers.
import { api } from '../api';

const NO_FONT_HAS = '\u{10FFFD}';
const known = new Map<string, boolean>();
let ctx: CanvasRenderingContext2D | null | undefined;

function pixels(c: CanvasRenderingContext2D, ch: string): string {
  c.clearRect(0, 0, 32, 32);
  c.fillText(ch, 4, 24);
  const d = c.getImageData(0, 0, 32, 32).data;
  let s = '';
  for (let i = 3; i < d.length; i += 4) s += d[i]! > 127 ? '1' : '0';
  return s;
}

/** Scripts every font stack covers, and whitespace, are never checked. */
function trivially(ch: string): boolean {
  return /^[\s\p{Script=Latin}\p{P}\p{N}]$/u.test(ch) || ch.codePointAt(0)! < 0x250;
}

/** True when the page's font stack draws `ch` with a real glyph (or the check cannot run, e.g. no canvas). */
export function hasGlyph(ch: string, font = getComputedStyle(document.body).fontFamily): boolean {
  if (trivially(ch)) return true;
  const key = `${font}\u0000${ch}`;
  const hit = known.get(key);
  if (hit !== undefined) return hit;
  if (ctx === undefined) {
    try {
      const canvas = document.createElement('canvas');
      canvas.width = 32;
      canvas.height = 32;
      ctx = canvas.getContext('2d', { willReadFrequently: true });
    } catch {
      ctx = null;
    }
  }
  let ok = true;
  if (ctx) {
    ctx.font = `24px ${font}`;
    ctx.fillStyle = '#000';
    const tofu = pixels(ctx, NO_FONT_HAS);
    ok = pixels(ctx, ch) !== tofu;
  }
  known.set(key, ok);
  return ok;
}

const bitmaps = new Map<string, Promise<number[][] | null>>();

/** The substrate's bitmap of one character (null where the substrate has none, e.g. not a glyph substrate). */
export function glyphBitmap(substrateId: string, ch: string): Promise<number[][] | null> {
  const key = `${substrateId}\u0000${ch}`;
  let p = bitmaps.get(key);
  if (!p) {
    p = api()
      .invoke('substrates.lookup', { substrateId, token: ch })
      .then((r) => (r.bitmap.length > 0 ? r.bitmap : null))
      .catch(() => null);
    bitmaps.set(key, p);
  }
  return p;
}
