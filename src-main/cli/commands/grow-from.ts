// `espalier grow --from DIR`: growth that continues an existing model folder (a `train` output or a grow stage):
// its blocks become the frozen prefix, its substrate and tokenizer are used, its lineage is recorded.
import { resolve } from 'node:path';
import type { BackendReport } from '../../engine/backend';
import type { GrowthBase } from '../../engine/grow/index';
import { loadFolderSubstrate, readModelMeta, type ModelFolderMeta } from '../../engine/io/model-folder-format';
import { resolveConfig } from '../../engine/model/config';
import { memoryPlan, planAdvice, type PlanInput } from '../../engine/plan/index';
import type { Substrate } from '../../engine/substrate/index';
import type { Tokenizer } from '../../engine/tokenizer/tokenizer';
import { UserError } from '../../common/errors';
import { optNum, optStr, type ParsedOptions } from '../command';
import { loadVocab } from '../vocab';
import type { JobPlan } from '../train/plan';

/** Options that describe a model from scratch: the folder already fixes them. */
const FIXED_BY_FOLDER = ['vocab', 'substrate', 'preset', 'd-model', 'heads', 'mlp-ratio', 'norm', 'baseline'] as const;

export interface GrowSource {
  dir: string;
  meta: ModelFolderMeta;
  base: GrowthBase;
}

/** Reads the folder's config.json and refuses, in one line, options it makes meaningless. */
export function growSource(rawOpts: ParsedOptions): GrowSource | null {
  const from = optStr(rawOpts, 'from');
  if (from === undefined) return null;
  const given = FIXED_BY_FOLDER.filter(
    (n) => rawOpts[n] !== undefined && !(Array.isArray(rawOpts[n]) && (rawOpts[n] as unknown[]).length === 0),
  );
  if (given.length > 0) {
    const why = given.includes('baseline')
      ? ' (baselines train from scratch; grow without --from to compare them)'
      : ' (the model folder fixes its vocabulary, substrate and architecture)';
    throw new UserError(`--from cannot be combined with ${given.map((n) => `--${n}`).join(', ')}${why}`);
  }
  const dir = resolve(from);
  const meta = readModelMeta(dir);
  if (meta.config.embedding === 'trainable')
    throw new UserError(`--from ${from}: the model trains its embedding table; growth keeps the substrate frozen`);
  const context = optNum(rawOpts, 'context');
  if (context !== undefined && context > meta.config.contextLength)
    throw new UserError(
      `--context ${context} is longer than the model's context length ${meta.config.contextLength} (--from ${from})`,
    );
  return { dir, meta, base: { dir, layers: meta.config.layers, createdAt: meta.createdAt } };
}

/** The final stage's memory plan: the folder's architecture, deeper by the new tiers, all but the last tier frozen. */
export function growFromJobPlan(
  src: GrowSource,
  opts: ParsedOptions,
  depthAdded: number,
  blocksPerStage: number,
  backend: BackendReport,
): JobPlan {
  const config = resolveConfig({ ...src.meta.config, layers: src.meta.config.layers + depthAdded });
  const input: PlanInput = {
    config,
    batch: optNum(opts, 'batch') ?? 16,
    accumulation: optNum(opts, 'grad-accum') ?? 1,
    frozenBlocks: config.layers - blocksPerStage,
    backend: backend.backend,
    gpu: backend.adapter?.limits ?? null,
  };
  const plan = memoryPlan(input);
  return { preset: null, config, plan, advice: plan.fits ? null : planAdvice(input) };
}

/** The folder's tokenizer and substrate (its copy, or the shared file it references), checked against each other. */
export function sourceVocabulary(src: GrowSource): { tok: Tokenizer; substrate: Substrate } {
  const tok = loadVocab(`${src.dir}/tokenizer.json`);
  if (tok.id !== src.meta.tokenizerId)
    throw new UserError(
      `${src.dir}: tokenizer.json is ${tok.id.slice(0, 12)}…, but config.json names ${src.meta.tokenizerId.slice(0, 12)}…`,
    );
  return { tok, substrate: loadFolderSubstrate(src.dir, src.meta) };
}

/** What every grown stage records as its parent in config.json → training.parent. */
export function lineage(src: GrowSource): Record<string, unknown> {
  const growth = src.meta.training?.['growth'] as { unit?: string; depth?: number } | undefined;
  return {
    folder: src.dir,
    layers: src.meta.config.layers,
    createdAt: src.meta.createdAt,
    substrateId: src.meta.substrate.id,
    tokenizerId: src.meta.tokenizerId,
    ...(growth ? { growthUnit: growth.unit ?? null } : {}),
  };
}
