// CSV text column for the dataset importer: the engine's one CSV reader (src-main/engine/io/csv.ts) underneath,
// with the header, the chosen column and equal record widths checked here. Errors name the file and line.
import { UserError, atLine } from '../../common/errors';
import { CsvReader, type CsvRecord } from '../../engine/io/csv';

export interface CsvOptions {
  /** Column name (with a header) or 0-based index; default "text", or the only column. */
  column?: string | number;
  delimiter?: string;
  /** Whether the first record names the columns (default true). */
  header?: boolean;
}

export class CsvParser {
  records = 0;
  /** Column names from the header, when there is one. */
  columns: string[] | undefined;
  private width = -1;
  private col = -1;
  private readonly header: boolean;
  private readonly reader: CsvReader;

  constructor(
    private readonly file: string,
    private readonly opts: CsvOptions,
    private readonly emit: (text: string) => void,
  ) {
    const d = opts.delimiter ?? ',';
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
      throw new UserError(
        `CSV delimiter must be one character other than a quote or newline, got ${JSON.stringify(d)}`,
      );
    this.header = opts.header ?? true;
    this.reader = new CsvReader(file, (r) => this.record(r), d);
  }

  /** Physical lines seen. */
  get lines(): number {
    return this.reader.lines;
  }

  /** The chosen column's header name (or its index without a header), once the first record is read. */
  get columnName(): string | undefined {
    if (this.col < 0) return undefined;
    return this.columns ? this.columns[this.col] : String(this.col);
  }

  write(text: string): void {
    this.reader.write(text);
  }

  end(): void {
    this.reader.end();
    if (this.header && !this.columns) throw new UserError(`${this.file}: the CSV file has no header row`);
  }

  private record({ line, fields }: CsvRecord): void {
    if (this.width < 0) {
      this.width = fields.length;
      if (this.header) {
        this.columns = fields;
        this.col = this.resolveColumn(fields);
        return;
      }
      this.col = this.resolveColumn(undefined);
    }
    if (fields.length !== this.width) {
      throw atLine(
        this.file,
        line,
        `record has ${fields.length} field(s), but ${this.header ? 'the header has' : 'the first record has'} ${this.width}`,
      );
    }
    this.records++;
    this.emit(fields[this.col]!);
  }

  private resolveColumn(header: string[] | undefined): number {
    const want = this.opts.column;
    const asIndex =
      typeof want === 'number'
        ? want
        : want !== undefined && /^\d+$/.test(want) && !header?.includes(want)
          ? Number(want)
          : undefined;
    if (asIndex !== undefined) {
      if (!Number.isInteger(asIndex) || asIndex < 0 || asIndex >= this.width) {
        throw new UserError(
          `${this.file}: column index ${asIndex} is out of range: records have ${this.width} column(s), numbered from 0`,
        );
      }
      return asIndex;
    }
    if (!header) throw new UserError(`${this.file}: without a header row, choose the column by its 0-based index`);
    const names = header.map((h) => h.trim());
    const name = String(want ?? 'text');
    let i = names.indexOf(name);
    if (i < 0) i = names.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (i < 0 && want === undefined && header.length === 1) i = 0;
    if (i < 0)
      throw new UserError(
        `${this.file}: no column "${name}"; the header has: ${names.map((h) => JSON.stringify(h)).join(', ')}`,
      );
    return i;
  }
}
