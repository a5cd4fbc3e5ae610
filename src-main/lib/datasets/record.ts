// Turns import statistics into the store's dataset row, so every caller maps the fields the same way.
import type { DatasetSplit, NewDataset } from '../../store/index';
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
