// The fixed layout every Espalier vocabulary follows (specials, 256 bytes, then text pieces) and its checks,
// shared by the builder, the tokenizer and the tokenizer.json loader.
import type { TokenPiece } from './types';

export const SPECIAL_TEXTS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;
export type SpecialText = (typeof SPECIAL_TEXTS)[number];
/** Id of byte token 0x00; byte b is BYTE_BASE + b. */
export const BYTE_BASE = SPECIAL_TEXTS.length;
/** Id of the first text piece. */
export const FIRST_TEXT_ID = BYTE_BASE + 256;
/** The longest n-gram the builder adds, in code points (the paper's 2–5-character n-grams). */
export const MAX_NGRAM = 5;

/** The Hugging Face / SentencePiece name of a byte-fallback token, e.g. `<0x0A>`. */
export function byteTokenName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** The pieces every vocabulary starts with: the four specials, then bytes 0x00..0xFF. */
export function fixedPieces(): TokenPiece[] {
  const pieces: TokenPiece[] = SPECIAL_TEXTS.map((text) => ({ kind: 'special', text }));
  for (let b = 0; b < 256; b++) pieces.push({ kind: 'byte', byte: b });
  return pieces;
}

/** Number of code points in a string (a surrogate pair is one, a lone surrogate is one). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** True when the string contains an unpaired surrogate (it could not be written as UTF-8 or JSON for HF). */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return true;
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (d < 0xdc00 || d > 0xdfff) return true;
    i++;
  }
  return false;
}

/**
 * Checks the layout: ids 0..3 the specials in order, 4..259 bytes 0..255 in order, then non-empty,
 * well-formed, distinct text pieces that do not spell a special or byte-token name (HF keys pieces by string).
 * Returns a problem description, or undefined when the layout is valid.
 */
export function layoutProblem(pieces: readonly TokenPiece[]): string | undefined {
  if (pieces.length < FIRST_TEXT_ID)
    return `a vocabulary needs at least ${FIRST_TEXT_ID} entries (4 specials + 256 bytes), got ${pieces.length}`;
  for (let i = 0; i < SPECIAL_TEXTS.length; i++) {
    const p = pieces[i]!;
    if (p.kind !== 'special' || p.text !== SPECIAL_TEXTS[i])
      return `token ${i} must be the special token ${SPECIAL_TEXTS[i]}`;
  }
  for (let b = 0; b < 256; b++) {
    const p = pieces[BYTE_BASE + b]!;
    if (p.kind !== 'byte' || p.byte !== b) return `token ${BYTE_BASE + b} must be the byte token ${byteTokenName(b)}`;
  }
  const reserved = new Set<string>(SPECIAL_TEXTS);
  for (let b = 0; b < 256; b++) reserved.add(byteTokenName(b));
  const seen = new Set<string>();
  for (let i = FIRST_TEXT_ID; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.kind !== 'text')
      return `token ${i} must be a text piece (specials and bytes come first), got a ${p.kind} token`;
    if (typeof p.text !== 'string' || p.text.length === 0) return `token ${i} is an empty text piece`;
    if (hasLoneSurrogate(p.text)) return `token ${i} contains an unpaired UTF-16 surrogate`;
    if (reserved.has(p.text)) return `token ${i} (${JSON.stringify(p.text)}) spells a special or byte-token name`;
    if (seen.has(p.text)) return `token ${i} (${JSON.stringify(p.text)}) appears twice`;
    seen.add(p.text);
  }
  return undefined;
}
