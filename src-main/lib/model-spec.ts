// A catalog model as a self-contained recipe the worker (or main) can load without the database:
// a trained folder + its substrate file, or a merge of such recipes (merges of merges nest).
import { z } from 'zod';
import { MergedLM } from '../engine/compose/merged';
import { applyTunedHeadsFile } from '../engine/compose/tuned-heads';
import type { CausalLM } from '../engine/model/lm';
import { loadSubstrate, type Substrate } from '../engine/substrate';
import { loadTokenizer, type Tokenizer } from '../engine/tokenizer';
import { loadModelFolder } from './workspace-model-folders';

export type ModelSpec =
  | { kind: 'gpt'; id: string; name: string; dir: string; substrateFile: string; tokenizerFile: string }
  | {
      kind: 'merge';
      id: string;
      name: string;
      mode: 'logits' | 'weighted' | 'probs' | 'confidence';
      weights: number[];
      experts: ModelSpec[];
      tokenizerFile: string;
      headsFile?: string;
    };

export const ModelSpecSchema: z.ZodType<ModelSpec> = z.lazy(() =>
  z.union([
    z.object({
      kind: z.literal('gpt'),
      id: z.string(),
      name: z.string(),
      dir: z.string(),
      substrateFile: z.string(),
      tokenizerFile: z.string(),
    }),
    z.object({
      kind: z.literal('merge'),
      id: z.string(),
      name: z.string(),
      mode: z.enum(['logits', 'weighted', 'probs', 'confidence']),
      weights: z.array(z.number()),
      experts: z.array(ModelSpecSchema).min(2),
      tokenizerFile: z.string(),
      /** The merge's tuned output heads (heads.safetensors), applied whenever it is loaded; absent: zero-shot. */
      headsFile: z.string().optional(),
    }),
  ]),
);

/** Loads a spec; substrates shared by several experts are read once per call. */
export async function loadModelSpec(spec: ModelSpec, substrates = new Map<string, Substrate>()): Promise<CausalLM> {
  if (spec.kind === 'gpt') {
    let sub = substrates.get(spec.substrateFile);
    if (!sub) {
      sub = loadSubstrate(spec.substrateFile);
      substrates.set(spec.substrateFile, sub);
    }
    return loadModelFolder(spec.dir, sub);
  }
  const experts: CausalLM[] = [];
  try {
    for (const e of spec.experts) experts.push(await loadModelSpec(e, substrates));
    const merged = new MergedLM(experts, {
      mode: spec.mode,
      weights: spec.weights,
      names: spec.experts.map((e) => e.name),
    });
    if (spec.headsFile) applyTunedHeadsFile(spec.headsFile, merged);
    return merged;
  } catch (err) {
    for (const e of experts) e.dispose();
    throw err;
  }
}

export function loadSpecTokenizer(spec: ModelSpec): Tokenizer {
  return loadTokenizer(spec.tokenizerFile);
}
