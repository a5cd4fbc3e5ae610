// Parquet: the text of one flat string column, read a row group at a time through hyparquet.
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { UserError } from '../../common/errors';

export interface ParquetColumnOptions {
  /** Column name or 0-based index among the top-level columns; default "text", or the only string column. */
  column?: string | number;
  skipMissing: boolean;
  onText(text: string): void;
  /** After each row group: an estimate of the bytes consumed so far, and rows. */
  onProgress?(bytes: number, rows: number): void;
  signal?: AbortSignal;
}

export interface ParquetColumnResult {
  column: string;
  rows: number;
  records: number;
  skipped: number;
}

function isText(el: { type?: string; converted_type?: string; logical_type?: { type: string } }): boolean {
  return (
    el.type === 'BYTE_ARRAY' &&
    (el.converted_type === undefined || el.converted_type === 'UTF8' || el.logical_type?.type === 'STRING')
  );
}

export async function readParquetColumn(file: string, opts: ParquetColumnOptions): Promise<ParquetColumnResult> {
  let metadata: FileMetaData;
  const buffer = await asyncBufferFromFile(file);
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new UserError(`${file}: not a readable Parquet file (${(err as Error).message})`);
  }
  const top = parquetSchema(metadata).children;
  const describeCols = () => top.map((c) => `"${c.element.name}" (${c.element.type ?? 'nested'})`).join(', ');
  const want = opts.column;
  let node =
    typeof want === 'number' || (want !== undefined && /^\d+$/.test(want) && !top.some((c) => c.element.name === want))
      ? top[Number(want)]
      : top.find((c) => c.element.name === (want ?? 'text'));
  if (!node && want === undefined) {
    const texts = top.filter((c) => c.children.length === 0 && isText(c.element));
    if (texts.length === 1) node = texts[0];
  }
  if (!node)
    throw new UserError(
      `${file}: no column ${want === undefined ? '"text"' : JSON.stringify(want)}; the file has: ${describeCols()}`,
    );
  const name = node.element.name;
  if (node.children.length > 0)
    throw new UserError(
      `${file}: column "${name}" is nested (a list or struct); choose a flat text column: ${describeCols()}`,
    );
  if (!isText(node.element)) {
    throw new UserError(
      `${file}: column "${name}" holds ${node.element.converted_type ?? node.element.type} values, not text; choose a text column: ${describeCols()}`,
    );
  }

  const result: ParquetColumnResult = { column: name, rows: 0, records: 0, skipped: 0 };
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let bytes = 0;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    const rowEnd = rowStart + Number(group.num_rows);
    let values: unknown[] = [];
    try {
      await parquetRead({
        file: buffer,
        metadata,
        columns: [name],
        rowStart,
        rowEnd,
        // Raw bytes instead of hyparquet's lenient decoding, so bad UTF-8 is reported, not replaced.
        parsers: { stringFromBytes: (b: Uint8Array) => b },
        onComplete: (rows: unknown[][]) => {
          values = rows.map((r) => r[0]);
        },
      });
    } catch (err) {
      const msg = (err as Error).message;
      const hint = /compression codec/.test(msg) ? '; re-save the file with Snappy or no compression' : '';
      throw new UserError(`${file}: cannot read column "${name}" in rows ${rowStart + 1}–${rowEnd}: ${msg}${hint}`);
    }
    values.forEach((v, k) => {
      const row = rowStart + k + 1;
      if (v === null || v === undefined) {
        if (opts.skipMissing) {
          result.skipped++;
          return;
        }
        throw new UserError(`${file}: row ${row}, column "${name}" is null; choose another column or skip such rows`);
      }
      let text: string;
      try {
        text = typeof v === 'string' ? v : decoder.decode(v as Uint8Array);
      } catch {
        throw new UserError(`${file}: row ${row}, column "${name}": the value is not valid UTF-8`);
      }
      result.records++;
      opts.onText(text);
    });
    result.rows += values.length;
    rowStart = rowEnd;
    for (const c of group.columns) bytes += Number(c.meta_data?.total_compressed_size ?? 0n);
    opts.onProgress?.(bytes, result.rows);
  }
  return result;
}
