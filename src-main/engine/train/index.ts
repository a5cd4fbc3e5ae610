// Training's public surface: data windows and batches, AdamW and its schedule, the Trainer.
export { batchOf, makeWindows, Sampler, subset, unigramEntropy } from './data';
export type { Batch, SamplerState, Windows } from './data';
export { holdoutSplit, holdoutWindows, type HoldoutRecord } from './holdout';
export { AdamW, learningRate, type AdamWOptions, type AdamWState } from './adamw';
export { resolveTrainOptions, Trainer, TrainingDivergedError } from './trainer';
export type { ProgressEvent, ResolvedTrainOptions, RunOptions, RunResult, TrainerState, TrainOptions } from './trainer';
export { PrefixCache } from './prefix-cache';
