// `espalier demo`'s engine: the whole pipeline (world → tokenizer → substrate → growth → merges → evaluation →
// report) as one call, its presets, the world's eval prompt layouts, and the result's tables and claims.
export { runDemo, chooseSubstrate } from './pipeline';
export { DEMO_PRESETS, resolvePreset, type DemoMode, type DemoPreset, type DemoPresetOverrides } from './config';
export { worldQaLayout, worldTranslationLayout, WORLD_MC_LAYOUT } from '../lab/layouts';
export {
  prepareCorpora,
  prepareWorld,
  splitHeldOut,
  type DemoCorpus,
  type DemoInputs,
  type WorldFiles,
} from '../lab/inputs';
export { computeClaims, depthTables, mergeTable, EvalIndex } from './claims';
export { claimVerdict, formatTable, markdownReport, summaryText } from './report';
export type {
  Claim,
  DemoClaims,
  DemoEval,
  DemoHooks,
  DemoModelRef,
  DemoOptions,
  DemoPlacement,
  DemoResult,
  DemoTable,
  ExpertGrowth,
  MergeSummary,
  StageSummary,
} from './types';
