// Reads a text file as strict UTF-8; a bad byte is reported with its line instead of silently becoming U+FFFD.
import { atLine } from '../../common/errors';
import { READ_LIMITS, readFileCapped } from '../util/read-capped';

/** Evaluation data: a regular file (never a device or pipe, even through a link) of bounded size. */
export function readUtf8(file: string): string {
  const bytes = readFileCapped(file, READ_LIMITS.text, 'evaluation data file');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    // Find the first invalid sequence to name its line.
    let line = 1;
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      const chunk = len > 0 ? bytes.subarray(i, i + len) : undefined;
      let ok = chunk !== undefined && chunk.length === len;
      if (ok && len > 1) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(chunk);
        } catch {
          ok = false;
        }
      }
      if (!ok) break;
      if (b === 0x0a) line++;
      i += len;
    }
    throw atLine(file, line, 'the file is not valid UTF-8 (save it as UTF-8)');
  }
}

/** Splits text into lines, numbering from 1; accepts LF and CRLF. */
export function splitLines(text: string): { line: number; text: string }[] {
  return text.split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t }));
}
