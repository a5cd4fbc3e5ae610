// What a person asks for when starting a training or growth run, with the defaults in one place, and the
// names every layer uses for norms and baselines (the engine's names; older spellings are read as aliases).
import { z } from 'zod';
import { EvalProtocol, EvalTask, Id, SubstrateKind } from './domain';

/** Normalisation layers, as the engine and config.json name them. */
export const NORMS = ['rmsnorm', 'layernorm'] as const;
export type NormKind = (typeof NORMS)[number];
/** Earlier requests and stored runs said 'rms' / 'layer'. */
const NORM_ALIASES: Readonly<Record<string, NormKind>> = { rms: 'rmsnorm', layer: 'layernorm' };
export const Norm = z.enum([...NORMS, 'rms', 'layer']).transform((n): NormKind => NORM_ALIASES[n] ?? (n as NormKind));

/**
 * How a growth stage's new block starts: 'scaled' (random, output projections scaled down as in GPT-2, so it starts
 * near the identity), 'unscaled' (random, no scaling), 'zero-output' (exactly the identity), 'copy' (of the block below).
 */
export const BLOCK_INITS = ['scaled', 'unscaled', 'zero-output', 'copy'] as const;
export type BlockInitKind = (typeof BLOCK_INITS)[number];
/** Earlier requests and stored runs said 'random' / 'zero'. */
const INIT_ALIASES: Readonly<Record<string, BlockInitKind>> = { random: 'scaled', zero: 'zero-output' };
export const BlockInit = z
  .enum([...BLOCK_INITS, 'random', 'zero'])
  .transform((n): BlockInitKind => INIT_ALIASES[n] ?? (n as BlockInitKind));

/** Baselines a growth run can train beside the grown stack, as the engine names them. */
export const BASELINES = ['none', 'monolithic', 'trainable-embedding'] as const;
export type BaselineChoice = (typeof BASELINES)[number];
/** Earlier requests and stored runs said 'trainable-embeddings'. */
export const Baseline = z
  .enum([...BASELINES, 'trainable-embeddings'])
  .transform((b): BaselineChoice => (b === 'trainable-embeddings' ? 'trainable-embedding' : b));

const Name = z.string().trim().min(1).max(200);

/** Model shape for training and growth runs, with defaults a newcomer can start from. */
export const ModelShape = z
  .object({
    dModel: z.number().int().min(8).max(4096).default(128),
    heads: z.number().int().min(1).max(64).default(4),
    context: z.number().int().min(8).max(4096).default(64),
    mlpRatio: z.number().min(1).max(8).default(4),
    dropout: z.number().min(0).max(0.9).default(0),
    norm: Norm.default('rmsnorm'),
  })
  .strict();

export const TrainParams = z
  .object({
    projectId: Id,
    name: Name,
    datasetIds: z.array(Id).min(1),
    valDatasetIds: z.array(Id).default([]),
    substrateId: z.string().min(1).max(128),
    /** `trainable` starts from the substrate and trains it: the paper's control. */
    embeddings: z.enum(['frozen', 'trainable']).default('frozen'),
    layers: z.number().int().min(1).max(64).default(2),
    shape: ModelShape.default(ModelShape.parse({})),
    steps: z.number().int().min(1).max(10_000_000).default(300),
    batch: z.number().int().min(1).max(4096).default(16),
    /** Gradient accumulation: micro-batches of `batch` windows per optimizer step. */
    gradAccum: z.number().int().min(1).max(1024).default(1),
    lr: z.number().positive().max(1).default(3e-3),
    seed: z.number().int().default(1),
  })
  .strict();
export type TrainParams = z.output<typeof TrainParams>;

export const GrowParams = TrainParams.omit({ layers: true, steps: true })
  .extend({
    stages: z.number().int().min(1).max(64).default(3),
    stepsPerStage: z.number().int().min(1).max(10_000_000).default(150),
    blocksPerStage: z.number().int().min(1).max(8).default(1),
    init: BlockInit.default('scaled'),
    loraRank: z.number().int().min(0).max(256).default(0),
    loraFromStage: z.number().int().min(2).max(64).default(2),
    baseline: Baseline.default('none'),
  })
  .strict();
export type GrowParams = z.output<typeof GrowParams>;

export const SubstrateBuildParams = z
  .object({
    projectId: Id,
    kind: SubstrateKind,
    dim: z.number().int().min(8).max(4096).default(128),
    grid: z.union([z.literal(16), z.literal(32)]).default(32),
    ngrams: z.number().int().min(0).max(200_000).default(2000),
    seed: z.number().int().default(1),
    fontPath: z.string().max(4096).optional(),
    matrixPath: z.string().max(4096).optional(),
    /** Browser mode: the font or matrix file's bytes (base64), in place of a host path. */
    fontUpload: z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(90_000_000) }).optional(),
    matrixUpload: z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(90_000_000) }).optional(),
    /** The training datasets the vocabulary is built from (default: every training text of the project). */
    vocabularyDatasetIds: z.array(Id).min(1).max(64).optional(),
  })
  .strict();
export type SubstrateBuildParams = z.output<typeof SubstrateBuildParams>;

export const EvalStartParams = z
  .object({
    projectId: Id,
    modelIds: z.array(Id).min(1).max(16),
    datasetId: Id,
    task: EvalTask,
    protocol: EvalProtocol,
    runs: z.number().int().min(1).max(100).default(10),
    limit: z.number().int().min(1).max(100_000).optional(),
    seed: z.number().int().default(1),
    pair: z
      .string()
      .regex(/^[a-z]{2,3}-[a-z]{2,3}$/)
      .optional(),
  })
  .strict();

/** Starting points of the run form: values laid over the contract's defaults. */
export const RUN_PRESETS = {
  tiny: {
    label: 'Tiny',
    help: 'Two stages of one block, a few minutes on a CPU: see the growth happen.',
    values: { heads: 2, context: 32, batch: 8, stages: 2, stepsPerStage: 60, layers: 2, steps: 120, lr: 0.003 },
  },
  small: {
    label: 'Small',
    help: 'Three stages, longer schedule; tens of minutes on a CPU.',
    values: { heads: 4, context: 64, batch: 16, stages: 3, stepsPerStage: 300, layers: 3, steps: 900, lr: 0.003 },
  },
  paper: {
    label: 'Paper-shaped',
    help: "The paper's width (1024-d glyph substrate, 32 heads) and a deep stack; needs a GPU and a 1024-d substrate.",
    values: {
      dModel: 1024,
      heads: 32,
      context: 1024,
      batch: 32,
      stages: 9,
      stepsPerStage: 10000,
      layers: 9,
      steps: 90000,
      lr: 0.0003,
    },
  },
} as const satisfies Record<string, { label: string; help: string; values: Record<string, number> }>;
export type RunPreset = keyof typeof RUN_PRESETS;
