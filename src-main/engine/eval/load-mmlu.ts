// MMLU's original CSV layout: `question,A,B,C,D,answer`, no header (a header row naming those columns is skipped);
// one file per subject, or a folder of them.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError, atLine } from '../../common/errors';
import { parseCsv } from '../io/csv';
import type { McItem } from './data-types';
import { readUtf8 } from './read-text';

const LETTERS = ['A', 'B', 'C', 'D'];
const COLUMNS = ['question', 'A', 'B', 'C', 'D', 'answer'];

/** "high_school_physics_test.csv" → "high_school_physics" (the split suffixes of the original release). */
export function mmluSubject(file: string): string {
  return basename(file)
    .replace(/\.csv$/i, '')
    .replace(/_(test|dev|val)$/, '');
}

/** A first row naming the columns (question,A,B,C,D,answer, any case) rather than holding an item. */
export function isMmluHeader(fields: readonly string[]): boolean {
  return fields.length === 6 && fields.every((f, k) => f.trim().toLowerCase() === COLUMNS[k]!.toLowerCase());
}

export function loadMmluFile(file: string): McItem[] {
  const subject = mmluSubject(file);
  const items: McItem[] = [];
  const records = parseCsv(readUtf8(file), file);
  if (records[0] && isMmluHeader(records[0].fields)) records.shift();
  for (const rec of records) {
    const f = rec.fields;
    if (f.length !== 6) {
      throw atLine(
        file,
        rec.line,
        `expected 6 fields (${COLUMNS.join(',')}), found ${f.length}${f.length > 6 ? ' (quote fields that contain commas)' : ''}`,
      );
    }
    const answer = f[5]!.trim().toUpperCase();
    const idx = LETTERS.indexOf(answer);
    if (idx < 0)
      throw atLine(file, rec.line, `field "answer" (column 6) must be one of A, B, C, D, got ${JSON.stringify(f[5])}`);
    if (f[0]!.trim() === '') throw atLine(file, rec.line, 'field "question" (column 1) is empty');
    items.push({
      id: `${subject}:${rec.line}`,
      file,
      line: rec.line,
      subject,
      question: f[0]!,
      choices: f.slice(1, 5),
      labels: [...LETTERS],
      answer: idx,
      template: 'mmlu',
    });
  }
  return items;
}

/** A file, or every *.csv in a folder (sorted by name, one subject each). */
export function loadMmlu(path: string): McItem[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UserError(`${path}: no such file or folder`);
  }
  if (!isDir) return loadMmluFile(path);
  const files = readdirSync(path)
    .filter((f) => f.toLowerCase().endsWith('.csv'))
    .sort();
  if (files.length === 0)
    throw new UserError(`${path}: the folder holds no .csv files (MMLU layout: one <subject>_test.csv per subject)`);
  return files.flatMap((f) => loadMmluFile(join(path, f)));
}
