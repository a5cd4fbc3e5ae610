// The tokenizer id: SHA-256 of a length-prefixed binary serialisation of the encoding rule and the ordered
// vocabulary, simple enough to reproduce in any language, and independent of how the vocabulary is stored.
import { sha256Hex } from '../util/hash';
import type { TokenPiece } from './types';

/** How text becomes ids; part of the identity, since one vocabulary under two rules gives different ids. */
export type EncodingRule = 'ngram-bpe' | 'greedy-longest-match';

/**
 * Serialisation (all integers big-endian):
 *   the rule's header (ASCII): "espalier-vocab/1\n" for greedy longest match (the first format, whose ids
 *   must not change), "espalier-vocab/2 ngram-bpe\n" for the n-gram BPE; then for each piece in id order one record:
 *     special: 0x00, u32 byte length, UTF-8 text
 *     byte:    0x01, the byte value (1 byte)
 *     text:    0x02, u32 byte length, UTF-8 text
 * Kinds and lengths are explicit, so no two different vocabularies serialise to the same bytes.
 */
export const VOCAB_ID_HEADERS: Record<EncodingRule, string> = {
  'greedy-longest-match': 'espalier-vocab/1\n',
  'ngram-bpe': 'espalier-vocab/2 ngram-bpe\n',
};

export function vocabularyBytes(pieces: readonly TokenPiece[], rule: EncodingRule): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(VOCAB_ID_HEADERS[rule])];
  let total = parts[0]!.length;
  for (const p of pieces) {
    let rec: Uint8Array;
    if (p.kind === 'byte') {
      rec = Uint8Array.of(0x01, p.byte & 0xff);
    } else {
      const text = enc.encode(p.text);
      rec = new Uint8Array(5 + text.length);
      rec[0] = p.kind === 'special' ? 0x00 : 0x02;
      new DataView(rec.buffer).setUint32(1, text.length, false);
      rec.set(text, 5);
    }
    parts.push(rec);
    total += rec.length;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** SHA-256 (hex) of the rule and the ordered vocabulary. */
export function vocabularyId(pieces: readonly TokenPiece[], rule: EncodingRule): string {
  return sha256Hex(vocabularyBytes(pieces, rule));
}
