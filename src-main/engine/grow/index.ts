// Layer-wise growth's public surface: the plan, runGrowth (stages, baselines, resume, hooks), records,
// LoRA adapters with their forward and merge, and the FLOPs estimate.
export { BASELINE_KINDS, BLOCK_INITS, GROWTH_DEFAULTS, finalDepth, resolvePlan, totalSteps } from './plan';
export type {
  BaselineKind,
  GrowthBase,
  GrowthModelInput,
  GrowthPlan,
  GrowthPlanInput,
  LoraPlan,
  StagePlan,
} from './plan';
export { runGrowth, type GrowthResult, type GrowthRunOptions } from './runner';
export type { GrowthHooks, GrowthProgress, StageStart, UnitRef } from './hooks';
export type { GrowthData } from './stage';
export {
  comparisonTable,
  formatComparison,
  type BaselineRecord,
  type ComparisonRow,
  type StageRecord,
} from './records';
export { STATE_FILE, type RunState } from './state';
export { LoraSet, LORA_TARGETS } from './lora';
export { exportStageModel, mergedModel } from './export';
export { insertTier } from './insert';
export { blockFlops, headFlops, stageFlops } from './flops';
