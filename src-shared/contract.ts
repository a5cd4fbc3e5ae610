// The one IPC contract between main and renderer (Electron IPC or the browser-mode WebSocket):
// invoke channels (request → response) and event channels (main → renderer streams), each with a zod schema.
import { z } from 'zod';
import {
  Dataset,
  DatasetFormat,
  DatasetSplit,
  EvalItemRecord,
  EvalResult,
  Id,
  ImportKind,
  LanguageCode,
  MergeMode,
  MetricPoint,
  MetricSeries,
  ModelEntry,
  Project,
  RunLogLine,
  Substrate,
} from './domain';
import { EvalStartParams, GrowParams, ModelShape, SubstrateBuildParams, TrainParams } from './params';
import { MergePreviewResult, MergeTuneResult, Run } from './runs';
import { GrowPlan, GrowPlanRequest } from './grow-plan';
import { StudySpec } from './study';
import { Study, StudyDetail } from './study-records';
import { BackendChoice, BackendChoiceSource } from './settings';
import { badString } from './request-hygiene';

export { GrowParams, MergePreviewResult, MergeTuneResult, ModelShape, TrainParams };

const Empty = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });

export const DiskUsage = z.object({
  /** Bytes of each model's own folder (a merge: its tuned heads), by model id. */
  models: z.record(z.string(), z.number().int().nonnegative()),
  /** Each substrate the project's models use, stored once per workspace, with how many models (any project) use it. */
  substrates: z.array(
    z.object({
      id: Id,
      name: z.string(),
      bytes: z.number().int().nonnegative(),
      /** Models (any project) built on it. */
      models: z.number().int().nonnegative(),
      /** Projects that chose it, and finished builds that list it in a Substrate view: these keep it too. */
      projects: z.number().int().nonnegative(),
      builds: z.number().int().nonnegative(),
    }),
  ),
  /** The project's models plus the substrates they use. */
  projectBytes: z.number().int().nonnegative(),
  /** Everything in the workspace folder (database, datasets, runs, models, substrates, …). */
  workspaceBytes: z.number().int().nonnegative(),
});
export type DiskUsage = z.infer<typeof DiskUsage>;
const ProjectRef = z.object({ projectId: Id }).strict();
const ById = z.object({ id: Id }).strict();
const Name = z.string().trim().min(1).max(200);

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SystemInfo = z.object({
  backend: z.string(),
  tried: z.array(z.object({ name: z.string(), ok: z.boolean(), reason: z.string() })),
  gpus: z.array(z.string()),
  wasm: z.object({ simd: z.boolean(), threads: z.boolean() }),
  /** The WebGPU adapter Dawn offered (in use when backend is 'webgpu'), or null with the reason in `tried`. */
  adapter: z
    .object({
      name: z.string(),
      vendor: z.string(),
      architecture: z.string(),
      description: z.string(),
      software: z.boolean(),
      limits: z.record(z.string(), z.number()),
    })
    .nullable(),
  /** One line on the adapter: the one in use, the one `webgpu` would use (software ones say so), or why there is none. */
  adapterNote: z.string(),
  /** What computes, in the words the run log and doctor use: "wasm (native AVX2+FMA, 2 threads)". */
  description: z.string().optional(),
  /** What Dawn and the Vulkan loader printed during the one quiet WebGPU probe (kept out of the terminal). */
  webgpuWarnings: z.array(z.string()).optional(),
  /** The backend jobs start with and where that choice comes from (the workspace setting, ESPALIER_BACKEND, the default). */
  choice: z.object({ backend: BackendChoice, source: BackendChoiceSource }),
  /** Where `backend` was measured: a worker process started with that choice (jobs run there; only workers load Dawn). */
  probedIn: z.enum(['worker', 'main']),
  memory: z.object({ rssBytes: z.number(), totalBytes: z.number(), freeBytes: z.number() }),
  versions: z.record(z.string(), z.string()),
  workspace: z.string(),
});

export const SamplingParams = z
  .object({
    maxTokens: z.number().int().min(1).max(4096).default(64),
    temperature: z.number().min(0).max(5).default(0.8),
    topK: z.number().int().min(0).max(100_000).default(40),
    topP: z.number().gt(0).max(1).default(0.95),
    seed: z.number().int().default(1),
  })
  .strict();

/** Folder formats a model exports to: Espalier's own, or a Hugging Face transformers folder. */
export const ModelFolderFormat = z.enum(['espalier', 'hf']);
export type ModelFolderFormat = z.infer<typeof ModelFolderFormat>;
/** What can be fetched or installed on request: GNU Unifont (when none is found) and the optional compute backends. */
export const InstallTarget = z.enum(['unifont', 'node-gpu', 'node', 'webgpu']);
export type InstallTarget = z.infer<typeof InstallTarget>;
export const Installables = z.object({
  font: z.object({ found: z.string().nullable(), version: z.string(), folder: z.string() }),
  backends: z.array(
    z.object({
      target: InstallTarget,
      packages: z.array(z.string()),
      installed: z.boolean(),
      installable: z.boolean(),
      reason: z.string(),
    }),
  ),
  /** The install running now, if any (one at a time). */
  running: InstallTarget.nullable(),
});
export type Installables = z.infer<typeof Installables>;

/** Every invoke channel: request schema and response schema. */
export const invokeChannels = {
  'app.info': { req: Empty, res: AppInfo },
  /** Cached after the first worker probe; `refresh` probes again. */
  'system.info': { req: z.object({ refresh: z.boolean().optional() }).strict(), res: SystemInfo },
  /**
   * Persists the workspace's backend choice; the next worker starts with it (and main's playground follows it,
   * except webgpu: Dawn loads only in workers). Refused while a job runs or waits. Answers with a fresh probe.
   */
  'system.setBackend': { req: z.object({ backend: BackendChoice }).strict(), res: SystemInfo },
  /**
   * Electron only: the native file dialog, opened by main. The path it returns is the only kind of host path the
   * app accepts afterwards (in fontPath, matrixPath, datasets.import path, models.export dest); null: cancelled.
   */
  'files.choose': {
    req: z.object({ purpose: z.enum(['font', 'matrix', 'dataset', 'export-folder']) }).strict(),
    res: z.object({ path: z.string().nullable() }),
  },
  'system.installables': { req: Empty, res: Installables },
  /** Resolves when the install ends; `line` says what happened in one line. Progress streams on 'system.installProgress'. */
  'system.install': {
    req: z.object({ target: InstallTarget }).strict(),
    res: z.object({ ok: z.boolean(), line: z.string() }),
  },

  'projects.list': { req: Empty, res: z.array(Project) },
  'projects.create': {
    req: z.object({ name: Name, description: z.string().max(2000).default('') }).strict(),
    res: Project,
  },
  'projects.createDemo': {
    req: z
      .object({ name: Name, scale: z.enum(['quick', 'default']).default('quick'), seed: z.number().int().default(1) })
      .strict(),
    res: z.object({ project: Project, runId: Id }),
  },
  'projects.rename': { req: z.object({ id: Id, name: Name }).strict(), res: Project },
  'projects.delete': { req: ById, res: Ok },
  /** Added for the renderer: the project's substrate choice (its tokenizer follows the substrate); null clears it. */
  'projects.setSubstrate': { req: z.object({ id: Id, substrateId: Id.nullable() }).strict(), res: Project },

  'datasets.list': { req: ProjectRef, res: z.array(Dataset) },
  'datasets.import': {
    req: z
      .object({
        projectId: Id,
        /** A local path (Electron, CLI) … */
        path: z.string().min(1).max(4096).optional(),
        /** … or the file's bytes, base64 (browser mode, ≤ 64 MiB). */
        upload: z.object({ fileName: z.string().min(1).max(255), base64: z.string().max(90_000_000) }).optional(),
        name: Name.optional(),
        format: DatasetFormat.optional(),
        field: z.string().max(200).optional(),
        split: DatasetSplit.default('train'),
        /** 'auto' imports a recognised benchmark file (MMLU CSV, SQuAD JSON, MC JSONL, pairs) as a benchmark, anything else as text. */
        kind: ImportKind.default('auto'),
      })
      .strict()
      .refine((r) => Boolean(r.path) !== Boolean(r.upload), { message: 'give exactly one of path or upload' }),
    res: z.object({ runId: Id }),
  },
  /** `lines` lines (items of a benchmark, parsed); with `chars`, more short lines until that many characters show. */
  'datasets.preview': {
    req: z
      .object({
        id: Id,
        lines: z.number().int().min(1).max(200).default(20),
        chars: z.number().int().min(1).max(20_000).optional(),
      })
      .strict(),
    res: z.object({ lines: z.array(z.string()) }),
  },
  'datasets.setSplit': { req: z.object({ id: Id, split: DatasetSplit }).strict(), res: Dataset },
  /** The languages a person says a dataset is in, primary first; null returns to the detected mix. */
  'datasets.setLanguages': {
    req: z
      .object({ id: Id, languages: z.array(LanguageCode).min(1, 'name at least one language').max(8).nullable() })
      .strict()
      .refine((r) => r.languages === null || new Set(r.languages).size === r.languages.length, {
        message: 'a language is listed twice',
        path: ['languages'],
      }),
    res: Dataset,
  },
  'datasets.delete': { req: ById, res: Ok },

  'substrates.list': { req: ProjectRef, res: z.array(Substrate) },
  'substrates.build': {
    req: SubstrateBuildParams,
    res: z.object({ runId: Id }),
  },
  /** The user's own name for a substrate ('' clears it); pickers show it before kind, grid, dim, vocabulary and date. */
  'substrates.setLabel': {
    req: z.object({ projectId: Id, id: Id, label: z.string().max(120) }).strict(),
    res: Substrate,
  },
  /** Deletes a substrate no model uses and no project has chosen (row and file); refused otherwise, naming why. */
  'substrates.delete': { req: ById, res: Ok.extend({ freedBytes: z.number().int().nonnegative() }) },
  'substrates.lookup': {
    req: z.object({ substrateId: Id, token: z.string().min(1).max(64) }).strict(),
    res: z.object({
      tokenIds: z.array(z.number().int()),
      bitmap: z.array(z.array(z.number().int().min(0).max(1))),
      nearest: z.array(z.object({ token: z.string(), cosine: z.number() })),
    }),
  },

  'runs.list': { req: ProjectRef, res: z.array(Run) },
  'runs.get': { req: ById, res: Run },
  'runs.metrics': {
    req: z
      .object({ runId: Id, names: z.array(z.string().max(200)).max(100).optional(), sinceStep: z.number().optional() })
      .strict(),
    res: z.array(MetricSeries),
  },
  'runs.startTrain': { req: TrainParams, res: z.object({ runId: Id }) },
  'runs.startGrow': { req: GrowParams, res: z.object({ runId: Id }) },
  /** The memory plan of the Growth form's current values (before Start), and the paper's presets. */
  'runs.planGrow': { req: GrowPlanRequest, res: GrowPlan },
  'runs.cancel': { req: ById, res: Run },
  'runs.pause': { req: ById, res: Run },
  'runs.resume': { req: ById, res: Run },
  /** The run's stored log tail (its last lines survive reloads and restarts), oldest first. */
  'runs.logs': {
    req: z.object({ runId: Id, afterSeq: z.number().int().nonnegative().optional() }).strict(),
    res: z.array(RunLogLine),
  },

  'models.list': { req: ProjectRef, res: z.array(ModelEntry) },
  'models.rename': { req: z.object({ id: Id, name: Name }).strict(), res: ModelEntry },
  /** Frees the model's own folder, and its substrate file when nothing else (model or project) references it. */
  'models.delete': {
    req: ById,
    res: Ok.extend({ freedBytes: z.number().int().nonnegative(), substrateFreed: z.boolean() }),
  },
  /** Disk use of the project's models (own files), the substrates they share (counted once), and the whole workspace. */
  'models.disk': { req: ProjectRef, res: DiskUsage },
  /** `format`: 'espalier' copies the model folder (a merge: merge.json and its experts); 'hf' writes a transformers folder. */
  'models.export': {
    req: z
      .object({ id: Id, dest: z.string().min(1).max(4096), format: ModelFolderFormat.default('espalier') })
      .strict(),
    res: z.object({ folder: z.string() }),
  },
  /** A Hugging Face folder (ArceeForCausalLM, e.g. grown further with scale/grow.py) on the host, as a new model. */
  'models.import': {
    req: z
      .object({ projectId: Id, from: z.string().min(1).max(4096), format: z.literal('hf'), name: Name.optional() })
      .strict(),
    res: ModelEntry,
  },

  /**
   * Compatibility against the first id: `incompatible` maps every other id that cannot join expertIds[0]
   * to the reason (which of substrate / tokenizer ids differ); `reason` summarises the whole set.
   */
  'merge.check': {
    req: z.object({ expertIds: z.array(Id).min(1) }).strict(),
    res: z.object({
      compatible: z.boolean(),
      reason: z.string().nullable(),
      incompatible: z.record(z.string(), z.string()),
    }),
  },
  'merge.preview': {
    req: z
      .object({
        expertIds: z.array(Id).min(2).max(8),
        mode: MergeMode.default('logits'),
        weights: z.array(z.number().nonnegative()).optional(),
        datasetIds: z.array(Id).min(1),
        sampleText: z.string().max(2000).default(''),
      })
      .strict(),
    res: z.object({ runId: Id }),
  },
  /**
   * Tunes a saved merge's output heads (the paper's brief head training after averaging) on the datasets: each
   * dataset's fixed hold-out (its last 10%) measures the zero-shot and the tuned merge, the rest trains. The run's
   * result is MergeTuneResult; the tuned heads are kept with the merge and used whenever it is loaded.
   */
  'merge.tune': {
    req: z
      .object({
        mergeId: Id,
        datasetIds: z.array(Id).min(1).max(16),
        steps: z.number().int().min(1).max(10_000).default(100),
      })
      .strict(),
    res: z.object({ runId: Id }),
  },
  'merge.save': {
    req: z
      .object({
        name: Name,
        expertIds: z.array(Id).min(2).max(8),
        mode: MergeMode.default('logits'),
        weights: z.array(z.number().nonnegative()).optional(),
      })
      .strict(),
    res: ModelEntry,
  },

  'evals.start': {
    req: EvalStartParams,
    res: z.object({ runId: Id }),
  },
  'evals.list': { req: ProjectRef, res: z.array(EvalResult) },
  /** A page of an evaluation's items: the scored ones, or the ones a filter left out (with reasons). */
  'evals.items': {
    req: z
      .object({
        evalId: Id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
        view: z.enum(['scored', 'left-out']).default('scored'),
      })
      .strict(),
    res: z.object({ total: z.number().int(), items: z.array(EvalItemRecord) }),
  },

  'studies.list': { req: ProjectRef, res: z.array(Study) },
  /** Defines a study (a preset's spec, resized or edited, or one written by hand) as a draft; start runs it. */
  'studies.create': { req: z.object({ projectId: Id, spec: StudySpec }).strict(), res: Study },
  /** The study with its finished runs and the comparison over seeds (mean ± CI per arm and metric). */
  'studies.get': { req: ById, res: StudyDetail },
  /** Runs a draft, or resumes a stopped study from its next unfinished run (finished runs are kept). */
  'studies.start': { req: ById, res: Study },
  'studies.cancel': { req: ById, res: Study },
  /** Deletes the study and its folder; the models its runs registered stay in the catalog. */
  'studies.delete': { req: ById, res: Ok },
  /** A study's model joins the Merge, Playground and Evaluate pickers (promoted: true) or is kept under its study again. */
  'studies.promote': { req: z.object({ modelId: Id, promoted: z.boolean() }).strict(), res: Ok },
  /**
   * Writes the comparison as CSV, or as a Markdown report with its plots (SVG) and the CSV, into a new file or
   * folder under `dest` (same rules as models.export: the export folder for browser clients).
   */
  'studies.export': {
    req: z.object({ id: Id, dest: z.string().min(1).max(4096), format: z.enum(['csv', 'markdown']) }).strict(),
    res: z.object({ path: z.string(), files: z.array(z.string()) }),
  },

  /** requestId (chosen by the client) lets 'playground.cancel' stop this generation between tokens. */
  'playground.generate': {
    req: z
      .object({
        modelIds: z.array(Id).min(1).max(3),
        prompt: z.string().max(10_000),
        sampling: SamplingParams.default(SamplingParams.parse({})),
        requestId: z.string().min(1).max(100).optional(),
      })
      .strict(),
    /** stopped: cancelled before it finished; text is what was generated until then (empty if it never started). */
    res: z.object({
      outputs: z.array(
        z.object({
          modelId: Id,
          text: z.string(),
          tokensPerSec: z.number(),
          tokens: z.number().int().min(0),
          stopped: z.boolean(),
        }),
      ),
    }),
  },
  /** Stops the generation with this requestId; stopped is false when none is running under it. */
  'playground.cancel': {
    req: z
      .object({
        requestId: z.string().min(1).max(100),
        /** Only this model's generation (the others go on). */ modelId: Id.optional(),
      })
      .strict(),
    res: z.object({ stopped: z.boolean() }),
  },
} as const;

/**
 * Metric names a training or growth run streams on 'run.metrics' (and returns from 'runs.metrics').
 * `step` is global across the stages of a growth run; `t` is seconds since the run started.
 */
export const RUN_METRICS = {
  trainLoss: 'train/loss',
  valLoss: 'val/loss',
  lr: 'lr',
  tokensPerSec: 'tokens_per_s',
  /** Cumulative training tokens seen at `step`. */
  tokens: 'tokens',
  /** 1-based stage of a growth run at `step`; a change marks a block insertion. */
  stage: 'stage',
  /** Global gradient norm before clipping. */
  gradNorm: 'grad_norm',
  /**
   * Validation loss of a growth run's model just before and just after a stage stacked its new block (before
   * training it), logged at the step the block was stacked (the previous stage's last step).
   */
  insertLossBefore: 'insert/loss_before',
  insertLossAfter: 'insert/loss_after',
} as const;

/** Every event channel (main → renderer). Metric events are batched and throttled in main (≤ ~10/s per run). */
export const eventChannels = {
  'run.updated': Run,
  'run.metrics': z.object({ runId: Id, points: z.array(MetricPoint) }),
  /** `seq` numbers the run's stored lines: a client that fetched up to N skips events at or below N. */
  'run.log': z.object({ runId: Id, line: z.string(), seq: z.number().int().positive().optional() }),
  'models.changed': z.object({ projectId: Id }),
  'datasets.changed': z.object({ projectId: Id }),
  /** A study was defined, changed status, finished a run (arm × seed) or was deleted. */
  'studies.changed': z.object({ projectId: Id, studyId: Id }),
  /** An install's output line; `fraction` when a download size is known. */
  'system.installProgress': z.object({
    target: InstallTarget,
    line: z.string().max(2000),
    fraction: z.number().min(0).max(1).nullable(),
  }),
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['req']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]['res']>;
export type EventPayload<E extends EventChannel> = z.infer<(typeof eventChannels)[E]>;

/** The structured error every boundary returns instead of throwing across it. */
export const ContractError = z.object({
  code: z.enum(['invalid-request', 'not-found', 'conflict', 'user-error', 'internal']),
  message: z.string(),
  /** Dotted path of the offending field, when a payload failed validation. */
  field: z.string().nullable(),
});
export type ContractError = z.infer<typeof ContractError>;

export type InvokeResult<C extends InvokeChannel> =
  { ok: true; value: InvokeResponse<C> } | { ok: false; error: ContractError };

/** Electron channel names carrying the contract. */
export const IPC_INVOKE = 'espalier:invoke';
export const IPC_EVENT = 'espalier:event';

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventChannels, name);
}

/** Validates a request; returns the parsed value (defaults applied) or a ContractError naming the field. */
export function parseRequest<C extends InvokeChannel>(
  channel: C,
  payload: unknown,
): { ok: true; value: z.infer<(typeof invokeChannels)[C]['req']> } | { ok: false; error: ContractError } {
  const bad = badString(payload);
  if (bad)
    return {
      ok: false,
      error: {
        code: 'invalid-request',
        message: `${channel}: ${bad.field ? `${bad.field}: ` : ''}${bad.problem}`,
        field: bad.field || null,
      },
    };
  const res = invokeChannels[channel].req.safeParse(payload ?? {});
  if (res.success) return { ok: true, value: res.data as z.infer<(typeof invokeChannels)[C]['req']> };
  const issue = res.error.issues[0]!;
  // An unknown field is named by itself (zod puts it in `keys`, at the path of the object holding it).
  const path =
    issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = path.length > 0 ? path.join('.') : null;
  return {
    ok: false,
    error: { code: 'invalid-request', message: `${channel}: ${field ? `${field}: ` : ''}${issue.message}`, field },
  };
}
