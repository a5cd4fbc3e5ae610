// A run as the contract shows it: a union by kind, each with the params it was started with (the request plus
// the ids main reserved) and the result it finished with. Stored runs are read tolerantly: unknown keys are
// dropped, older spellings of names are mapped (params.ts), and runs recorded by `espalier demo` have their own shape.
import { z } from 'zod';
import {
  BenchmarkTask,
  DatasetFormat,
  DatasetKind,
  DatasetSplit,
  EvalReport,
  Id,
  ImportKind,
  MergeMode,
  Timestamp,
} from './domain';
import { EvalStartParams, GrowParams, SubstrateBuildParams, TrainParams } from './params';
import { RunBackend } from './settings';

export const RunKind = z.enum([
  'train',
  'grow',
  'merge-preview',
  'eval',
  'import',
  'substrate',
  'world',
  'merge-tune',
  'study',
]);
export type RunKind = z.infer<typeof RunKind>;
export const RunStatus = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

const loss = z.number().nullable();

export const TrainRunParams = z.object(TrainParams.shape).extend({ modelId: Id });
export const TrainRunResult = z.object({
  modelId: Id,
  steps: z.number().int(),
  trainLoss: loss,
  valLoss: loss,
  tokensPerSec: z.number(),
  backend: RunBackend.optional(),
});

/** A growth run started from the app: one reserved model id per stage, oldest first. */
export const AppGrowRunParams = z.object(GrowParams.shape).extend({ stageModelIds: z.array(Id).min(1) });
/** A growth run `espalier demo` ran and registered: no request behind it, only what the demo recorded. */
export const DemoGrowRunParams = z.object({
  demo: z.string(),
  expert: z.string(),
  datasetIds: z.array(Id),
  valDatasetIds: z.array(Id),
  stages: z.number().int().min(1),
  /** Steps of each stage (absent in runs registered by earlier versions). */
  stepsPerStage: z.number().int().min(1).optional(),
  /** The demo preset the run used. */
  preset: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
});
export const GrowRunParams = z.union([AppGrowRunParams, DemoGrowRunParams]);
/** What a finished growth run produced: its stage models, oldest first. */
export const GrowOutcome = z.object({
  modelIds: z.array(Id),
  modelId: Id.optional(),
  trainLoss: loss.optional(),
  valLoss: loss.optional(),
  demo: z.string().optional(),
  /** The backend and adapter the stages trained on (absent in runs recorded before it was kept). */
  backend: RunBackend.optional(),
});
/** While a growth run runs (and after it stops unfinished), its result holds the stage it is in. */
export const GrowLiveState = z.object({
  stage: z.number().int(),
  depth: z.number().int(),
  trainableParams: z.number().int(),
  frozenParams: z.number().int(),
  backend: RunBackend.optional(),
});
export const GrowRunResult = z.union([GrowOutcome, GrowLiveState]);

export const ImportRunParams = z.object({
  datasetId: Id,
  name: z.string(),
  split: DatasetSplit.default('train'),
  /** The user's absolute path, or an upload stored relative to the workspace. */
  source: z.string(),
  fileName: z.string(),
  format: DatasetFormat.optional(),
  field: z.string().optional(),
  /** Runs stored before benchmarks had their own kind were text imports. */
  kind: ImportKind.default('text'),
});
export const ImportRunResult = z.object({
  datasetId: Id,
  characters: z.number(),
  records: z.number(),
  language: z.string().nullable(),
  /** What the file turned out to be; benchmarks add their task (older runs: text). */
  kind: DatasetKind.default('text'),
  task: BenchmarkTask.nullable().default(null),
});

export const SubstrateRunParams = z.object(SubstrateBuildParams.shape).extend({
  /** The project's training datasets the tokenizer is built from, in order. */
  datasetIds: z.array(Id),
  /** Identifies (training texts, ngrams): equal keys reuse one tokenizer. */
  sourceKey: z.string(),
  reuseTokenizerId: z.string().nullable(),
});
export const SubstrateRunResult = z.object({
  substrateId: z.string(),
  tokenizerId: z.string(),
  tokenizerReused: z.boolean(),
  collisions: z.number(),
});

export const WorldRunParams = z.object({
  scale: z.enum(['quick', 'default']).default('quick'),
  seed: z.number().int().default(1),
});
export const WorldRunResult = z.object({ worldId: z.string(), datasetIds: z.array(Id), files: z.number().int() });

export const MergePreviewRunParams = z.object({
  expertIds: z.array(Id).min(2),
  mode: MergeMode,
  /** Normalised, one per expert. */
  weights: z.array(z.number()),
  datasetIds: z.array(Id).min(1),
  sampleText: z.string().default(''),
  expertNames: z.array(z.string()).default([]),
});
/**
 * What a finished 'merge-preview' run carries in `Run.result`. rows: mean next-token loss of every expert
 * and of the merge (model = the model's name, or "merge") on each preview dataset (data = dataset name).
 * tokens: the sample text token by token; probs[i] is the probability expert i (in expertIds order) gave
 * that token. The view credits each token by creditOf(probs) (merge-credit.ts). Token objects strip unknown keys:
 * runs stored before that rule also carry `followed` (an index chosen by KL divergence), now ignored.
 */
export const MergePreviewResult = z
  .object({
    rows: z.array(z.object({ model: z.string(), data: z.string(), loss: z.number() }).strict()),
    tokens: z.array(z.object({ text: z.string(), probs: z.array(z.number().min(0).max(1)) })),
  })
  .strict();
export type MergePreviewResult = z.infer<typeof MergePreviewResult>;

/** A 'merge-tune' run: the request plus the workspace path main chose for the tuned heads. */
export const MergeTuneRunParams = z.object({
  mergeId: Id,
  datasetIds: z.array(Id).min(1),
  steps: z.number().int().min(1),
  headsFile: z.string().min(1),
});
/** What a finished 'merge-tune' run carries in `Run.result`: held-out loss (nats/token) before and after tuning. */
export const MergeTuneResult = z
  .object({
    zeroShotLoss: z.number(),
    tunedLoss: z.number(),
    steps: z.number().int().min(1),
    /** Dataset names the heads were tuned on. */
    data: z.string(),
    /** Training loss at each step. */
    losses: z.array(z.number()),
  })
  .strict();
export type MergeTuneResult = z.infer<typeof MergeTuneResult>;

/** The request (protocol as results record it) plus what main resolved; demo-registered runs have no project field. */
export const EvalRunParams = z
  .object(EvalStartParams.shape)
  .partial({ projectId: true })
  .extend({
    /** The engine's protocol that ran (loglik | paper | squad). */
    engineProtocol: z.enum(['loglik', 'paper', 'squad', 'holdout']),
    datasetName: z.string(),
    datasetSha256: z.string(),
    /** Set on evaluations `espalier demo` ran and registered. */
    demo: z.string().optional(),
  });
/** The ids recorded, and per eval id what it left out and how degenerate its outputs were (QA). */
export const EvalRunResult = z.object({ evalIds: z.array(Id), reports: z.record(z.string(), EvalReport).optional() });

/** A 'study' run runs one study's arms one after another; the study itself lives in the studies table. */
export const StudyRunParams = z.object({ studyId: Id });
/**
 * While a study runs, its result holds where it is (the arm running now, 0-based, of `arms`, and the arms
 * finished so far by id); when it is done, the same with every arm finished.
 */
export const StudyRunResult = z.object({
  studyId: Id.optional(),
  arm: z.string().optional(),
  armIndex: z.number().int().min(0).optional(),
  arms: z.number().int().min(0).optional(),
  armsDone: z.array(z.string()).default([]),
});

/** Params and result schema of every run kind. */
export const RUN_SCHEMAS = {
  train: { params: TrainRunParams, result: TrainRunResult },
  grow: { params: GrowRunParams, result: GrowRunResult },
  import: { params: ImportRunParams, result: ImportRunResult },
  substrate: { params: SubstrateRunParams, result: SubstrateRunResult },
  world: { params: WorldRunParams, result: WorldRunResult },
  'merge-preview': { params: MergePreviewRunParams, result: MergePreviewResult },
  'merge-tune': { params: MergeTuneRunParams, result: MergeTuneResult },
  eval: { params: EvalRunParams, result: EvalRunResult },
  study: { params: StudyRunParams, result: StudyRunResult },
} as const satisfies Record<RunKind, { params: z.ZodType; result: z.ZodType }>;

export type RunParams<K extends RunKind> = z.output<(typeof RUN_SCHEMAS)[K]['params']>;
export type RunResult<K extends RunKind> = z.output<(typeof RUN_SCHEMAS)[K]['result']>;

const RunBase = z.object({
  id: Id,
  projectId: Id,
  status: RunStatus,
  progress: z.object({ fraction: z.number().min(0).max(1), message: z.string() }),
  error: z.string().nullable(),
  checkpoint: z.string().nullable(),
  /** The run's step its checkpoint holds (null when unknown or without one): a resume continues after it. */
  checkpointStep: z.number().int().nonnegative().nullable().optional(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
});

export const Run = z.discriminatedUnion('kind', [
  RunBase.extend({ kind: z.literal('train'), params: TrainRunParams, result: TrainRunResult.nullable() }),
  RunBase.extend({ kind: z.literal('grow'), params: GrowRunParams, result: GrowRunResult.nullable() }),
  RunBase.extend({ kind: z.literal('import'), params: ImportRunParams, result: ImportRunResult.nullable() }),
  RunBase.extend({ kind: z.literal('substrate'), params: SubstrateRunParams, result: SubstrateRunResult.nullable() }),
  RunBase.extend({ kind: z.literal('world'), params: WorldRunParams, result: WorldRunResult.nullable() }),
  RunBase.extend({
    kind: z.literal('merge-preview'),
    params: MergePreviewRunParams,
    result: MergePreviewResult.nullable(),
  }),
  RunBase.extend({ kind: z.literal('merge-tune'), params: MergeTuneRunParams, result: MergeTuneResult.nullable() }),
  RunBase.extend({ kind: z.literal('eval'), params: EvalRunParams, result: EvalRunResult.nullable() }),
  RunBase.extend({ kind: z.literal('study'), params: StudyRunParams, result: StudyRunResult.nullable() }),
]);
export type Run = z.output<typeof Run>;
export type RunOf<K extends RunKind> = Extract<Run, { kind: K }>;

/** Parses a stored run's params for its kind; the error names the run and the field. */
export function parseRunParams<K extends RunKind>(kind: K, runId: string, raw: unknown): RunParams<K> {
  const r = RUN_SCHEMAS[kind].params.safeParse(raw);
  if (r.success) return r.data as RunParams<K>;
  const issue = r.error.issues[0]!;
  throw new Error(`run ${runId} (${kind}): stored params.${issue.path.join('.')}: ${issue.message}`);
}

/** Parses a stored run's result for its kind (null stays null); the error names the run and the field. */
export function parseRunResult<K extends RunKind>(kind: K, runId: string, raw: unknown): RunResult<K> | null {
  if (raw === null || raw === undefined) return null;
  const r = RUN_SCHEMAS[kind].result.safeParse(raw);
  if (r.success) return r.data as RunResult<K>;
  const issue = r.error.issues[0]!;
  throw new Error(`run ${runId} (${kind}): stored result.${issue.path.join('.')}: ${issue.message}`);
}
