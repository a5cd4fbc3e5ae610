// Dataset import parsing, callable from a worker: pure Node, no database, no Electron.
export { importDataset, formatFromPath, type ImportOptions, type ImportResult, type ImportStats, type ImportProgress, type ImportFormat } from './import';
export { guessLanguage, SCRIPTS, type LanguageGuess } from './scripts';
export type { TokenCounting } from './text-output';
export { datasetRecord, type DatasetPlacement } from './record';
