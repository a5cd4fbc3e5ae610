// Generation's public surface: sampling one token, and generating ids or text from any CausalLM.
export { argmax, GREEDY, sampleToken, type SamplingOptions } from './sample';
export { generate, generateIds, promptBudget, slideKeep } from './generate';
export type { FinishReason, GenerateIdsOptions, GenerateIdsResult, GenerateOptions, GenerateResult } from './generate';
