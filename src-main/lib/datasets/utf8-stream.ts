// Strict streaming UTF-8 decoding that reports the absolute byte offset and line of the first bad sequence.
import { UserError } from '../../common/errors';
import { firstInvalidUtf8 } from '../../engine/tokenizer/utf8';

/** Length of the prefix of bytes[0, n) that ends on a sequence boundary (the rest waits for the next chunk). */
function completePrefix(bytes: Uint8Array, n: number): number {
  for (let k = 1; k <= Math.min(3, n); k++) {
    const c = bytes[n - k]!;
    if ((c & 0xc0) === 0x80) continue;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? n - k : n;
  }
  // Three trailing continuation bytes: either complete or invalid — the validator decides.
  return n;
}

function describe(bytes: Uint8Array, i: number, atEnd: boolean): string {
  const b = bytes[i]!;
  const hex = (x: number) => `0x${x.toString(16).toUpperCase().padStart(2, '0')}`;
  if (b >= 0x80 && b <= 0xbf) return `unexpected continuation byte ${hex(b)}`;
  if (b === 0xc0 || b === 0xc1 || b >= 0xf5) return `byte ${hex(b)} never appears in UTF-8`;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
  const rest = bytes.subarray(i + 1);
  if (atEnd && rest.length < need - 1 && rest.every((c) => (c & 0xc0) === 0x80)) {
    return `the file ends in the middle of a ${need}-byte sequence`;
  }
  const seq = Array.from(bytes.subarray(i, Math.min(bytes.length, i + need)), hex).join(' ');
  return `ill-formed sequence ${seq} (truncated, overlong, surrogate or beyond U+10FFFF)`;
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1 && i < end; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Feed chunks in order; each call returns the text of the complete sequences so far. Throws a
 * UserError "FILE: invalid UTF-8 at byte offset N (line L): …" where N counts from the file's
 * first byte (a leading byte-order mark included; it is dropped from the text).
 */
export class Utf8StreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private carry: Uint8Array = new Uint8Array(0);
  /** Absolute offset of carry[0]. */
  private offset = 0;
  /** Newlines before carry[0]. */
  private lines = 0;
  private started = false;

  constructor(private readonly file: string) {}

  /** Bytes consumed so far (decoded or waiting). */
  get bytesSeen(): number {
    return this.offset + this.carry.length;
  }

  write(chunk: Uint8Array): string {
    let bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (!this.started) {
      if (
        bytes.length < 3 &&
        bytes.length > 0 &&
        [0xef, 0xbb, 0xbf].slice(0, bytes.length).every((b, i) => bytes[i] === b)
      ) {
        this.carry = bytes.slice();
        return '';
      }
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        this.offset += 3;
      }
    }
    const n = completePrefix(bytes, bytes.length);
    const text = this.decode(bytes, n, false);
    // Copy: the caller may reuse its chunk buffer.
    this.carry = bytes.slice(n);
    return text;
  }

  /** Flushes the end of the file; a sequence cut off by the end is an error. */
  end(): string {
    const bytes = this.carry;
    this.started = true;
    if (bytes.length === 0) return '';
    const text = this.decode(bytes, bytes.length, true);
    this.carry = new Uint8Array(0);
    return text;
  }

  private decode(bytes: Uint8Array, n: number, atEnd: boolean): string {
    const view = bytes.subarray(0, n);
    let text: string;
    try {
      text = this.decoder.decode(view);
    } catch {
      let bad = firstInvalidUtf8(view);
      if (bad < 0) bad = 0;
      const line = this.lines + countNewlines(view, bad) + 1;
      throw new UserError(
        `${this.file}: invalid UTF-8 at byte offset ${this.offset + bad} (line ${line}): ${describe(view, bad, atEnd)}; re-save the file as UTF-8`,
      );
    }
    this.lines += countNewlines(view, n);
    this.offset += n;
    return text;
  }
}
