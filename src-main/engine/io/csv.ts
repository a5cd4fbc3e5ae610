// The one CSV reader (RFC 4180, read the way Python's csv module reads it): streamed or whole, records with the
// line they start on. The dataset importer and the benchmark loaders both use it, so a file means the same to both.
import { atLine } from '../../common/errors';

export interface CsvRecord {
  /** 1-based line on which the record starts (a quoted field may carry it over several lines). */
  line: number;
  fields: string[];
}

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

/**
 * Push text in any chunks with `write`, then `end`. Records end at LF, CRLF or CR outside quotes; blank lines are
 * not records. Quoted fields may hold delimiters, doubled quotes and line breaks; a quote inside an unquoted field
 * is kept literally (as Python's csv module and pandas do, which is how MMLU-style files are read); a quoted field
 * must close, and only a delimiter or a line break may follow its closing quote. `file` names the source in errors.
 */
export class CsvReader {
  /** Physical lines seen so far. */
  lines = 1;
  private state = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private recordLine = 1;
  private quoteLine = 1;
  private afterCR = false;
  private bomChecked = false;
  private readonly delim: number;

  constructor(
    private readonly file: string,
    private readonly emit: (record: CsvRecord) => void,
    delimiter = ',',
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(
        `CSV delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`,
      );
    }
    this.delim = delimiter.charCodeAt(0);
  }

  write(chunk: string): void {
    let text = chunk;
    if (!this.bomChecked && text.length > 0) {
      this.bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    // Start of the pending slice of the current field within this chunk (-1: none).
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
            throw atLine(
              this.file,
              this.lines,
              `field ${this.fields.length + 1}: unexpected ${JSON.stringify(text[i])} after its closing quote (a quoted field ends at a delimiter or line end; double a quote inside it: "")`,
            );
          }
          break;
      }
    }
    if (this.state === State.Unquoted || this.state === State.Quoted) this.field += text.slice(run);
  }

  end(): void {
    if (this.state === State.Quoted) {
      throw atLine(
        this.file,
        this.quoteLine,
        `field ${this.fields.length + 1}: a quoted field opened here is never closed (missing ")`,
      );
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.endField();
      this.endRecord();
    }
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
    this.emit({ line, fields });
  }
}

/** Whole-text form of CsvReader: every record of `text`. */
export function parseCsv(text: string, file: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  const reader = new CsvReader(file, (r) => records.push(r), delimiter);
  reader.write(text);
  reader.end();
  return records;
}
