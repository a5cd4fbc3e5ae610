// Turns import statistics into the store's dataset row, so every caller maps the fields the same way.
import { extname } from 'node:path';
import type { DatasetFormat, DatasetSplit, NewDataset } from '../../store/index';
import type { BenchmarkStats } from './benchmark-import';
import type { ImportStats } from './import';

export interface DatasetPlacement {
  projectId: string;
  name: string;
  split?: DatasetSplit;
  /** Reserve with newId('ds') before importing when the text is written to paths.datasetText(id). */
  id?: string;
  /** Where the extracted text was written, relative to the workspace (paths.toStored). */
  textPath?: string | null;
  /** The registered tokenizer the token count was made with. */
  tokenizerId?: string | null;
}

export function datasetRecord(stats: ImportStats, place: DatasetPlacement): NewDataset {
  return {
    id: place.id,
    projectId: place.projectId,
    name: place.name,
    split: place.split ?? 'train',
    sourcePath: stats.file,
    textPath: place.textPath ?? null,
    format: stats.format,
    field: stats.field,
    sha256: stats.sha256,
    textSha256: stats.textSha256,
    bytes: stats.bytes,
    characters: stats.characters,
    records: stats.records,
    tokens: stats.tokens,
    tokenizerId: stats.tokens === null ? null : (place.tokenizerId ?? null),
    scripts: stats.scripts,
    language: stats.language,
    languages: stats.languages,
  };
}

/** The file format a benchmark is stored under (an MC file may be one JSON array rather than JSON lines). */
function benchmarkFileFormat(stats: BenchmarkStats): DatasetFormat {
  switch (stats.format) {
    case 'mmlu-csv':
      return 'csv';
    case 'squad-json':
      return 'json';
    case 'pairs-tsv':
      return 'tsv';
    default:
      return extname(stats.file).toLowerCase() === '.json' ? 'json' : 'jsonl';
  }
}

/** A benchmark's row: its items are the records, and there is no extracted text (nothing trains on it). */
export function benchmarkRecord(
  stats: BenchmarkStats,
  place: Omit<DatasetPlacement, 'textPath' | 'tokenizerId'>,
): NewDataset {
  return {
    id: place.id,
    projectId: place.projectId,
    name: place.name,
    split: place.split ?? 'test',
    sourcePath: stats.file,
    textPath: null,
    format: benchmarkFileFormat(stats),
    field: null,
    sha256: stats.sha256,
    bytes: stats.bytes,
    characters: stats.characters,
    records: stats.items,
    scripts: stats.scripts,
    language: stats.language,
    languages: stats.languages,
    kind: 'benchmark',
    task: stats.task,
    benchFormat: stats.format,
    pair: stats.pair,
  };
}
