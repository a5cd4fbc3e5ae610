// Modular composition: merging experts that share a substrate and tokenizer into one CausalLM.
export { combineLogits, MERGE_MODES, parseMergeMode, resolveWeights, type MergeMode } from './combine';
export { checkCompatible, MergedLM, type MergeOptions } from './merged';
export {
  contributions,
  meanCrossEntropy,
  previewMerge,
  windows,
  type Contribution,
  type LossOptions,
  type PreviewRow,
} from './preview';
export {
  isIdRef,
  isMergeDir,
  loadAnyModel,
  loadMergedModel,
  MERGE_FILE,
  readMergeSpec,
  saveMerge,
  type ExpertLoader,
  type MergeSpec,
} from './spec';
export {
  asHeadTunables,
  mergeHeads,
  tuneMergedHeads,
  type HeadTunable,
  type TunableHead,
  type TuneOptions,
  type TuneReport,
} from './tune';
export {
  applyTunedHeads,
  applyTunedHeadsFile,
  HEADS_FILE,
  hasTunedHeads,
  readTunedHeadsInfo,
  saveTunedHeads,
  saveTunedHeadsFile,
  type TunedHeadsInfo,
} from './tuned-heads';
