// Studies: a named grid of training runs (arms × seeds) that differ in one or two factors, their results and the
// comparison over seeds — the zod schemas every layer (runner, CLI, worker, app) shares, plus the four presets.
import { z } from 'zod';

export const STUDY_PRESETS = ['c1', 'c4', 'growth-vs-monolithic', 'seeds', 'paper'] as const;
export type StudyPresetName = (typeof STUDY_PRESETS)[number];
export const STUDY_SIZES = ['quick', 'laptop', 'gpu'] as const;
export type StudySize = (typeof STUDY_SIZES)[number];

/** How the token rows reach the model: the frozen glyph substrate, binary token ids, or random codes. */
export const StudySubstrateKind = z.enum(['glyph', 'binary-id', 'random']);
export const StudyEmbedding = z.enum(['frozen', 'trainable']);
/** Grown: one block per stage, earlier blocks frozen. Monolithic: every block trained end to end from step 1. */
export const StudySchedule = z.enum(['grown', 'monolithic']);
/** How the arm's steps are set against the study's budget (growth vs monolithic). */
export const StudyBudget = z.enum(['equal-tokens', 'equal-flops']);
/** none: one model on all the data; logits/probs: one expert per corpus, merged by that rule. */
export const StudyMergeMode = z.enum(['none', 'logits', 'probs']);
/**
 * Merged experts' substrate/embedding start: the same rows for both, or each its own seeded rows (random codes
 * drawn per expert; glyph and binary-id rows under a seeded signed permutation of their columns).
 */
export const StudyExpertInit = z.enum(['same', 'different']);

const name = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 .,_()+-]*$/,
    'letters, digits, spaces and . , _ ( ) + - only, starting with a letter or digit',
  );

export const StudyArm = z
  .object({
    name,
    /** One line for the report: what this arm changes. */
    description: z.string().max(300).default(''),
    substrate: StudySubstrateKind.default('glyph'),
    embedding: StudyEmbedding.default('frozen'),
    schedule: StudySchedule.default('grown'),
    budget: StudyBudget.default('equal-tokens'),
    merge: StudyMergeMode.default('none'),
    expertInit: StudyExpertInit.default('same'),
    /**
     * The arm's own depth when it differs from the study's (a monolithic arm only): depth's control is one block
     * trained for the grown model's total steps (equal-tokens) or for its FLOPs (equal-flops).
     */
    depth: z.number().int().min(1).max(64).optional(),
  })
  .strict();
export type StudyArm = z.infer<typeof StudyArm>;

export const StudyCorpus = z.object({ name, train: z.string().min(1), val: z.string().min(1) }).strict();

export const StudyData = z.discriminatedUnion('kind', [
  /** The generated demo world (en-ru and en-zh corpora). */
  z
    .object({
      kind: z.literal('world'),
      seed: z.number().int().min(0).default(1),
      scale: z.enum(['quick', 'default']).default('quick'),
    })
    .strict(),
  /** Named datasets as files: one or more corpora (merge arms need exactly two), each with a held-out file. */
  z.object({ kind: z.literal('corpora'), corpora: z.array(StudyCorpus).min(1).max(2) }).strict(),
  /**
   * The project's datasets by id (what the app and browser send; no host paths): one corpus, or two for merge
   * arms, each with its held-out dataset or, without one, the fixed hold-out (the training text's last 10%).
   */
  z
    .object({
      kind: z.literal('datasets'),
      datasets: z
        .array(z.object({ train: z.string().min(1), heldOut: z.string().min(1).optional() }).strict())
        .min(1)
        .max(2),
    })
    .strict(),
]);
export type StudyData = z.infer<typeof StudyData>;

export const StudyModel = z
  .object({
    dim: z.number().int().min(8).max(4096),
    heads: z.number().int().min(1).max(64),
    contextLength: z.number().int().min(8).max(8192),
    /** Final depth: a grown arm adds one block per stage up to it; a monolithic arm trains all of them at once. */
    depth: z.number().int().min(1).max(64),
    /** Optimizer steps per growth stage (a monolithic arm at equal tokens gets depth × this). */
    stepsPerStage: z.number().int().min(1).max(1_000_000),
    batchSize: z.number().int().min(1).max(4096),
    /**
     * Gradient accumulation: micro-batches of `batchSize` windows per optimizer step (absent: 1). A step then sees
     * batchSize × gradAccum windows, with the memory of one micro-batch.
     */
    gradAccum: z.number().int().min(1).max(1024).optional(),
    lr: z.number().positive().max(1),
    evalWindows: z.number().int().min(1).max(100_000),
    /** Held-out tokens scored per corpus for the final loss. */
    evalTokens: z.number().int().min(64).max(10_000_000),
    /** N-grams added to the tokenizer. */
    ngrams: z.number().int().min(0).max(100_000),
  })
  .strict();
export type StudyModel = z.infer<typeof StudyModel>;

/** Windows one optimizer step sees: the micro-batch times the accumulation. */
export function windowsPerStep(m: Pick<StudyModel, 'batchSize' | 'gradAccum'>): number {
  return m.batchSize * (m.gradAccum ?? 1);
}

export const StudySpec = z
  .object({
    format: z.literal('espalier-study').default('espalier-study'),
    name,
    /** The question the study asks, one line (the report's subtitle). */
    question: z.string().max(500).default(''),
    preset: z.enum(STUDY_PRESETS).nullable().default(null),
    size: z.enum(STUDY_SIZES).default('laptop'),
    seeds: z.array(z.number().int().min(0).max(0xffff_ffff)).min(1).max(100),
    data: StudyData.default({ kind: 'world', seed: 1, scale: 'quick' }),
    model: StudyModel,
    arms: z.array(StudyArm).min(1).max(32),
    /** The arm every other arm is compared against (differences with a CI). */
    control: name,
  })
  .strict()
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.arms.forEach((a, i) => {
      if (names.has(a.name))
        ctx.addIssue({
          code: 'custom',
          path: ['arms', i, 'name'],
          message: `"${a.name}" names two arms; arm names must differ`,
        });
      names.add(a.name);
      const corpora =
        s.data.kind === 'corpora' ? s.data.corpora.length : s.data.kind === 'datasets' ? s.data.datasets.length : 2;
      if (a.merge !== 'none' && corpora !== 2) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms', i, 'merge'],
          message: `a merge arm needs exactly two corpora (one per expert), the data has ${corpora}`,
        });
      }
      if (a.depth !== undefined && a.depth !== s.model.depth && (a.schedule !== 'monolithic' || a.merge !== 'none')) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms', i, 'depth'],
          message: 'only a single monolithic model may have its own depth (the control for depth)',
        });
      }
      if (a.embedding === 'frozen' && a.expertInit === 'different' && a.merge !== 'none') {
        ctx.addIssue({
          code: 'custom',
          path: ['arms', i, 'expertInit'],
          message: 'experts on a frozen substrate share its rows; "different" needs embedding "trainable"',
        });
      }
    });
    if (!names.has(s.control))
      ctx.addIssue({
        code: 'custom',
        path: ['control'],
        message: `"${s.control}" is not the name of an arm (${[...names].join(', ')})`,
      });
    if (new Set(s.seeds).size !== s.seeds.length)
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'lists a seed twice' });
    if (s.model.dim % s.model.heads !== 0)
      ctx.addIssue({ code: 'custom', path: ['model', 'heads'], message: `must divide model.dim ${s.model.dim}` });
  });
export type StudySpec = z.infer<typeof StudySpec>;
export type StudySpecInput = z.input<typeof StudySpec>;

/** A metric's value and how it was measured (kept beside every number, into the report). */
export const StudyMetric = z.object({ value: z.number().nullable(), protocol: z.string() }).strict();
export type StudyMetric = z.infer<typeof StudyMetric>;

export const StudyCurvePoint = z
  .object({ step: z.number().int(), loss: z.number(), valLoss: z.number().optional() })
  .strict();

/** Per-stage held-out NLL of a grown model, one metric per stage: "heldout nll after stage 2". */
export const STAGE_METRIC = 'heldout nll after stage ';

/** A seed one training of a run used, derived from the study seed, arm, expert and role (so no two share one). */
export const RunSeed = z
  .object({ model: z.string(), role: z.enum(['train', 'substrate']), seed: z.number().int() })
  .strict();
export type RunSeed = z.infer<typeof RunSeed>;

/** One finished run: an arm at one seed. */
export const ArmResult = z
  .object({
    arm: z.string(),
    /** Unique in the study: "<arm> · seed <n>"; also the run's folder name, slugged. */
    run: z.string(),
    factors: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    seed: z.number().int(),
    /** The arm's model folder (an expert's for merge arms), loadable like any trained model. */
    modelDir: z.string(),
    /** Every model the run made: the model, or both experts and the merge (a merge folder only when loadable). */
    models: z
      .array(
        z.object({ name: z.string(), kind: z.enum(['model', 'expert', 'merge']), dir: z.string().nullable() }).strict(),
      )
      .default([]),
    /** Training loss per global step (stages concatenated), with the held-out loss where it was measured. */
    curve: z.array(StudyCurvePoint),
    metrics: z.record(z.string(), StudyMetric),
    /** Every seed the run's trainings used (init and sampling; substrate rows), with the model it seeded. */
    seeds: z.array(RunSeed).default([]),
    seconds: z.number(),
    finishedAt: z.string(),
  })
  .strict();
export type ArmResult = z.infer<typeof ArmResult>;

export const StudyProgress = z
  .object({
    /** 0-based index of the run (arm × seed) in the study's order, and how many runs there are. */
    arm: z.number().int(),
    arms: z.number().int(),
    armName: z.string(),
    seed: z.number().int(),
    /** What is training now, e.g. "stage 2/3", "expert ZH stage 1/2", "evaluating". */
    phase: z.string(),
    step: z.number().int(),
    steps: z.number().int(),
    loss: z.number().nullable(),
    /** A one-line note (arm started, skipped as already done, finished with its loss). */
    message: z.string().optional(),
  })
  .strict();
export type StudyProgress = z.infer<typeof StudyProgress>;

export const StudyResult = z
  .object({
    format: z.literal('espalier-study-result'),
    version: z.literal(1),
    spec: StudySpec,
    outDir: z.string(),
    status: z.enum(['done', 'stopped']),
    /** Finished runs, in the study's order. */
    arms: z.array(ArmResult),
    /** What substrate each kind resolved to (e.g. glyph from which font). */
    notes: z.array(z.string()).default([]),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .strict();
export type StudyResult = z.infer<typeof StudyResult>;

export const MetricSummary = z
  .object({
    mean: z.number(),
    ci95: z.number().nullable(),
    n: z.number().int(),
    sd: z.number().nullable(),
    protocol: z.string(),
  })
  .strict();
export type MetricSummary = z.infer<typeof MetricSummary>;

export const StudyDifference = z
  .object({
    arm: z.string(),
    metric: z.string(),
    /** Mean over seeds of (arm − control), paired by seed; CI half-width from Student's t. */
    diff: z.number(),
    ci95: z.number().nullable(),
    n: z.number().int(),
  })
  .strict();
export type StudyDifference = z.infer<typeof StudyDifference>;

/** A claim's reading: the CI of the difference lies on the claim's side (holds), the other (fails), or spans 0. */
export const VerdictKind = z.enum(['holds', 'fails', 'inconclusive']);
export const StudyVerdict = z
  .object({
    question: z.string(),
    claim: z.string(),
    verdict: VerdictKind,
    /** The differences the verdict rests on, e.g. "glyph − trainable: +0.065 ± 0.049 nats (n = 3)". */
    evidence: z.array(z.string()),
    /** "C1 … : the paper's claim fails at this size (…)". */
    line: z.string(),
  })
  .strict();
export type StudyVerdict = z.infer<typeof StudyVerdict>;

/** One row of the per-stage table: an arm's held-out loss after a stage, and the change from the stage before. */
export const StageRow = z
  .object({
    arm: z.string(),
    /** 1-based stage; for a control arm, its depth. */
    stage: z.number().int(),
    blocks: z.number().int(),
    steps: z.number().int(),
    nll: MetricSummary.omit({ protocol: true }),
    /** Stage k − stage k−1, paired by seed (null for the first stage and for controls). */
    delta: z.object({ mean: z.number(), ci95: z.number().nullable(), n: z.number().int() }).nullable(),
    control: z.boolean(),
  })
  .strict();
export type StageRow = z.infer<typeof StageRow>;

export const StudyComparison = z
  .object({
    study: z.string(),
    control: z.string(),
    /** Metrics every finished run has (the comparison's rows). */
    metrics: z.array(z.string()),
    groups: z.array(
      z
        .object({
          arm: z.string(),
          description: z.string(),
          factors: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
          seeds: z.array(z.number().int()),
          metrics: z.record(z.string(), MetricSummary),
        })
        .strict(),
    ),
    differences: z.array(StudyDifference),
    /** One line per arm: its difference from the control on the headline metric, with its reading. */
    outcome: z.array(z.string()).default([]),
    /** The paper preset's questions: whether each claim holds, fails or is inconclusive at this size. */
    verdicts: z.array(StudyVerdict).default([]),
    /** Held-out loss after every growth stage of the grown arms, with stage-to-stage differences and the controls. */
    stages: z.array(StageRow).default([]),
  })
  .strict();
export type StudyComparison = z.infer<typeof StudyComparison>;

/** "arms[2].substrate: …" lines for a failed parse, each naming the field. */
export function studyIssues(err: z.ZodError): string[] {
  return err.issues.map((i) => {
    const path = i.path
      .map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return `${path || '(the spec)'}: ${i.message}`;
  });
}
