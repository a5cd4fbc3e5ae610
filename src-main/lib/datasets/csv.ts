// RFC 4180 CSV, streamed: quoted fields may hold delimiters, doubled quotes and newlines. Errors name the line.
import { atLine, UserError } from '../../common/errors';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of a doubled pair or the closing one. */
  QuoteSeen,
}

export interface CsvOptions {
  /** Column name (with a header) or 0-based index; default "text", or the only column. */
  column?: string | number;
  delimiter?: string;
  /** Whether the first record names the columns (default true). */
  header?: boolean;
}

export class CsvParser {
  /** Physical lines seen. */
  lines = 1;
  records = 0;
  /** Column names from the header, when there is one. */
  columns: string[] | undefined;
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private recordLine = 1;
  private quoteLine = 1;
  private afterCR = false;
  private width = -1;
  private col = -1;
  private readonly delim: number;
  private readonly header: boolean;

  constructor(
    private readonly file: string,
    private readonly opts: CsvOptions,
    private readonly emit: (text: string) => void,
  ) {
    const d = opts.delimiter ?? ',';
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new UserError(`CSV delimiter must be one character other than a quote or newline, got ${JSON.stringify(d)}`);
    this.delim = d.charCodeAt(0);
    this.header = opts.header ?? true;
  }

  /** The chosen column's header name (or its index without a header), once the first record is read. */
  get columnName(): string | undefined {
    if (this.col < 0) return undefined;
    return this.columns ? this.columns[this.col] : String(this.col);
  }

  write(text: string): void {
    const n = text.length;
    let run = this.state === State.Unquoted || this.state === State.Quoted ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.afterCR) {
        this.afterCR = false;
        if (c === LF) continue;
      }
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.lines;
            run = i + 1;
          } else if (c === this.delim) {
            this.endField();
          } else if (c === CR || c === LF) {
            this.endField();
            this.newline(c);
            this.endRecord();
          } else {
            this.state = State.Unquoted;
            run = i;
          }
          break;
        case State.Unquoted:
          if (c === this.delim || c === CR || c === LF) {
            this.field += text.slice(run, i);
            this.endField();
            this.state = State.FieldStart;
            if (c !== this.delim) {
              this.newline(c);
              this.endRecord();
            }
          } else if (c === QUOTE) {
            throw atLine(this.file, this.lines, `a quote inside unquoted field ${this.fields.length + 1}; quote the whole field and double the quotes inside it ("")`);
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += text.slice(run, i);
            this.state = State.QuoteSeen;
          } else if (c === LF) {
            this.lines++;
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            this.state = State.Quoted;
            run = i;
          } else if (c === this.delim || c === CR || c === LF) {
            this.endField();
            this.state = State.FieldStart;
            if (c !== this.delim) {
              this.newline(c);
              this.endRecord();
            }
          } else {
            throw atLine(this.file, this.lines, `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${this.fields.length + 1}; a quoted field must end at a delimiter or line end`);
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += text.slice(run);
  }

  end(): void {
    if (this.state === State.Quoted) {
      throw atLine(this.file, this.quoteLine, 'a quoted field opened here is never closed (the file ends inside quotes)');
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.endField();
      this.endRecord();
    }
    if (this.header && !this.columns) throw new UserError(`${this.file}: the CSV file has no header row`);
  }

  private newline(c: number): void {
    this.lines++;
    if (c === CR) this.afterCR = true;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
  }

  private endRecord(): void {
    const fields = this.fields;
    const line = this.recordLine;
    this.fields = [];
    this.recordLine = this.lines;
    // A blank line is not a record (RFC 4180 has none; spreadsheets leave them at the end).
    if (fields.length === 1 && fields[0] === '') return;
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
      throw atLine(this.file, line, `record has ${fields.length} field(s), but ${this.header ? 'the header has' : 'the first record has'} ${this.width}`);
    }
    this.records++;
    this.emit(fields[this.col]!);
  }

  private resolveColumn(header: string[] | undefined): number {
    const want = this.opts.column;
    const asIndex = typeof want === 'number' ? want : want !== undefined && /^\d+$/.test(want) && !header?.includes(want) ? Number(want) : undefined;
    if (asIndex !== undefined) {
      if (!Number.isInteger(asIndex) || asIndex < 0 || asIndex >= this.width) {
        throw new UserError(`${this.file}: column index ${asIndex} is out of range: records have ${this.width} column(s), numbered from 0`);
      }
      return asIndex;
    }
    if (!header) throw new UserError(`${this.file}: without a header row, choose the column by its 0-based index`);
    const names = header.map((h) => h.trim());
    const name = String(want ?? 'text');
    let i = names.indexOf(name);
    if (i < 0) i = names.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (i < 0 && want === undefined && header.length === 1) i = 0;
    if (i < 0) throw new UserError(`${this.file}: no column "${name}"; the header has: ${names.map((h) => JSON.stringify(h)).join(', ')}`);
    return i;
  }
}
