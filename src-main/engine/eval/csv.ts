// RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes and line breaks; each record keeps its line.
import { atLine } from '../util/errors';

export interface CsvRecord {
  /** 1-based line on which the record starts (a quoted field may carry it over several lines). */
  line: number;
  fields: string[];
}

/**
 * Parses CSV text. Records end at LF, CRLF or CR outside quotes; blank lines are skipped. A quote inside an
 * unquoted field is kept literally (as Python's csv module does); a quoted field must close, and only a comma
 * or a line break may follow its closing quote. `file` names the source in errors.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const recLine = line;
    const fields: string[] = [];
    let field = '';
    let atRecordEnd = false;
    // Skip blank lines between records.
    if (s[i] === '\n' || s[i] === '\r') {
      i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    while (!atRecordEnd) {
      if (s[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw atLine(file, quoteLine, `field ${fields.length + 1}: a quoted field is never closed (missing ")`);
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++;
          field += c;
          i++;
        }
        const next = s[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw atLine(file, line, `field ${fields.length + 1}: unexpected character ${JSON.stringify(next)} after a closing quote (double a quote inside a quoted field: "")`);
        }
      } else {
        const start = i;
        while (i < n && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') i++;
        field = s.slice(start, i);
      }
      fields.push(field);
      field = '';
      if (i >= n) atRecordEnd = true;
      else if (s[i] === ',') {
        i++;
        // A trailing comma at the very end still opens one more (empty) field.
        if (i >= n) {
          fields.push('');
          atRecordEnd = true;
        }
      } else {
        i += s[i] === '\r' && s[i + 1] === '\n' ? 2 : 1;
        line++;
        atRecordEnd = true;
      }
    }
    records.push({ line: recLine, fields });
  }
  return records;
}
