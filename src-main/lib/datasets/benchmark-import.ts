// Imports a benchmark file: validates every item with the evaluation loaders (so what imports is what Evaluate
// reads), counts the items and measures their text's scripts and languages. Nothing is extracted for training.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../../common/errors';
import {
  loadMcJsonl,
  loadMmluFile,
  loadParallel,
  loadSquad,
  pairFromFileName,
  type LanguagePair,
} from '../../engine/eval/index';
import { sha256File } from '../../engine/util/hash';
import {
  BENCHMARK_LAYOUTS,
  BENCHMARK_TASK,
  detectBenchmark,
  readHead,
  type BenchmarkFormat,
  type BenchmarkTask,
} from './benchmark-detect';
import { guessLanguage, ScriptCounter } from './scripts';

export interface BenchmarkStats {
  kind: 'benchmark';
  file: string;
  format: BenchmarkFormat;
  task: BenchmarkTask;
  /** Questions, or sentence pairs. */
  items: number;
  bytes: number;
  sha256: string;
  /** Code points of the items' text (questions, choices, contexts, answers, sentences). */
  characters: number;
  scripts: Record<string, number>;
  language: string | null;
  languages: Record<string, number>;
  /** Translation pairs: "en-ru", from the scripts of each side or the file name; null when neither tells. */
  pair: string | null;
}

export interface BenchmarkImportOptions {
  file: string;
  /** Default: detected; a file that is no benchmark is refused with the layouts that are. */
  format?: BenchmarkFormat;
  /** The name errors give the file (an upload's original name rather than its place in the workspace). */
  displayName?: string;
}

interface Measured {
  items: number;
  counter: ScriptCounter;
  pair: string | null;
}

function measure(texts: Iterable<string>): ScriptCounter {
  const c = new ScriptCounter();
  for (const t of texts) c.add(`${t}\n`);
  return c;
}

/** A side's language when its script says so unambiguously (en, ru, zh); null otherwise. */
function sideLanguage(texts: string[]): string | null {
  const g = guessLanguage(measure(texts).toRecord());
  return g.language && g.language !== 'other' && (g.languages[g.language] ?? 0) >= 0.6 ? g.language : null;
}

function pairOf(file: string, src: string[], ref: string[]): string | null {
  const named = pairFromFileName(file);
  if (named) return `${named.src}-${named.tgt}`;
  const s = sideLanguage(src);
  const t = sideLanguage(ref);
  return s && t && s !== t ? `${s}-${t}` : null;
}

function load(file: string, format: BenchmarkFormat): Measured {
  switch (format) {
    case 'mmlu-csv': {
      const items = loadMmluFile(file);
      return { items: items.length, counter: measure(items.flatMap((i) => [i.question, ...i.choices])), pair: null };
    }
    case 'mc-jsonl': {
      const items = loadMcJsonl(file);
      return { items: items.length, counter: measure(items.flatMap((i) => [i.question, ...i.choices])), pair: null };
    }
    case 'squad-json': {
      const items = loadSquad(file);
      const contexts = new Set(items.map((i) => i.context));
      return {
        items: items.length,
        counter: measure([...contexts, ...items.flatMap((i) => [i.question, ...i.answers])]),
        pair: null,
      };
    }
    case 'pairs-tsv':
    case 'pairs-jsonl': {
      // OPUS-style {"translation": {...}} lines need the pair from the file name to know the source side.
      const named: LanguagePair | undefined = pairFromFileName(file);
      const items = loadParallel(file, named);
      const src = items.map((i) => i.src);
      const ref = items.map((i) => i.ref);
      return { items: items.length, counter: measure([...src, ...ref]), pair: pairOf(file, src, ref) };
    }
  }
}

/** Replaces the stored path with the user's name for the file in a loader's message. */
function renamed(err: unknown, file: string, name: string): unknown {
  if (!(err instanceof UserError) || name === file) return err;
  return new UserError(err.message.split(file).join(name));
}

export async function importBenchmark(opts: BenchmarkImportOptions): Promise<BenchmarkStats> {
  const { file } = opts;
  const name = opts.displayName ?? basename(file);
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    throw new UserError(`${name}: no such file`);
  }
  if (bytes === 0) throw new UserError(`${name} is empty; there is nothing to import`);
  const format = opts.format ?? detectBenchmark(file, readHead(file));
  if (!format) {
    throw new UserError(
      `${name} is not a benchmark file Espalier recognises; expected one of: ${Object.values(BENCHMARK_LAYOUTS).join('; ')}`,
    );
  }
  let m: Measured;
  try {
    m = load(file, format);
  } catch (err) {
    throw renamed(err, file, name);
  }
  if (m.items === 0) throw new UserError(`${name} holds no items (expected ${BENCHMARK_LAYOUTS[format]})`);
  const scripts = m.counter.toRecord();
  return {
    kind: 'benchmark',
    file,
    format,
    task: BENCHMARK_TASK[format],
    items: m.items,
    bytes,
    sha256: await sha256File(file),
    characters: m.counter.codePoints,
    scripts,
    ...guessLanguage(scripts),
    pair: m.pair,
  };
}
