// Files on disk: safetensors, atomic writes, training checkpoints and exported model folders.
export { writeFileAtomic } from './atomic';
export { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from './safetensors';
export type { Dtype, NamedTensor, SafetensorsFile } from './safetensors';
export { CHECKPOINT_FORMAT, checkpointStep, modelFromCheckpoint, readCheckpoint, saveCheckpoint, saveStepCheckpoint, type AdapterSnapshot, type Checkpoint, type CheckpointMeta } from './checkpoint';
export { exportModel, loadModel, MODEL_FORMAT, readModelMeta, SUBSTRATE_FILE, type ExportOptions, type LoadedModel, type ModelFolderMeta } from './model-folder';
export { CsvReader, parseCsv, type CsvRecord } from './csv';
