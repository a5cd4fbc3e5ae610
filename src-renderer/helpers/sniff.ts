// Guesses a dataset file's format and its text fields from the name and first bytes, so the import form
// can offer a field/column choice before anything is uploaded. The main side still validates everything.
import type { z } from 'zod';
import type { DatasetFormat } from '../../src-shared/domain';

/** The formats a text corpus imports from. */
export type Format = z.infer<typeof DatasetFormat>;

export function formatFromName(name: string): Format | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'txt' || ext === 'text' || ext === 'md') return 'txt';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'json') return 'json';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'parquet') return 'parquet';
  return null;
}

/** Splits one CSV header line (TSV with delimiter "\t"), honouring double quotes. */
export function csvHeader(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter((s) => s.length > 0);
}

/** Field names found in the head of a file; jsonl prefers string-valued keys (the text). */
export function sniffFields(format: Format, head: string, delimiter = ','): string[] {
  const lines = head.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (format === 'csv') return lines[0] ? csvHeader(lines[0], delimiter) : [];
  if (format === 'json') return jsonDocFields(head);
  if (format !== 'jsonl') return [];
  for (const line of lines.slice(0, 5)) {
    try {
      const obj = JSON.parse(line) as unknown;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const entries = Object.entries(obj as Record<string, unknown>);
        const text = entries.filter(([, v]) => typeof v === 'string').map(([k]) => k);
        return text.length > 0 ? text : entries.map(([k]) => k);
      }
    } catch {
      // a truncated last line in the head, or not JSON at all: the main side will say where
    }
  }
  return [];
}

export async function readHead(file: Blob, bytes = 65536): Promise<string> {
  return new TextDecoder('utf-8', { fatal: false }).decode(await file.slice(0, bytes).arrayBuffer());
}

/** The string-valued keys of a JSON document's first record: parsed when the head is the whole file, else read
 *  from the head's text (a large document is cut mid-way); [] for an array of strings. */
export function jsonDocFields(head: string): string[] {
  try {
    const doc = JSON.parse(head) as unknown;
    const list = Array.isArray(doc)
      ? doc
      : doc && typeof doc === 'object'
        ? Object.values(doc).find(Array.isArray)
        : undefined;
    const first = (list as unknown[] | undefined)?.find((r) => r && typeof r === 'object' && !Array.isArray(r)) as
      Record<string, unknown> | undefined;
    if (!first) return [];
    const text = Object.entries(first)
      .filter(([, v]) => typeof v === 'string')
      .map(([k]) => k);
    return text.length > 0 ? text : Object.keys(first);
  } catch {
    const keys = [...head.matchAll(/"((?:[^"\\]|\\.)*)"\s*:\s*"/g)].map((m) => m[1]!);
    return [...new Set(keys)].slice(0, 20);
  }
}
