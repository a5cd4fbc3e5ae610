// Dataset import parsing, callable from a worker: pure Node, no database, no Electron.
export {
  importDataset,
  formatFromPath,
  type ImportOptions,
  type ImportResult,
  type ImportStats,
  type ImportProgress,
  type ImportFormat,
} from './import';
export { guessLanguage, SCRIPTS, type LanguageGuess } from './scripts';
export type { TokenCounting } from './text-output';
export { benchmarkRecord, datasetRecord, type DatasetPlacement } from './record';
export {
  BENCHMARK_FORMATS,
  BENCHMARK_LAYOUTS,
  BENCHMARK_TASK,
  detectBenchmark,
  readHead,
  type BenchmarkFormat,
  type BenchmarkTask,
} from './benchmark-detect';
export { importBenchmark, type BenchmarkImportOptions, type BenchmarkStats } from './benchmark-import';
