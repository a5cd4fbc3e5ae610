// The GPT architecture as typed, immutable data: every default lives here, and the resolved config is
// what checkpoints and exported folders record (resuming takes the architecture from it).
import { z } from 'zod';
import { UserError } from '../../common/errors';
import { parseWith } from '../util/schema';

export type NormKind = 'rmsnorm' | 'layernorm';
/** How substrate rows reach the residual stream when the substrate's dim differs from dModel. */
export type InputProjection = 'none' | 'frozen-random';
/** 'frozen' is the paper's substrate; 'trainable' is the control (the rows start as the substrate). */
export type EmbeddingMode = 'frozen' | 'trainable';

export interface ModelConfig {
  readonly vocabSize: number;
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly contextLength: number;
  /** MLP hidden width = round(mlpRatio × dModel). */
  readonly mlpRatio: number;
  /** Residual dropout on the attention and MLP outputs during training only. */
  readonly dropout: number;
  readonly norm: NormKind;
  readonly normEps: number;
  /** Rotary embedding base (θ); rotary covers the whole head dimension, half-split layout. */
  readonly ropeBase: number;
  /** Width of the substrate rows. Equal to dModel unless inputProjection says how they are mapped. */
  readonly substrateDim: number;
  readonly inputProjection: InputProjection;
  /** Fixed multiplier on the input rows (after any projection); 1 leaves the unit-norm rows as they are. */
  readonly inputScale: number;
  readonly embedding: EmbeddingMode;
  /** Standard deviation of the Gaussian weight initialisation; output projections get it / √(2·layers). */
  readonly initStd: number;
}

export const MODEL_DEFAULTS = {
  layers: 2,
  dModel: 128,
  heads: 4,
  contextLength: 128,
  mlpRatio: 4,
  dropout: 0,
  norm: 'rmsnorm',
  normEps: 1e-5,
  ropeBase: 10000,
  inputScale: 1,
  embedding: 'frozen',
  initStd: 0.02,
} as const satisfies Partial<ModelConfig>;

export type ModelConfigInput = Partial<ModelConfig> & { vocabSize: number };

function check(ok: boolean, field: string, problem: string): void {
  if (!ok) throw new UserError(`model config: ${field} ${problem}`);
}

const isPosInt = (n: number): boolean => Number.isInteger(n) && n > 0;

/** Fills defaults and validates; the result is frozen. Errors name the field. */
export function resolveConfig(input: ModelConfigInput): ModelConfig {
  const dModel = input.dModel ?? MODEL_DEFAULTS.dModel;
  const substrateDim = input.substrateDim ?? dModel;
  const cfg: ModelConfig = {
    vocabSize: input.vocabSize,
    layers: input.layers ?? MODEL_DEFAULTS.layers,
    dModel,
    heads: input.heads ?? MODEL_DEFAULTS.heads,
    contextLength: input.contextLength ?? MODEL_DEFAULTS.contextLength,
    mlpRatio: input.mlpRatio ?? MODEL_DEFAULTS.mlpRatio,
    dropout: input.dropout ?? MODEL_DEFAULTS.dropout,
    norm: input.norm ?? MODEL_DEFAULTS.norm,
    normEps: input.normEps ?? MODEL_DEFAULTS.normEps,
    ropeBase: input.ropeBase ?? MODEL_DEFAULTS.ropeBase,
    substrateDim,
    inputProjection: input.inputProjection ?? (substrateDim === dModel ? 'none' : 'frozen-random'),
    inputScale: input.inputScale ?? MODEL_DEFAULTS.inputScale,
    embedding: input.embedding ?? MODEL_DEFAULTS.embedding,
    initStd: input.initStd ?? MODEL_DEFAULTS.initStd,
  };
  check(isPosInt(cfg.vocabSize), 'vocabSize', `must be a positive integer, got ${cfg.vocabSize}`);
  check(Number.isInteger(cfg.layers) && cfg.layers >= 0, 'layers', `must be a non-negative integer, got ${cfg.layers}`);
  check(isPosInt(cfg.dModel), 'dModel', `must be a positive integer, got ${cfg.dModel}`);
  check(isPosInt(cfg.heads), 'heads', `must be a positive integer, got ${cfg.heads}`);
  check(cfg.dModel % cfg.heads === 0, 'heads', `(${cfg.heads}) must divide dModel (${cfg.dModel})`);
  check(
    (cfg.dModel / cfg.heads) % 2 === 0,
    'heads',
    `must leave an even head size for rotary embeddings (dModel/heads = ${cfg.dModel / cfg.heads})`,
  );
  check(isPosInt(cfg.contextLength), 'contextLength', `must be a positive integer, got ${cfg.contextLength}`);
  check(cfg.mlpRatio > 0 && isPosInt(mlpWidth(cfg)), 'mlpRatio', `must give a positive MLP width, got ${cfg.mlpRatio}`);
  check(cfg.dropout >= 0 && cfg.dropout < 1, 'dropout', `must be in [0, 1), got ${cfg.dropout}`);
  check(cfg.norm === 'rmsnorm' || cfg.norm === 'layernorm', 'norm', `must be rmsnorm or layernorm, got "${cfg.norm}"`);
  check(cfg.normEps > 0, 'normEps', `must be positive, got ${cfg.normEps}`);
  check(cfg.ropeBase > 1, 'ropeBase', `must be above 1, got ${cfg.ropeBase}`);
  check(isPosInt(cfg.substrateDim), 'substrateDim', `must be a positive integer, got ${cfg.substrateDim}`);
  check(
    cfg.inputProjection === 'none' || cfg.inputProjection === 'frozen-random',
    'inputProjection',
    `must be none or frozen-random, got "${cfg.inputProjection}"`,
  );
  check(
    cfg.inputProjection !== 'none' || cfg.substrateDim === cfg.dModel,
    'inputProjection',
    `is none but the substrate has ${cfg.substrateDim} columns and dModel is ${cfg.dModel}; use frozen-random or a substrate of dim ${cfg.dModel}`,
  );
  check(
    Number.isFinite(cfg.inputScale) && cfg.inputScale > 0,
    'inputScale',
    `must be a positive number, got ${cfg.inputScale}`,
  );
  check(
    cfg.embedding === 'frozen' || cfg.embedding === 'trainable',
    'embedding',
    `must be frozen or trainable, got "${cfg.embedding}"`,
  );
  check(cfg.initStd > 0, 'initStd', `must be positive, got ${cfg.initStd}`);
  return Object.freeze(cfg);
}

export function mlpWidth(cfg: Pick<ModelConfig, 'dModel' | 'mlpRatio'>): number {
  return Math.round(cfg.mlpRatio * cfg.dModel);
}

export function headDim(cfg: Pick<ModelConfig, 'dModel' | 'heads'>): number {
  return cfg.dModel / cfg.heads;
}

/** The types of a config read from a file; resolveConfig then checks the values and fills the defaults. */
const ConfigJson = z.object({
  vocabSize: z.number(),
  layers: z.number().optional(),
  dModel: z.number().optional(),
  heads: z.number().optional(),
  contextLength: z.number().optional(),
  mlpRatio: z.number().optional(),
  dropout: z.number().optional(),
  norm: z.enum(['rmsnorm', 'layernorm']).optional(),
  normEps: z.number().optional(),
  ropeBase: z.number().optional(),
  substrateDim: z.number().optional(),
  inputProjection: z.enum(['none', 'frozen-random']).optional(),
  inputScale: z.number().optional(),
  embedding: z.enum(['frozen', 'trainable']).optional(),
  initStd: z.number().optional(),
});

/** Parses a config object read from a file, naming the file in errors. */
export function configFromJson(raw: unknown, source: string): ModelConfig {
  const input: ModelConfigInput = parseWith(ConfigJson, raw, `${source} (model config)`);
  try {
    return resolveConfig(input);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${source}: ${err.message}`);
    throw err;
  }
}
