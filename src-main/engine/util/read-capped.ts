// Reading a whole file into memory, bounded: a device (/dev/zero), a pipe or a huge file named where a font,
// vocabulary or matrix was expected fails at once with a message naming the file, instead of eating memory.
import { closeSync, fstatSync, openSync, readlinkSync, readSync, realpathSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { jsonProblem, UserError } from '../../common/errors';

export const MiB = 2 ** 20;

/** Largest files read whole, by what they are (bytes). Generous for real inputs; far below what breaks a machine. */
export const READ_LIMITS = {
  font: 128 * MiB,
  vocabulary: 256 * MiB,
  matrix: 2048 * MiB,
  corpus: 1024 * MiB,
  upload: 64 * MiB,
  /** config.json, tokenizer sidecars, run and study state, merge specs: small JSON. */
  config: 64 * MiB,
  /** Evaluation data and training text read whole (datasets are imported, so this only bounds a hostile file). */
  text: 1024 * MiB,
} as const;

/** Kernel pseudo file systems: their "regular" files (/proc/self/environ, /proc/kcore) are never user data. */
const PSEUDO_ROOTS = ['/proc/', '/sys/'];

/** The path the descriptor really names (links resolved by the kernel), or the resolved path where that is unknown. */
function openedPath(fd: number, path: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  }
}

function mib(n: number): string {
  return `${(n / MiB).toFixed(n < 10 * MiB ? 1 : 0)} MiB`;
}

/** "a model config", "an evaluation data file". */
function a(what: string): string {
  return `${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what}`;
}

/** An open regular file: its descriptor (the caller closes it) and its size when opened. */
export interface RegularFile {
  fd: number;
  size: number;
}

/**
 * Opens `path` for reading only if, after following links, it is a regular file: a device (/dev/zero), pipe,
 * socket or folder is refused with one line naming the file and its role. The check is on the opened descriptor,
 * so a link swapped between check and read cannot slip a device in. Every reader of untrusted files starts here.
 */
export function openRegularFile(path: string, what: string): RegularFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: ${what} not found`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a folder, not ${a(what)}`);
    throw new UserError(`${path}: cannot read the ${what} (${code ?? String(err)})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UserError(`${path}: is a folder, not ${a(what)}`);
    if (!st.isFile())
      throw new UserError(`${path}: is not a regular file (a device, pipe or socket); give ${a(what)} on disk`);
    const real = openedPath(fd, path);
    if (PSEUDO_ROOTS.some((r) => real.startsWith(r)))
      throw new UserError(
        `${path}: is a system pseudo-file (${real.split('/')[1]}), not ${a(what)}; give ${a(what)} on disk`,
      );
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Like readFileSync, but only for regular files of at most `limit` bytes; `what` names the file's role in errors. */
export function readFileCapped(path: string, limit: number, what: string): Buffer {
  const { fd, size } = openRegularFile(path, what);
  try {
    if (size > limit)
      throw new UserError(`${path}: the ${what} is ${mib(size)}, more than the ${mib(limit)} Espalier reads`);
    // Read at most limit + 1 bytes: a file that grows while we read still cannot exceed the cap. The buffer grows
    // when the file is longer than its size said (a file being appended to).
    let buf = Buffer.allocUnsafe(Math.min(size, limit) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, limit + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    if (n > limit) throw new UserError(`${path}: the ${what} is more than the ${mib(limit)} Espalier reads`);
    return buf.subarray(0, n);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read the ${what} (${code ?? (err as Error).message})`);
  } finally {
    closeSync(fd);
  }
}

/** A text file through readFileCapped, as UTF-8 (a byte-order mark dropped). */
export function readTextCapped(path: string, limit: number, what: string): string {
  const text = readFileCapped(path, limit, what).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A JSON file through readFileCapped. A parse error names the position only: V8's message quotes the text, and
 * a hostile file's text (a link to someone's secrets) must not travel back in an error.
 */
export function readJsonCapped(path: string, what: string, limit: number = READ_LIMITS.config): unknown {
  const text = readTextCapped(path, limit, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${path}: the ${what} is not valid JSON (${jsonProblem(err, text)})`);
  }
}

/** gunzip with a bound on the output (a small .gz can expand to gigabytes). */
export function gunzipCapped(bytes: Uint8Array, limit: number, path: string, what: string): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError)
      throw new UserError(`${path}: the ${what} expands to more than ${mib(limit)} when decompressed`);
    throw new UserError(`${path}: damaged gzip data (${e.message})`);
  }
}
