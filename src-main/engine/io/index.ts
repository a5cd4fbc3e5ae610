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
  checkpointStep,
  modelFromCheckpoint,
  readCheckpoint,
  saveCheckpoint,
  saveStepCheckpoint,
  type AdapterSnapshot,
  type Checkpoint,
  type CheckpointMeta,
} from './checkpoint';
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
} from './model-folder';
export { CsvReader, parseCsv, type CsvRecord } from './csv';
