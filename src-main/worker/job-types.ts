// What each job kind receives from main and hands back, as zod schemas: both sides validate, because params
// and results cross a process boundary. Paths here are absolute (main resolves them from the workspace).
import { z } from 'zod';
import { SystemInfo } from '../../src-shared/contract';
import { AppGrowRunParams, MergePreviewResult, MergeTuneResult, TrainRunParams } from '../../src-shared/runs';
import { ArmResult, StudyResult, StudySpec } from '../../src-shared/study';
import { RunBackend } from '../../src-shared/settings';
import { ModelSpecSchema } from '../lib/model-spec';
import { DatasetStats } from '../lib/datasets/stats-schema';
import { EvalItemRecord, EvalReport } from '../../src-shared/domain';

const Files = z.array(z.string().min(1));
/** engine/model/param-report.ts: the paper's counts; total includes the frozen substrate. */
const Counts = z.object({
  total: z.number().int(),
  trainable: z.number().int(),
  frozen: z.number().int(),
  frozenBlocks: z.number().int(),
  frozenSubstrate: z.number().int(),
  frozenOther: z.number().int(),
});

export const ImportParams = z.object({
  file: z.string().min(1),
  format: z.enum(['txt', 'jsonl', 'json', 'csv', 'parquet']).optional(),
  field: z.string().optional(),
  header: z.boolean().optional(),
  /** Where the extracted UTF-8 text goes (inside the workspace). */
  destination: z.string().min(1),
  /** 'auto': a recognised benchmark file is validated as one and nothing is extracted. */
  kind: z.enum(['auto', 'text', 'benchmark']).default('text'),
  /** The file's name as the user knows it, for messages (an upload is stored under the workspace). */
  displayName: z.string().optional(),
  /** The project's tokenizer, when it has one: the new text's tokens are counted with it. */
  tokenizer: z.object({ id: z.string(), file: z.string() }).optional(),
});
/** The importer's stats: a training text's or a benchmark's (lib/datasets owns both shapes), and the tokens it counted. */
export const ImportResult = z.object({
  stats: DatasetStats,
  tokens: z.object({ tokenizerId: z.string(), tokens: z.number().int().nonnegative() }).optional(),
});

export const SubstrateParams = z.object({
  kind: z.enum(['glyph', 'binary-id', 'random', 'imported']),
  dim: z.number().int().positive(),
  grid: z.union([z.literal(16), z.literal(32)]),
  ngrams: z.number().int().nonnegative(),
  seed: z.number().int(),
  fontPath: z.string().optional(),
  matrixPath: z.string().optional(),
  /** Extracted texts of the project's training datasets, in a fixed order (the tokenizer id depends on it). */
  corpora: z.array(z.object({ datasetId: z.string(), file: z.string() })).min(1),
  /** An already registered tokenizer built from the same corpora and ngrams: reused, not rebuilt. */
  reuseTokenizerFile: z.string().nullable(),
  tokenizersDir: z.string(),
  substratesDir: z.string(),
});
export const SubstrateResult = z.object({
  tokenizer: z.object({
    id: z.string(),
    vocabSize: z.number().int(),
    ngrams: z.number().int(),
    file: z.string(),
    reused: z.boolean(),
  }),
  substrate: z.object({
    id: z.string(),
    kind: z.string(),
    dim: z.number().int(),
    vocabSize: z.number().int(),
    file: z.string(),
    meta: z.record(z.string(), z.unknown()),
    collisions: z.number().int(),
    collisionGroups: z.number().int(),
    /** Absolute path of the font the glyphs came from (lookups render with it). */
    fontPath: z.string().nullable(),
  }),
  /** Tokens of each training dataset under the tokenizer. */
  datasetTokens: z.record(z.string(), z.number().int()),
});

export const WorldParams = z.object({
  dir: z.string(),
  seed: z.number().int(),
  scale: z.enum(['quick', 'default']),
  datasetsDir: z.string(),
});
export const WorldDataset = z.object({
  id: z.string(),
  name: z.string(),
  split: z.enum(['train', 'val', 'test']),
  destination: z.string(),
  stats: DatasetStats,
});
export const WorldResult = z.object({
  manifest: z.object({
    id: z.string(),
    seed: z.number(),
    scale: z.string(),
    files: z.array(z.object({ name: z.string(), bytes: z.number() })),
  }),
  datasets: z.array(WorldDataset),
});

/**
 * What main resolves for a training or growth job from its stored run: absolute files and folders, the
 * checkpoint cadence and the provenance the model folder records. The job receives the run's contract params
 * (src-shared/runs.ts) plus these.
 */
const ResolvedTraining = z.object({
  /** runs/<id>/: a train job's checkpoint.safetensors goes here, in the CLI's run-folder layout. */
  runDir: z.string(),
  /** runs/<id>/checkpoints/: a growth job's stage folders. */
  checkpointDir: z.string(),
  substrateFile: z.string(),
  tokenizerFile: z.string(),
  train: Files.min(1),
  val: Files,
  /** Checkpoint every N steps or every S seconds, whichever comes first. */
  checkpointEverySteps: z.number().int().positive(),
  checkpointEverySeconds: z.number().positive(),
  provenance: z.record(z.string(), z.unknown()),
});
export type ResolvedTraining = z.infer<typeof ResolvedTraining>;

/** A 'train' job: the run's params plus the resolved files and the folder reserved for the model. */
export const TrainJobParams = TrainRunParams.extend(ResolvedTraining.shape).extend({ modelDir: z.string() });
export type TrainJobParams = z.input<typeof TrainJobParams>;
export const TrainedModel = z.object({
  modelId: z.string(),
  depth: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  params: Counts,
});
export const TrainResult = TrainedModel.extend({
  steps: z.number().int(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  tokensPerSec: z.number(),
  backend: RunBackend.optional(),
});

/** A 'backend-report' job (never a run): the backend a worker started with this environment, and its adapter. */
export const BackendProbeResult = SystemInfo.pick({
  backend: true,
  tried: true,
  gpus: true,
  wasm: true,
  adapter: true,
  adapterNote: true,
  description: true,
  webgpuWarnings: true,
});
export type BackendProbeResult = z.infer<typeof BackendProbeResult>;

/** A 'grow' job: the run's params plus the resolved files and, per stage, the model id and folder reserved for
 *  it (stage k's model goes to stageModels[k-1].modelDir). */
export const GrowJobParams = AppGrowRunParams.extend(ResolvedTraining.shape).extend({
  stageModels: z.array(z.object({ modelId: z.string(), modelDir: z.string() })).min(1),
});
export type GrowJobParams = z.input<typeof GrowJobParams>;

/**
 * What a 'grow' job (engine/grow, another engineer's; registered in jobs/index.ts) must return: one entry per
 * stage it saved (to params.stageModels[k-1]), oldest first.
 * Main registers them as 'stage' models linked by parentId (services/training.ts).
 */
export const GrowResult = z.object({
  stages: z.array(TrainedModel.extend({ stage: z.number().int().min(1), name: z.string().optional() })).min(1),
  trainLoss: z.number().nullable().optional(),
  valLoss: z.number().nullable().optional(),
  backend: RunBackend.optional(),
});

export const MergePreviewParams = z.object({
  merge: ModelSpecSchema,
  datasets: z.array(z.object({ name: z.string(), file: z.string() })).min(1),
  sampleText: z.string(),
  /** Tokens scored per dataset at most (keeps the preview interactive). */
  maxTokens: z.number().int().positive(),
});
export { MergePreviewResult };

export const MergeTuneParams = z.object({
  /** The merge as saved, without tuned heads: tuning starts from the zero-shot merge. */
  merge: ModelSpecSchema,
  datasets: z.array(z.object({ name: z.string(), file: z.string() })).min(1),
  steps: z.number().int().min(1),
  /** Where to write heads.safetensors (inside the workspace). */
  headsFile: z.string().min(1),
});
export { MergeTuneResult };

/** One item as the app's item browser shows it (the contract's record). */
export const EvalItem = EvalItemRecord;
export type EvalItem = EvalItemRecord;

export const EvalParams = z.object({
  task: z.enum(['ppl', 'mc', 'qa', 'bleu']),
  /** The engine's protocol name (loglik | paper | squad), or 'holdout': each model's recorded training hold-out. */
  protocol: z.enum(['loglik', 'paper', 'squad', 'holdout']),
  dataPath: z.string(),
  pair: z.string().optional(),
  limit: z.number().int().positive().optional(),
  runs: z.number().int().positive(),
  seed: z.number().int(),
  models: z.array(ModelSpecSchema).min(1),
  /** Per-item records are written here as <modelId>.json (the 'evals.items' channel reads them). */
  itemsDir: z.string(),
  /** 'holdout', per model id: the text files the app run that trained it validated on (its folder records no hold-out). */
  validationData: z.record(z.string(), z.object({ train: z.array(z.string()), val: z.array(z.string()) })).optional(),
});
export const EvalModelResult = z.object({
  modelId: z.string(),
  n: z.number().int(),
  metrics: z.record(z.string(), z.number().nullable()),
  ci95: z.number().nullable(),
  runs: z.number().int(),
  seed: z.number().int(),
  datasetSha256: z.string(),
  itemsFile: z.string(),
  /** Items left out with reasons, degenerate outputs (QA); null where the protocol reports neither. */
  report: EvalReport.nullable().default(null),
});
export const EvalJobResult = z.object({ results: z.array(EvalModelResult) });

/** A 'study' job: the study's spec as validated when it was defined, and its folder (finished arms stay there). */
export const StudyJobParams = z.object({
  studyId: z.string().min(1),
  spec: StudySpec,
  /** The study's output folder in the workspace: a study already there resumes from its next unfinished arm. */
  outDir: z.string().min(1),
  /** A spec on the project's datasets: their text files, resolved by main from the spec's ids (val null: fixed hold-out). */
  datasets: z.array(z.object({ name: z.string(), train: z.string(), val: z.string().nullable() })).optional(),
});
export type StudyJobParams = z.input<typeof StudyJobParams>;
/** What a 'study' job streams as state when an arm (one arm at one seed) finished: main registers its models. */
export const StudyArmDoneState = z.object({ armDone: ArmResult });
/** Where a study is, streamed when a new arm starts (0-based index of `runs`). */
export const StudyPositionState = z.object({
  position: z.object({ index: z.number().int(), runs: z.number().int(), run: z.string() }),
});
/** Either state a study job streams. */
export const StudyState = z.union([StudyArmDoneState, StudyPositionState]);
export { StudyResult };
