// The store's public surface: open a Workspace, use its repositories; types for services and the IPC layer.
export { Workspace, type ModelRemoval, type OpenWorkspaceOptions, type WorkspaceInfo } from './workspace';
export { diskBytes } from './disk';
export { WorkspacePaths, DB_FILE } from './paths';
export { readSettings, writeSettings } from './settings';
export { MetricBuffer, type MetricBufferOptions } from './metric-buffer';
export { migrate, schemaVersion, type MigrateResult } from './migrate';
export { LATEST_SCHEMA_VERSION } from './migrations/index';
export { ID_PATTERN, newId } from './rows';
export { WorkspaceLock, WorkspaceLockedError, processAlive, LOCK_FILE, type LockOwner } from './lock';
export type { Project, NewProject, ProjectPatch } from './repos/projects';
export {
  DATASET_FORMATS,
  DATASET_KINDS,
  DATASET_SPLITS,
  type Dataset,
  type DatasetFormat,
  type DatasetKind,
  type DatasetSplit,
  type NewDataset,
  type DatasetPatch,
} from './repos/datasets';
export { datasetTokens, type TokenizerRecord, type NewTokenizer } from './repos/tokenizers';
export type { SubstrateRecord, NewSubstrate } from './repos/substrates';
export {
  MODEL_KINDS,
  type Model,
  type ModelKind,
  type MergeExpert,
  type NewModel,
  type NewMerge,
  type ModelPatch,
} from './repos/models';
export {
  RUN_KINDS,
  RUN_STATUSES,
  RUN_TRANSITIONS,
  type Run,
  type RunKind,
  type RunStatus,
  type NewRun,
  type RunProgress,
  type RunListFilter,
} from './repos/runs';
export type { MetricPoint, SeriesPoint, RangeOptions } from './repos/metrics';
export type { EvalResult, NewEvalResult } from './repos/evals';
export { RUN_LOG_KEEP, type RunLogLine } from './repos/run-logs';
export { STUDY_STATUSES, type StudyRecord, type StudyStatus, type NewStudy } from './repos/studies';
