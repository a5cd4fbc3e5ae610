// Shared by `merge` and `merge preview`: parse --mode/--weights and open the expert folders as one merge.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseMergeMode, type MergeMode } from '../engine/compose/combine';
import { MergedLM } from '../engine/compose/merged';
import { loadAnyModel, type ExpertLoader } from '../engine/compose/spec';
import { loadModel, readModelMeta } from '../engine/io';
import type { SubstrateRef } from '../engine/model/gpt';
import type { CausalLM } from '../engine/model/lm';
import { loadTokenizer } from '../engine/tokenizer';
import type { TokenizerLike } from '../engine/tokenizer/types';
import { UserError } from '../common/errors';
import type { OptionSpec } from './command';

export const MERGE_OPTIONS: OptionSpec[] = [
  {
    name: 'expert',
    kind: 'list',
    metavar: 'DIR',
    description: 'a trained model folder (or a merge folder); give two or more',
    required: true,
  },
  {
    name: 'mode',
    kind: 'string',
    metavar: 'MODE',
    description: 'logits | weighted | probs | confidence',
    default: 'logits',
  },
  {
    name: 'weights',
    kind: 'string',
    metavar: 'W,W',
    description: 'one weight per expert, e.g. 0.7,0.3 (weighted; optional for probs and confidence)',
  },
  {
    name: 'backend',
    kind: 'string',
    metavar: 'NAME',
    description: 'node-gpu | webgpu | node | wasm | cpu (default: auto)',
  },
];

export function parseWeights(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((s, i) => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(n))
      throw new UserError(`--weights: item ${i + 1} ("${s}") is not a number; write e.g. --weights 0.5,0.5`);
    return n;
  });
}

/**
 * An ExpertLoader over exported model folders. Experts share one substrate, so it is read from disk once
 * and handed to the later experts (each GPT still uploads its own copy to the backend).
 */
export function folderLoader(): ExpertLoader {
  const substrates = new Map<string, SubstrateRef>();
  return async (dir) => {
    const shared = substrates.get(readModelMeta(dir).substrate.id);
    const { model } = loadModel(dir, shared ? { substrate: shared } : {});
    substrates.set(model.substrateId, model.substrate);
    return model;
  };
}

export interface OpenedMerge {
  experts: CausalLM[];
  merged: MergedLM;
  mode: MergeMode;
}

/** Loads every expert (a merge folder loads as a merge), then checks compatibility and the weights. */
export async function openMerge(
  dirs: readonly string[],
  modeText: string,
  weightsText: string | undefined,
  loadExpert: ExpertLoader = folderLoader(),
): Promise<OpenedMerge> {
  if (dirs.length < 2)
    throw new UserError(`a merge needs at least 2 experts; give --expert DIR at least twice (got ${dirs.length})`);
  const mode = parseMergeMode(modeText, '--mode');
  const weights = parseWeights(weightsText);
  const experts: CausalLM[] = [];
  try {
    for (const d of dirs) {
      if (!existsSync(d) || !statSync(d).isDirectory()) throw new UserError(`--expert ${d}: no such model folder`);
      experts.push(await loadAnyModel(d, loadExpert));
    }
    return { experts, merged: new MergedLM(experts, { mode, weights, names: dirs }), mode };
  } catch (err) {
    for (const e of experts) e.dispose();
    throw err;
  }
}

/** The tokenizer saved beside the first expert that has one; it must be the merge's tokenizer. */
export function expertTokenizer(dirs: readonly string[], merged: CausalLM): TokenizerLike {
  const path = dirs.map((d) => join(d, 'tokenizer.json')).find((p) => existsSync(p));
  if (!path) throw new UserError(`none of the expert folders (${dirs.join(', ')}) holds a tokenizer.json`);
  const tok = loadTokenizer(path);
  if (tok.id !== merged.tokenizerId)
    throw new UserError(
      `${path}: tokenizer ${tok.id.slice(0, 16)}… is not the experts' tokenizer ${merged.tokenizerId.slice(0, 16)}…`,
    );
  return tok;
}
