// Token files: a corpus tokenized once into a flat uint16/uint32 array on disk (training ids, then the fixed
// hold-out's ids) with a JSON header beside it; training reads just the windows it needs by positioned reads.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../../common/errors';
import type { HoldoutRecord } from '../train/holdout';
import { readJsonCapped } from '../util/read-capped';

export const TOKEN_FILE_FORMAT = 'espalier-tokens';
export type TokenDtype = 'uint16' | 'uint32';

export interface TokenFileHeader {
  format: typeof TOKEN_FILE_FORMAT;
  version: 1;
  dtype: TokenDtype;
  tokenizerId: string;
  vocabSize: number;
  /** The source text (after a byte-order mark): its bytes, UTF-16 length and SHA-256 (as the in-memory path hashes it). */
  source: { file: string; bytes: number; mtimeMs: number; utf16Length: number; sha256: string; bomBytes: number };
  /** Byte offset in the source where the hold-out starts, and the hold-out record the in-memory split gives. */
  cutByte: number;
  holdout: HoldoutRecord;
  /** Ids written so far: training ids first, then hold-out ids; `complete` once both are. */
  trainTokens: number;
  valTokens: number;
  /** Source byte up to which ids are written (a resume continues here). */
  sourceByte: number;
  complete: boolean;
}

export function dtypeFor(vocabSize: number): TokenDtype {
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

export function bytesPer(dtype: TokenDtype): number {
  return dtype === 'uint16' ? 2 : 4;
}

export function headerPath(tokenFile: string): string {
  return `${tokenFile}.json`;
}

/** The header, or null when there is none; a header that is not one names the file and the field. */
export function readHeader(tokenFile: string): TokenFileHeader | null {
  const hp = headerPath(tokenFile);
  if (!existsSync(hp)) return null;
  const h = readJsonCapped(hp, 'token file header') as Partial<TokenFileHeader> | null;
  if (!h || typeof h !== 'object' || h.format !== TOKEN_FILE_FORMAT)
    throw new UserError(`${hp}: not an Espalier token file header (field "format" is not "${TOKEN_FILE_FORMAT}")`);
  if (h.version !== 1)
    throw new UserError(`${hp}: token file version ${String(h.version)} is not supported (this build reads version 1)`);
  if (h.dtype !== 'uint16' && h.dtype !== 'uint32')
    throw new UserError(`${hp}: field "dtype" must be uint16 or uint32, got ${JSON.stringify(h.dtype)}`);
  for (const k of ['vocabSize', 'trainTokens', 'valTokens', 'sourceByte', 'cutByte'] as const) {
    if (!Number.isSafeInteger(h[k]) || (h[k] as number) < 0)
      throw new UserError(`${hp}: field "${k}" must be a non-negative integer`);
  }
  if (typeof h.tokenizerId !== 'string') throw new UserError(`${hp}: field "tokenizerId" is missing`);
  if (h.dtype !== dtypeFor(h.vocabSize!))
    throw new UserError(
      `${hp}: dtype ${h.dtype} does not fit vocabulary size ${h.vocabSize} (expected ${dtypeFor(h.vocabSize!)})`,
    );
  return h as TokenFileHeader;
}

/** A token sequence read from disk on demand: `subarray` reads just the asked range (as int32). */
export class TokenFileSeq {
  constructor(
    private readonly fd: number,
    private readonly offsetTokens: number,
    readonly length: number,
    private readonly dtype: TokenDtype,
    private readonly file: string,
    private readonly sourceSha256: string,
  ) {}

  get identity(): string {
    return `token file of text ${this.sourceSha256} at ${this.offsetTokens}+${this.length} (${this.dtype})`;
  }

  subarray(begin: number, end: number): Int32Array {
    const b = Math.max(0, Math.min(begin, this.length));
    const e = Math.max(b, Math.min(end, this.length));
    const n = e - b;
    const w = bytesPer(this.dtype);
    const buf = Buffer.allocUnsafe(n * w);
    let got = 0;
    while (got < buf.length) {
      const r = readSync(this.fd, buf, got, buf.length - got, (this.offsetTokens + b) * w + got);
      if (r === 0)
        throw new UserError(
          `${this.file}: truncated while reading tokens ${b}…${e} (the file changed after it was opened)`,
        );
      got += r;
    }
    const out = new Int32Array(n);
    if (w === 2) for (let i = 0; i < n; i++) out[i] = buf.readUInt16LE(2 * i);
    else for (let i = 0; i < n; i++) out[i] = buf.readUInt32LE(4 * i);
    return out;
  }
}

export interface OpenTokenFile {
  header: TokenFileHeader;
  train: TokenFileSeq;
  val: TokenFileSeq;
  /** Training then held-out ids as one stream (for training on all of it when validation text is separate). */
  all: TokenFileSeq;
  close(): void;
}

/** Opens a complete token file for training, checking it against the tokenizer and its own length. */
export function openTokenFile(path: string, expect?: { tokenizerId: string; vocabSize: number }): OpenTokenFile {
  const header = readHeader(path);
  if (!header)
    throw new UserError(
      `${path}: no token file header ${headerPath(path)} beside it (make one with \`espalier tokens\`)`,
    );
  if (!header.complete)
    throw new UserError(
      `${path}: the token file is incomplete (stopped at source byte ${header.sourceByte} of ${header.source.bytes}); run \`espalier tokens\` again to finish it`,
    );
  if (expect && header.tokenizerId !== expect.tokenizerId) {
    throw new UserError(
      `${path}: made with tokenizer ${header.tokenizerId.slice(0, 12)}…, but this run's tokenizer is ${expect.tokenizerId.slice(0, 12)}…; make the token file again with this --vocab`,
    );
  }
  if (expect && header.vocabSize !== expect.vocabSize)
    throw new UserError(`${path}: made for a vocabulary of ${header.vocabSize}, this run's has ${expect.vocabSize}`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new UserError(`${path}: cannot open the token file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const w = bytesPer(header.dtype);
  const size = fstatSync(fd).size;
  const want = (header.trainTokens + header.valTokens) * w;
  if (size !== want) {
    closeSync(fd);
    const why = size < want ? 'truncated' : 'longer than its header says';
    throw new UserError(
      `${path}: ${why}: ${size} bytes, the header says ${header.trainTokens} + ${header.valTokens} ${header.dtype} tokens (${want} bytes); make it again with \`espalier tokens\``,
    );
  }
  return {
    header,
    train: new TokenFileSeq(
      fd,
      0,
      header.trainTokens,
      header.dtype,
      path,
      header.source.sha256 + ':' + header.tokenizerId,
    ),
    val: new TokenFileSeq(
      fd,
      header.trainTokens,
      header.valTokens,
      header.dtype,
      path,
      header.source.sha256 + ':' + header.tokenizerId,
    ),
    all: new TokenFileSeq(
      fd,
      0,
      header.trainTokens + header.valTokens,
      header.dtype,
      path,
      header.source.sha256 + ':' + header.tokenizerId,
    ),
    close: () => closeSync(fd),
  };
}
