// What the demo and the studies share: one evaluation's result row, the progress hooks, and the contract by which
// the demo's report includes the controlled studies (the study layer implements it; neither imports the other).

/** One evaluation of one model: a task on one dataset under one protocol. */
export interface SuiteEval {
  /** The model's name in the tables, e.g. "RU d2", "merge (logits)". */
  model: string;
  /** e.g. "ppl:en-ru", "qa-paper:ru", "mc-loglik", "bleu:en-zh". */
  key: string;
  task: string;
  protocol: string;
  dataset: string;
  /** The data file's full path ('' for the derived union loss). */
  data: string;
  datasetSha256: string;
  /** Items (tokens for ppl) the evaluation was limited to. */
  limit?: number;
  /** Translation language pair ("en-ru"). */
  pair?: string;
  n: number;
  metrics: Record<string, number | null>;
  ci95: number | null;
  runs: number;
  seed: number;
  settings: Record<string, unknown>;
  seconds: number;
  /** Multiple choice: accuracy split by which corpus teaches the fact. */
  byCoverage?: Record<string, { acc: number; n: number }>;
  /** The full result with per-item records, saved in the model's folder. */
  file?: string;
}

export interface DemoHooks {
  log?(message: string): void;
  progress?(label: string, done: number, total: number, extra?: string): void;
  progressDone?(): void;
  /** Polled between steps; true stops the demo with a UserError (growth checkpoints are kept). */
  shouldStop?(): boolean;
}

export interface DemoStudiesContext {
  /** The folder the studies write into (one subfolder each). */
  out: string;
  seed: number;
  hooks: DemoHooks;
}

/** One study in the demo report: mean ± 95% CI per arm of its headline metric, and each arm against the control. */
export interface DemoStudySection {
  preset: string;
  title: string;
  question: string;
  control: string;
  metric: string;
  seeds: number[];
  rows: { arm: string; description: string; mean: number | null; ci95: number | null; n: number }[];
  /** One line per arm: its difference from the control with the CI and the reading. */
  outcome: string[];
  /** The study's own Markdown report (every metric, the plots). */
  report: string;
  seconds: number;
}

export type DemoStudiesRunner = (ctx: DemoStudiesContext) => Promise<DemoStudySection[]>;
