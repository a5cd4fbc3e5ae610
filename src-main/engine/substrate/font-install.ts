// Fetches GNU Unifont into the app's data folder when no system copy exists: a pinned release's .hex.gz from the
// GNU mirrors, gunzipped with a size cap, its SHA-256 checked against the pinned value, then written atomically.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeFileAtomic } from '../util/atomic';
import { appFontDir } from '../util/app-data';
import { READ_LIMITS, readFileCapped } from '../util/read-capped';
import { UserError } from '../../common/errors';

export const UNIFONT_VERSION = '15.0.01';
/** SHA-256 of the decompressed unifont-15.0.01.hex (byte-identical to Debian's `unifont` 15.0.01 package file). */
export const UNIFONT_HEX_SHA256 = 'fe93c0df9a69e71df0fcf9e71af3adab3c85a393b1a3cae1eb32f69880fc1841';
export const UNIFONT_FILE = `unifont-${UNIFONT_VERSION}.hex`;
/** ftpmirror.gnu.org redirects to a nearby GNU mirror; ftp.gnu.org is the origin, used when that fails. */
export const UNIFONT_MIRRORS = [
  `https://ftpmirror.gnu.org/unifont/unifont-${UNIFONT_VERSION}/${UNIFONT_FILE}.gz`,
  `https://ftp.gnu.org/gnu/unifont/unifont-${UNIFONT_VERSION}/${UNIFONT_FILE}.gz`,
];
/** The real files are ≈1.2 MB compressed and 3.8 MB decompressed; anything far larger is not this font. */
const MAX_GZ_BYTES = 8 * 1024 * 1024;
const MAX_HEX_BYTES = 16 * 1024 * 1024;

export interface FontInstallProgress {
  url: string;
  receivedBytes: number;
  /** From Content-Length; null when the server does not say. */
  totalBytes: number | null;
}

export interface FontInstallOptions {
  /** Where to keep the font (default: the app's font folder). */
  dir?: string;
  /** Mirrors tried in order (default: $ESPALIER_UNIFONT_MIRRORS, comma-separated, else UNIFONT_MIRRORS). */
  urls?: string[];
  sha256?: string;
  /** Per mirror (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?(p: FontInstallProgress): void;
}

export interface FontInstallResult {
  path: string;
  sha256: string;
  bytes: number;
  /** The mirror it came from; null when a verified copy was already in the folder. */
  url: string | null;
}

export function defaultUnifontMirrors(env: Record<string, string | undefined> = process.env): string[] {
  const fromEnv = env['ESPALIER_UNIFONT_MIRRORS']
    ?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  return fromEnv && fromEnv.length > 0 ? fromEnv : UNIFONT_MIRRORS;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Downloads one mirror's .hex.gz into memory, refusing bodies over the cap. */
async function download(url: string, opts: FontInstallOptions): Promise<Buffer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 60_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const res = await fetch(url, { signal, redirect: 'follow' });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (total !== null && total > MAX_GZ_BYTES)
    throw new Error(`${total} bytes is far larger than the font (at most ${MAX_GZ_BYTES})`);
  const chunks: Uint8Array[] = [];
  let received = 0;
  opts.onProgress?.({ url, receivedBytes: 0, totalBytes: total });
  for await (const chunk of res.body) {
    received += chunk.length;
    if (received > MAX_GZ_BYTES) throw new Error(`more than ${MAX_GZ_BYTES} bytes: not the font`);
    chunks.push(chunk);
    opts.onProgress?.({ url, receivedBytes: received, totalBytes: total });
  }
  return Buffer.concat(chunks);
}

function gunzipCapped(gz: Buffer): Buffer {
  try {
    return gunzipSync(gz, { maxOutputLength: MAX_HEX_BYTES });
  } catch (err) {
    if (err instanceof RangeError) throw new Error(`decompresses to more than ${MAX_HEX_BYTES} bytes: not the font`);
    throw new Error(`not a gzip file (${(err as Error).message})`);
  }
}

/**
 * Installs the pinned GNU Unifont into `dir` (a verified copy already there is kept). Mirrors are tried in order;
 * the UserError on failure names each mirror and what went wrong, and nothing is written unless the checksum holds.
 */
export async function installUnifont(opts: FontInstallOptions = {}): Promise<FontInstallResult> {
  const dir = opts.dir ?? appFontDir();
  const want = opts.sha256 ?? UNIFONT_HEX_SHA256;
  const path = join(dir, UNIFONT_FILE);
  if (existsSync(path)) {
    const have = readFileCapped(path, READ_LIMITS.font, 'font file');
    if (sha256(have) === want) return { path, sha256: want, bytes: have.length, url: null };
  }
  const failures: string[] = [];
  for (const url of opts.urls ?? defaultUnifontMirrors()) {
    try {
      const hex = gunzipCapped(await download(url, opts));
      const got = sha256(hex);
      if (got !== want) throw new Error(`SHA-256 of the decompressed font is ${got}, expected ${want}`);
      writeFileAtomic(path, hex);
      return { path, sha256: got, bytes: hex.length, url };
    } catch (err) {
      if (opts.signal?.aborted) throw new UserError('font download cancelled');
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why =
        e.name === 'TimeoutError'
          ? `no answer in ${opts.timeoutMs ?? 60_000} ms`
          : e.cause?.code
            ? `${e.message} (${e.cause.code})`
            : e.message;
      failures.push(`${url}: ${why}`);
    }
  }
  throw new UserError(
    `could not fetch GNU Unifont ${UNIFONT_VERSION}: ${failures.join('; ')}. ` +
      `Install it from your system's packages instead (Debian/Ubuntu: sudo apt install unifont) or pass --font FILE.hex`,
  );
}
