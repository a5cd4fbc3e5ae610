// Opens a model folder for evaluation: a trained model or growth stage (engine/io loadModel) or a merge folder
// (compose), with the tokenizer.json saved beside it.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
// compose/spec, not the compose index: loading a merge needs no training code.
import { loadAnyModel } from '../engine/compose/spec';
import { loadModel } from '../engine/io';
import type { CausalLM } from '../engine/model/lm';
import { loadTokenizer } from '../engine/tokenizer';
import type { TokenizerLike } from '../engine/tokenizer/types';
import { UserError } from '../common/errors';
import { modelLabel } from './model-label';

export interface EvalModel {
  model: CausalLM;
  tokenizer: TokenizerLike;
  /** The model's name (model-label.ts): how results and tables refer to the model. */
  modelId: string;
  dir: string;
}

export async function openEvalModel(dir: string): Promise<EvalModel> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir}: no such model folder`);
  const tokPath = join(dir, 'tokenizer.json');
  if (!existsSync(tokPath))
    throw new UserError(
      `${dir}: has no tokenizer.json (a model folder holds model.safetensors, config.json and tokenizer.json, or merge.json)`,
    );
  const tokenizer = loadTokenizer(tokPath);
  const model = await loadAnyModel(dir, async (d) => loadModel(d).model);
  return { model, tokenizer, modelId: modelLabel(dir), dir };
}

/** Frees model weights when the model offers it (GPT, bigram and merged models do). */
export function disposeModel(m: CausalLM): void {
  const d = (m as { dispose?: () => void }).dispose;
  if (typeof d === 'function') d.call(m);
}
