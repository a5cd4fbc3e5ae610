// Files on disk: safetensors, atomic writes, training checkpoints and exported model folders.
export { writeFileAtomic } from '../util/atomic';
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  readSafetensorsMetadata,
  writeSafetensors,
} from '../util/safetensors';
export type { Dtype, NamedTensor, SafetensorsFile } from '../util/safetensors';
export {
  CHECKPOINT_FORMAT,
  modelFromCheckpoint,
  readCheckpoint,
  writeCheckpointFile,
  type AdapterSnapshot,
  type Checkpoint,
  type CheckpointMeta,
} from './checkpoint';
export {
  CHECKPOINT_FILE,
  CHECKPOINT_HISTORY_DIR,
  checkpointStep,
  findCheckpoint,
  saveFolderCheckpoint,
  type FolderCheckpointOptions,
} from './checkpoint-folder';
export {
  exportModel,
  hasSubstrateCopy,
  loadFolderSubstrate,
  loadModel,
  MODEL_FORMAT,
  readModelMeta,
  SUBSTRATE_FILE,
  substratePathOf,
  substrateReference,
  type ExportOptions,
  type LoadedModel,
  type ModelFolderMeta,
} from './model-folder-format';
export { CsvReader, parseCsv, type CsvRecord } from './csv';
