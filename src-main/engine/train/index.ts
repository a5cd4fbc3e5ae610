// Training's public surface: data windows and batches, AdamW and its schedule, the Trainer.
export { batchOf, makeWindows, Sampler, subset, unigramEntropy } from './data';
export type { Batch, SamplerState, TokenSeq, Windows } from './data';
export { holdoutSplit, holdoutWindows, type HoldoutRecord } from './holdout';
export { AdamW, learningRate, type AdamWOptions, type AdamWState } from './adamw';
export { Trainer } from './trainer';
export { resolveTrainOptions, TrainingDivergedError } from './trainer-options';
export type {
  ProgressEvent,
  ResolvedTrainOptions,
  RunOptions,
  RunResult,
  TrainerState,
  TrainOptions,
} from './trainer-options';
export { PrefixCache } from './prefix-cache';
