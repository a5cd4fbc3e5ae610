// Tells a benchmark file (MMLU CSV, SQuAD JSON, multiple-choice JSONL, translation pairs) from a text corpus by
// its extension and its first records, before anything is imported; the eval loaders then validate every item.
import { closeSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { isMmluHeader } from '../../engine/eval/index';
import { parseCsv } from '../../engine/io/csv';
import { openRegularFile } from '../../engine/util/read-capped';

export const BENCHMARK_FORMATS = ['mmlu-csv', 'squad-json', 'mc-jsonl', 'pairs-tsv', 'pairs-jsonl'] as const;
export type BenchmarkFormat = (typeof BENCHMARK_FORMATS)[number];
export type BenchmarkTask = 'mc' | 'qa' | 'bleu';

/** The evaluation task each format feeds. */
export const BENCHMARK_TASK: Readonly<Record<BenchmarkFormat, BenchmarkTask>> = {
  'mmlu-csv': 'mc',
  'squad-json': 'qa',
  'mc-jsonl': 'mc',
  'pairs-tsv': 'bleu',
  'pairs-jsonl': 'bleu',
};

/** What each format looks like, for messages that say what was expected. */
export const BENCHMARK_LAYOUTS: Readonly<Record<BenchmarkFormat, string>> = {
  'mmlu-csv': 'MMLU CSV: question,A,B,C,D,answer rows (answer A–D), with or without a header row',
  'squad-json': 'SQuAD JSON (v1 or v2): {"data": [{"paragraphs": [{"context", "qas": [...]}]}]}',
  'mc-jsonl': 'multiple-choice JSONL (ARC style): one {"question", "choices", "answer"/"answerKey"} object per line',
  'pairs-tsv': 'translation pairs TSV: source<TAB>reference on every line, no header',
  'pairs-jsonl': 'translation pairs JSONL: one {"src", "ref"} (or {"translation": {"en", "ru"}}) object per line',
};

/** Enough of the head to see the first records; a long SQuAD context is not needed to recognise SQuAD. */
const HEAD_BYTES = 64 * 1024;
const SAMPLE_RECORDS = 20;

export function readHead(file: string, bytes = HEAD_BYTES): string {
  const { fd } = openRegularFile(file, 'dataset file');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    const text = buf.subarray(0, n).toString('utf8');
    const head = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    // A full buffer may end inside a record: keep whole lines only.
    return n === bytes ? head.slice(0, Math.max(0, head.lastIndexOf('\n'))) : head;
  } finally {
    closeSync(fd);
  }
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function jsonObjects(head: string): Json[] {
  return head
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, SAMPLE_RECORDS)
    .flatMap((line) => {
      try {
        const v: unknown = JSON.parse(line);
        return isObj(v) ? [v] : [];
      } catch {
        return [];
      }
    });
}

function objectFormat(o: Json): BenchmarkFormat | null {
  const q = o['question'];
  const choices = o['choices'] ?? (isObj(q) ? q['choices'] : undefined);
  if (q !== undefined && choices !== undefined && (o['answer'] !== undefined || o['answerKey'] !== undefined))
    return 'mc-jsonl';
  if ((o['src'] !== undefined && o['ref'] !== undefined) || isObj(o['translation'])) return 'pairs-jsonl';
  return null;
}

/** The format most of the sampled lines have, so one broken line is reported by the loader, not read as a corpus. */
function jsonlFormat(head: string): BenchmarkFormat | null {
  const objs = jsonObjects(head);
  const votes = new Map<BenchmarkFormat, number>();
  for (const o of objs) {
    const f = objectFormat(o);
    if (f) votes.set(f, (votes.get(f) ?? 0) + 1);
  }
  const [best] = [...votes.entries()].sort((a, b) => b[1] - a[1]);
  return best && best[1] * 2 > objs.length ? best[0] : null;
}

/** More than half: a broken row among the first ones is for validation to name, not a reason to import as text. */
const mostly = <T>(xs: readonly T[], ok: (x: T) => boolean): boolean =>
  xs.length > 0 && xs.filter(ok).length * 2 > xs.length;

function csvIsMmlu(head: string, file: string): boolean {
  let records;
  try {
    records = parseCsv(head, file).slice(0, SAMPLE_RECORDS);
  } catch {
    return false;
  }
  if (records[0] && isMmluHeader(records[0].fields)) records = records.slice(1);
  return mostly(records, (r) => r.fields.length === 6 && /^[ABCD]$/i.test(r.fields[5]!.trim()));
}

/** Most sampled lines hold two tab-separated fields, and the first is not a header naming the text column. */
function tsvIsPairs(head: string, textField: string): boolean {
  const lines = head
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, SAMPLE_RECORDS);
  if (!mostly(lines, (l) => l.split('\t').length === 2)) return false;
  return !lines[0]!.split('\t').some((f) => f.trim() === textField);
}

/**
 * The benchmark format of a file, or null for a text corpus. `field`, when the user named the text column or
 * field, means a corpus: only the default "text" lookup is overridden by what the file looks like.
 */
export function detectBenchmark(file: string, head: string, field?: string): BenchmarkFormat | null {
  if (field !== undefined && field !== '') return null;
  const ext = extname(file).toLowerCase();
  // A .json is a benchmark only when it looks like one: any other JSON document is text records (issue 28).
  if (ext === '.json')
    return head.trimStart().startsWith('[')
      ? /"(?:choices|answerKey)"\s*:/.test(head)
        ? 'mc-jsonl'
        : null
      : /"(?:paragraphs|qas)"\s*:/.test(head)
        ? 'squad-json'
        : null;
  if (ext === '.jsonl' || ext === '.ndjson') return jsonlFormat(head);
  if (ext === '.csv') return csvIsMmlu(head, file) ? 'mmlu-csv' : null;
  if (ext === '.tsv') return tsvIsPairs(head, 'text') ? 'pairs-tsv' : null;
  return null;
}
