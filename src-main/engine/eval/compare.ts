// Several models on the same data: a comparison across models, and a growth run's scores by depth.
import type { CausalLM } from '../model/lm';
import type { TokenizerLike } from '../tokenizer/types';
import type { EvalEnv } from './protocol';
import type { EvalResult } from './results';
import { type EvalSpec, prepareData, runEval } from './run';

export interface NamedModel {
  model: CausalLM;
  modelId: string;
  /** Defaults to the tokenizer given to the comparison. */
  tokenizer?: TokenizerLike;
}

type EnvKnobs = Omit<EvalEnv, 'model' | 'tokenizer'>;

/** Evaluates each model on the same items (data loaded and hashed once), in order. */
export async function evaluateModels(
  models: readonly NamedModel[],
  tokenizer: TokenizerLike | undefined,
  spec: EvalSpec,
  knobs: EnvKnobs = {},
): Promise<EvalResult[]> {
  const prepared = await prepareData(spec);
  const results: EvalResult[] = [];
  for (const m of models) {
    const tok = m.tokenizer ?? tokenizer;
    if (!tok) throw new Error(`evaluateModels: no tokenizer for ${m.modelId}`);
    results.push(await runEval({ ...knobs, model: m.model, tokenizer: tok }, spec, { modelId: m.modelId }, prepared));
  }
  return results;
}

export interface DepthStage {
  depth: number;
  model: CausalLM;
  modelId?: string;
}

export interface DepthRow {
  depth: number;
  result: EvalResult;
}

/** Evaluates every stage of a growth run; rows sorted by depth. */
export async function depthVsScore(
  stages: readonly DepthStage[],
  tokenizer: TokenizerLike,
  spec: EvalSpec,
  knobs: EnvKnobs = {},
): Promise<DepthRow[]> {
  const sorted = [...stages].sort((a, b) => a.depth - b.depth);
  const results = await evaluateModels(
    sorted.map((s) => ({ model: s.model, modelId: s.modelId ?? `depth-${s.depth}` })),
    tokenizer,
    spec,
    knobs,
  );
  return sorted.map((s, i) => ({ depth: s.depth, result: results[i]! }));
}
