// Refuses files that are not UTF-8 text before decoding them, with a message that says what the file looks like.
import { UserError } from '../../common/errors';

const WHAT = 'Espalier imports UTF-8 text (.txt, .jsonl, .csv) or .parquet files';

function startsWith(b: Uint8Array, ...sig: number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}

/** Recognisable signatures get a specific hint; anything else falls through to the byte checks. */
function signature(b: Uint8Array): string | undefined {
  if (startsWith(b, 0xff, 0xfe) || startsWith(b, 0xfe, 0xff)) return 'is UTF-16 text; re-save it as UTF-8';
  if (startsWith(b, 0x1f, 0x8b)) return 'is gzip-compressed; decompress it first';
  if (startsWith(b, 0x50, 0x4b, 0x03, 0x04))
    return 'is a ZIP archive (also .docx/.xlsx); extract or export the text first';
  if (startsWith(b, 0x25, 0x50, 0x44, 0x46)) return 'is a PDF; export its text first';
  if (startsWith(b, 0x50, 0x41, 0x52, 0x31)) return 'is a Parquet file; import it with the parquet format';
  return undefined;
}

/** Bytes that do not occur in text: C0 controls other than tab, LF, VT, FF, CR and ESC, plus DEL. */
function isControl(b: number): boolean {
  return (b < 0x20 && !(b >= 0x09 && b <= 0x0d) && b !== 0x1b) || b === 0x7f;
}

/**
 * Call for every chunk in order (`offset` = the chunk's position in the file). The first chunk is
 * sniffed for signatures and a high share of control bytes; every chunk is checked for NUL.
 */
export function assertTextChunk(file: string, chunk: Uint8Array, offset: number): void {
  if (offset === 0) {
    const sig = signature(chunk);
    if (sig) throw new UserError(`${file} ${sig} (${WHAT})`);
    const n = Math.min(chunk.length, 64 * 1024);
    let controls = 0;
    for (let i = 0; i < n; i++) if (isControl(chunk[i]!)) controls++;
    // Real text has almost none; 10% leaves room for odd logs with escape sequences.
    if (n > 0 && controls / n > 0.1) {
      throw new UserError(
        `${file} looks like a binary file: ${Math.round((100 * controls) / n)}% of its first ${n} bytes are control characters (${WHAT})`,
      );
    }
  }
  const nul = chunk.indexOf(0);
  if (nul >= 0)
    throw new UserError(`${file} looks like a binary file: it has a NUL byte at byte offset ${offset + nul} (${WHAT})`);
}
