// Hugging Face interop for whole models: export as transformers' ArceeForCausalLM and import back.
export { configFromHf, hfConfigJson, hfExportBlocker, HF_ARCHITECTURE } from './config';
export { DEFAULT_MAX_SHARD_BYTES, INDEX_FILE, openHfWeights, planShards, writeHfWeights } from './shards';
export { exportHf, folderGrowth, MERGE_REFUSAL, type HfExportOptions, type HfExportResult } from './export';
export { importHf, type HfImportResult } from './import';
export { modelCard, type CardEval, type CardInput } from './card';
export { readSidecar, SIDECAR_FILE, type GrowthEntry, type Sidecar } from './sidecar';
export { writeTokenizerFiles } from './tokenizer-files';
