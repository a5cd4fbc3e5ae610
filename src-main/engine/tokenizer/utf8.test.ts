// The byte-fallback UTF-8 helpers: lenient decoding (never throws, WTF-8 surrogates) and strict validation.
import { describe, expect, it } from 'vitest';
import { decodeWtf8, firstInvalidUtf8, utf8Length, writeUtf8 } from './utf8';

function wtf8(cp: number): number[] {
  const out: number[] = [];
  writeUtf8(cp, out, 0);
  return out;
}

describe('writeUtf8', () => {
  it('matches the platform encoder for scalar values', () => {
    for (const cp of [0, 0x41, 0x7f, 0x80, 0x416, 0x7ff, 0x800, 0x4e2d, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff]) {
      expect(wtf8(cp)).toEqual([...Buffer.from(String.fromCodePoint(cp), 'utf8')]);
      expect(utf8Length(cp)).toBe(wtf8(cp).length);
    }
  });
  it('writes lone surrogates as 3-byte WTF-8 and adds the offset', () => {
    expect(wtf8(0xd800)).toEqual([0xed, 0xa0, 0x80]);
    expect(wtf8(0xdfff)).toEqual([0xed, 0xbf, 0xbf]);
    const out: number[] = [];
    expect(writeUtf8(0x20ac, out, 1, 4)).toBe(3);
    expect(out.slice(1)).toEqual([0xe2 + 4, 0x82 + 4, 0xac + 4]);
  });
});

describe('decodeWtf8', () => {
  it('decodes well-formed UTF-8 and WTF-8 surrogates', () => {
    expect(decodeWtf8([...Buffer.from('aЖ中😀', 'utf8')])).toBe('aЖ中😀');
    expect(decodeWtf8([0xed, 0xa0, 0x80])).toBe('\ud800');
    expect(decodeWtf8([0xed, 0xb0, 0x80, 0x61])).toBe('\udc00a');
  });
  it('replaces each maximal ill-formed subpart with one U+FFFD', () => {
    expect(decodeWtf8([0xff])).toBe('\ufffd');
    expect(decodeWtf8([0x80, 0x80])).toBe('\ufffd\ufffd');
    expect(decodeWtf8([0xe2, 0x82])).toBe('\ufffd'); // truncated €
    expect(decodeWtf8([0xe2, 0x82, 0x41])).toBe('\ufffdA');
    expect(decodeWtf8([0xc0, 0xaf])).toBe('\ufffd\ufffd'); // overlong '/'
    expect(decodeWtf8([0xe0, 0x80, 0xaf])).toBe('\ufffd\ufffd\ufffd');
    expect(decodeWtf8([0xf4, 0x90, 0x80, 0x80])).toBe('\ufffd\ufffd\ufffd\ufffd'); // above U+10FFFF
    expect(decodeWtf8([0xf0, 0x9f, 0x98])).toBe('\ufffd');
  });
  it('never throws on random bytes and yields only well-formed output or U+FFFD/surrogates', () => {
    let seed = 12345;
    for (let t = 0; t < 300; t++) {
      const bytes: number[] = [];
      const n = t % 17;
      for (let i = 0; i < n; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        bytes.push(seed >>> 24);
      }
      const s = decodeWtf8(bytes);
      expect(typeof s).toBe('string');
      expect(s.length).toBeLessThanOrEqual(n);
    }
  });
});

describe('firstInvalidUtf8', () => {
  it('returns -1 for valid UTF-8 and the offset of the first bad byte otherwise', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo 中文 😀', 'utf8'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0x62, 0x63, 0xff))).toBe(3);
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0xed, 0xa0, 0x80))).toBe(1); // surrogates are not UTF-8
    expect(firstInvalidUtf8(Uint8Array.of(0x61, 0x62, 0xe2, 0x82))).toBe(2); // truncated at the end
  });
});
