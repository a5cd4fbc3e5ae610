// Dataset import: reads a local .txt/.jsonl/.csv/.parquet file in chunks, validates it, extracts the text and measures it.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, promises as fsp } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../../common/errors';
import { sha256File } from '../../engine/util/hash';
import { CsvParser } from './csv';
import { JsonDocParser } from './json-doc';
import { JsonlParser } from './jsonl';
import { readParquetColumn } from './parquet';
import { guessLanguage } from './scripts';
import { assertTextChunk } from './sniff';
import { TextOutput, type TokenCounting } from './text-output';
import { Utf8StreamDecoder } from './utf8-stream';
import { openRegularFile } from '../../engine/util/read-capped';

export type ImportFormat = 'txt' | 'jsonl' | 'json' | 'csv' | 'parquet';

const EXTENSIONS: Record<string, ImportFormat> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'txt',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  records: number;
}

export interface ImportOptions {
  file: string;
  /** Default: from the extension (.txt, .jsonl/.ndjson, .csv/.tsv, .parquet). */
  format?: ImportFormat;
  /** JSONL field (dotted paths reach nested objects), or CSV/Parquet column by name or 0-based index. Default "text". */
  field?: string | number;
  /** CSV only: default "," ("\t" for .tsv). */
  delimiter?: string;
  /** CSV only: whether the first record is a header (default true). */
  header?: boolean;
  /** Skip records whose field is missing or null instead of failing on the first one. */
  skipMissing?: boolean;
  /** Between records of JSONL/CSV/Parquet (default a blank line, so documents stay apart). */
  recordSeparator?: string;
  /** Write the text here (atomically) instead of returning it: use for large files. */
  destination?: string;
  /** Counts tokens when given. */
  tokenizer?: TokenCounting;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Read size (default 1 MiB). */
  chunkBytes?: number;
}

export interface ImportStats {
  file: string;
  format: ImportFormat;
  /** The field or column the text came from (null for .txt). */
  field: string | null;
  /** Size of the source file, and its SHA-256. */
  bytes: number;
  sha256: string;
  /** UTF-8 size and SHA-256 of the extracted text (what training reads). */
  textBytes: number;
  textSha256: string;
  /** Unicode code points of the extracted text. */
  characters: number;
  /** Lines of the extracted text. */
  lines: number;
  /** Lines (.txt) or records with text (others). */
  records: number;
  /** Records skipped for a missing/null field (with skipMissing). */
  skipped: number;
  /** Code points per script, e.g. { Latin: 1200, Han: 3400, Common: 800 }. */
  scripts: Record<string, number>;
  language: string | null;
  languages: Record<string, number>;
  tokens: number | null;
}

export interface ImportResult {
  stats: ImportStats;
  /** The extracted text, when no destination was given. */
  text?: string;
  destination?: string;
}

export function formatFromPath(file: string): ImportFormat {
  const f = EXTENSIONS[extname(file).toLowerCase()];
  if (!f)
    throw new UserError(
      `${file}: cannot tell the format from the extension "${extname(file)}"; choose txt, jsonl, json, csv or parquet`,
    );
  return f;
}

/** CRLF → LF across chunk boundaries (a CR at the end of one chunk may pair with an LF at the start of the next). */
class CrlfNormalizer {
  private heldCR = false;
  push(s: string): string {
    let t = this.heldCR ? `\r${s}` : s;
    this.heldCR = t.endsWith('\r');
    if (this.heldCR) t = t.slice(0, -1);
    return t.includes('\r\n') ? t.replace(/\r\n/g, '\n') : t;
  }
  end(): string {
    const t = this.heldCR ? '\r' : '';
    this.heldCR = false;
    return t;
  }
}

async function statFile(file: string): Promise<number> {
  // A device, pipe or pseudo-file behind a link is refused with one line before anything streams.
  if (existsSync(file)) closeSync(openRegularFile(file, 'dataset file').fd);
  let st;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UserError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`,
    );
  }
  if (!st.isFile()) throw new UserError(`${file} is not a regular file`);
  if (st.size === 0) throw new UserError(`${file} is empty; there is nothing to import`);
  return st.size;
}

export async function importDataset(opts: ImportOptions): Promise<ImportResult> {
  const file = opts.file;
  const format = opts.format ?? formatFromPath(file);
  const totalBytes = await statFile(file);
  const separator = opts.recordSeparator ?? '\n\n';
  const skipMissing = opts.skipMissing ?? false;
  const out = await TextOutput.open(opts.destination, opts.tokenizer);
  let records = 0;
  // Records are separated, never terminated, so the text does not end in a stray separator.
  const record = (text: string) => {
    if (records++ > 0) out.write(separator);
    out.write(text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text);
  };
  try {
    let sha256: string;
    let field: string | null = null;
    let skipped = 0;
    if (format === 'parquet') {
      sha256 = await sha256File(file);
      const r = await readParquetColumn(file, {
        column: opts.field,
        skipMissing,
        onText: record,
        signal: opts.signal,
        onProgress: (bytes) => opts.onProgress?.({ bytesRead: Math.min(bytes, totalBytes), totalBytes, records }),
      });
      await out.drain();
      field = r.column;
      skipped = r.skipped;
    } else {
      const decoder = new Utf8StreamDecoder(file);
      const hash = createHash('sha256');
      let sink: { write(s: string): void; end(): void };
      let fieldName = (): string | null => null;
      let skip = () => 0;
      if (format === 'txt') {
        const crlf = new CrlfNormalizer();
        sink = { write: (s) => out.write(crlf.push(s)), end: () => out.write(crlf.end()) };
      } else if (format === 'jsonl' || format === 'json') {
        const name = String(opts.field ?? 'text');
        const p =
          format === 'json'
            ? new JsonDocParser(file, name, skipMissing, record)
            : new JsonlParser(file, name, skipMissing, record);
        sink = p;
        fieldName = () => name;
        skip = () => p.skipped;
      } else {
        const delimiter = opts.delimiter ?? (extname(file).toLowerCase() === '.tsv' ? '\t' : ',');
        const p = new CsvParser(file, { column: opts.field, delimiter, header: opts.header }, record);
        sink = p;
        fieldName = () => p.columnName ?? null;
      }
      let offset = 0;
      for await (const chunk of createReadStream(file, { highWaterMark: opts.chunkBytes ?? 1 << 20 })) {
        opts.signal?.throwIfAborted();
        const bytes = chunk as Buffer;
        hash.update(bytes);
        assertTextChunk(file, bytes, offset);
        offset += bytes.length;
        sink.write(decoder.write(bytes));
        await out.drain();
        opts.onProgress?.({ bytesRead: offset, totalBytes, records });
      }
      sink.write(decoder.end());
      sink.end();
      await out.drain();
      sha256 = hash.digest('hex');
      field = fieldName();
      skipped = skip();
    }
    if (!out.hasText) {
      const what =
        format === 'txt'
          ? 'only whitespace'
          : `no text in ${field === null ? 'the chosen field' : `"${field}"`}${skipped ? ` (${skipped} record(s) skipped)` : ''}`;
      throw new UserError(`${file} has ${what}; there is nothing to import`);
    }
    const done = await out.finish();
    const scripts = out.scripts.toRecord();
    const chars = out.scripts.codePoints;
    const lines = out.scripts.newlines + (out.endsWithNewline ? 0 : 1);
    const stats: ImportStats = {
      file,
      format,
      field,
      bytes: totalBytes,
      sha256,
      textBytes: out.textBytes,
      textSha256: done.textSha256,
      characters: chars,
      lines,
      records: format === 'txt' ? lines : records,
      skipped,
      scripts,
      ...guessLanguage(scripts),
      tokens: done.tokens,
    };
    opts.onProgress?.({ bytesRead: totalBytes, totalBytes, records: stats.records });
    return done.text === undefined ? { stats, destination: opts.destination } : { stats, text: done.text };
  } catch (err) {
    await out.abort();
    throw err;
  }
}
