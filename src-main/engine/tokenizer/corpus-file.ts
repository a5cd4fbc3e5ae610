// Reads a corpus file as text, refusing what would silently skew a vocabulary: missing, empty or non-UTF-8 files.
import { UserError } from '../../common/errors';
import { READ_LIMITS, readFileCapped } from '../util/read-capped';
import { describeReadError } from './hf-json';
import { firstInvalidUtf8 } from './utf8';

export function readCorpusFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileCapped(path, READ_LIMITS.corpus, 'corpus file');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${path}: ${describeReadError(err)} (corpus file)`);
  }
  if (bytes.length === 0) throw new UserError(`${path}: the corpus file is empty`);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
    throw new UserError(`${path}: not valid UTF-8 at byte offset ${bad} (byte 0x${hex}); convert the corpus to UTF-8`);
  }
  // A byte-order mark is an encoding signature, not text.
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (start === bytes.length) throw new UserError(`${path}: the corpus file is empty (only a byte-order mark)`);
  return bytes.toString('utf8', start);
}

/** Text without a leading byte-order mark (an encoding signature, not text), as readCorpusFile reads files. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
