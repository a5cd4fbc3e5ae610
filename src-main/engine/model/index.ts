// The model's public surface: the GPT (build from config + substrate, freeze, grow, forward), its config,
// and the CausalLM interface every model in Espalier offers.
export type { CausalLM, Decoder } from './lm';
export type { BlockAdapter } from './adapter';
export { flow, type Flow } from './flow';
export { GPT, type CreateOptions, type ForwardContext, type KvHook, type SubstrateRef } from './gpt';
export { MODEL_DEFAULTS, configFromJson, headDim, mlpWidth, resolveConfig } from './config';
export type { EmbeddingMode, InputProjection, ModelConfig, ModelConfigInput, NormKind } from './config';
export { BLOCK_INITS, BLOCK_INIT_ALIASES, type BlockInit, type HostTensor } from './init';
export type { ParamCounts, ParamEntry } from './params';
