// The Growth form's memory plan before Start ('runs.planGrow'): what the form's current shape, batch and stages
// would hold in memory on the workspace's backend, whether it fits (and what would), and the paper's presets.
import { z } from 'zod';
import { Id } from './domain';
import { Baseline, ModelShape } from './params';

/** The form's current values; name and datasets are not needed to plan, so an unfinished form can ask. */
export const GrowPlanRequest = z
  .object({
    projectId: Id,
    substrateId: z.string().min(1).max(128),
    mode: z.enum(['grow', 'train']).default('grow'),
    /** Monolithic training's depth (mode 'train'). */
    layers: z.number().int().min(1).max(64).default(2),
    stages: z.number().int().min(1).max(64).default(3),
    blocksPerStage: z.number().int().min(1).max(8).default(1),
    baseline: Baseline.default('none'),
    embeddings: z.enum(['frozen', 'trainable']).default('frozen'),
    shape: ModelShape.default(ModelShape.parse({})),
    batch: z.number().int().min(1).max(4096).default(16),
    gradAccum: z.number().int().min(1).max(1024).default(1),
  })
  .strict();
export type GrowPlanRequest = z.output<typeof GrowPlanRequest>;

const Count = z.number().int().nonnegative();
const Bytes = z.number().nonnegative();

/** One of the paper's configurations: the shape it fills in and its parameter count next to the paper's figure. */
export const PaperPreset = z.object({
  name: z.string(),
  description: z.string(),
  layers: Count,
  dModel: Count,
  heads: Count,
  context: Count,
  mlpRatio: z.number(),
  vocabSize: Count,
  substrateDim: Count,
  /** Counted by Espalier for this configuration, substrate included. */
  params: Count,
  /** What the paper published, as a number and as it wrote it. */
  paperParams: z.number(),
  paperText: z.string(),
});
export type PaperPreset = z.output<typeof PaperPreset>;

export const GrowPlan = z.object({
  /** The backend planned for, and why that one (the workspace's choice, or the CPU path for 'auto'). */
  backend: z.string(),
  backendNote: z.string(),
  /** The largest unit the job trains: the final stage (frozen blocks below it) or the monolithic model. */
  unit: z.string(),
  vocabSize: Count,
  params: z.object({ total: Count, trainable: Count, frozenBlocks: Count, frozenSubstrate: Count }),
  bytes: z.object({
    weights: Bytes,
    /** The weights' host copy while a checkpoint or model folder is written. */
    hostWeights: Bytes,
    substrate: Bytes,
    gradients: Bytes,
    optimizer: Bytes,
    activations: Bytes,
    logits: Bytes,
    base: Bytes,
    total: Bytes,
    backendHeap: Bytes,
  }),
  limits: z.object({ ram: Bytes, wasmHeap: Bytes.nullable() }),
  fits: z.boolean(),
  problems: z.array(z.string()),
  /** The plan line every job logs. */
  line: z.string(),
  /** When it does not fit: the one-line refusal with what would make it fit; null when it fits. */
  advice: z.string().nullable(),
  presets: z.array(PaperPreset),
});
export type GrowPlan = z.output<typeof GrowPlan>;
