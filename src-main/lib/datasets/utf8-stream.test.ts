// Strict streaming UTF-8: exact byte offsets and lines of the first bad sequence, whatever the chunking.
import { describe, expect, it } from 'vitest';
import { Utf8StreamDecoder } from './utf8-stream';

function decodeChunked(bytes: Uint8Array, size: number): string {
  const d = new Utf8StreamDecoder('f.txt');
  let out = '';
  for (let i = 0; i < bytes.length; i += size) out += d.write(bytes.subarray(i, i + size));
  return out + d.end();
}

const CHUNK_SIZES = [1, 2, 3, 5, 7, 64];

describe('Utf8StreamDecoder', () => {
  it('decodes valid text identically for every chunk size, sequences split across chunks', () => {
    const text = 'Debian — Дебиан — 德比安 — 🌳 espalier\nline 2\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (const size of CHUNK_SIZES) expect(decodeChunked(bytes, size)).toBe(text);
  });

  it('drops a leading byte-order mark but keeps U+FEFF elsewhere', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\uFEFFb', 'utf8')]);
    for (const size of CHUNK_SIZES) expect(decodeChunked(bytes, size)).toBe('a\uFEFFb');
  });

  const cases: [string, Buffer, number, number, RegExp][] = [
    [
      'a lone continuation byte',
      Buffer.concat([Buffer.from('ab\ncd'), Buffer.from([0x80]), Buffer.from('x')]),
      5,
      2,
      /unexpected continuation byte 0x80/,
    ],
    [
      'an invalid byte',
      Buffer.concat([Buffer.from('héllo '), Buffer.from([0xff])]),
      7,
      1,
      /byte 0xFF never appears in UTF-8/,
    ],
    ['an overlong slash', Buffer.concat([Buffer.from('x\n\ny'), Buffer.from([0xc0, 0xaf])]), 4, 3, /byte 0xC0/],
    [
      'a UTF-16 surrogate',
      Buffer.concat([Buffer.from('Дом '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('z')]),
      7,
      1,
      /ill-formed sequence 0xED 0xA0 0x80/,
    ],
    [
      'a truncated sequence mid-file',
      Buffer.concat([Buffer.from('德'), Buffer.from([0xe5, 0xbe]), Buffer.from('ab')]),
      3,
      1,
      /ill-formed sequence/,
    ],
    [
      'a sequence cut off by the end',
      Buffer.concat([Buffer.from('1\n2\n德'), Buffer.from([0xe5, 0xbe])]),
      7,
      3,
      /ends in the middle of a 3-byte sequence/,
    ],
    ['beyond U+10FFFF', Buffer.concat([Buffer.from('ok'), Buffer.from([0xf4, 0x90, 0x80, 0x80])]), 2, 1, /ill-formed/],
  ];
  for (const [what, bytes, offset, line, msg] of cases) {
    it(`reports ${what} at byte offset ${offset}, line ${line}, for every chunk size`, () => {
      for (const size of CHUNK_SIZES) {
        expect(() => decodeChunked(bytes, size)).toThrow(
          `f.txt: invalid UTF-8 at byte offset ${offset} (line ${line})`,
        );
        expect(() => decodeChunked(bytes, size)).toThrow(msg);
      }
    });
  }

  it('counts the byte-order mark in offsets', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('ab'), Buffer.from([0xfe])]);
    for (const size of CHUNK_SIZES) expect(() => decodeChunked(bytes, size)).toThrow(/at byte offset 5 \(line 1\)/);
  });

  it('finds the offset deep in a large stream', () => {
    const good = Buffer.from('Привет, мир! 你好\n'.repeat(20_000));
    const bytes = Buffer.concat([good, Buffer.from([0xc3, 0x28])]);
    const lines = 20_001;
    for (const size of [4093, 65536])
      expect(() => decodeChunked(bytes, size)).toThrow(`at byte offset ${good.length} (line ${lines})`);
  });
});
