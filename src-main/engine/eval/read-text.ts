// Reads a text file as strict UTF-8; a bad byte is reported with its line instead of silently becoming U+FFFD.
import { readFileSync, statSync } from 'node:fs';
import { UserError, atLine } from '../../common/errors';

export function readUtf8(file: string): string {
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file}: is a folder, expected a file`);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
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
