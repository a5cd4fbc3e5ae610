// The demo's result: every number it measured, the tables it prints and the claims it checks (report.json).
import type { DemoMode, DemoPresetOverrides } from './config';
import type { DemoCorpus, WorldFiles } from './inputs';

export interface DemoOptions {
  /** The run folder (created): world or corpora, tokenizer, substrate, growth runs, merges, report. */
  out: string;
  mode: DemoMode;
  seed: number;
  /** The user's two corpora instead of the world (world-only tasks are skipped). */
  corpora?: { a: string; b: string };
  /** A GNU Unifont .hex(.gz); absent: a system Unifont, else the binary-id substrate. */
  font?: string;
  /** How the backend was chosen, for the report (the caller starts it). */
  backend?: string;
  /** Changes to the mode's preset (tests shrink it; the report records the preset used). */
  preset?: DemoPresetOverrides;
  /**
   * Runs the controlled studies (C1, C4) on the demo world and summarises them for the report. Injected by the
   * caller because the studies are a client of the demo (src-main/study), not part of it.
   */
  studies?: DemoStudiesRunner;
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

export interface DemoHooks {
  log?(message: string): void;
  progress?(label: string, done: number, total: number, extra?: string): void;
  progressDone?(): void;
  /** Polled between steps; true stops the demo with a UserError (growth checkpoints are kept). */
  shouldStop?(): boolean;
}

export interface StageSummary {
  depth: number;
  steps: number;
  trainableParams: number;
  frozenParams: number;
  lossBeforeInsert: number | null;
  lossAfterInsert: number;
  trainLoss: number;
  valLoss: number | null;
  seconds: number;
  tokens: number;
  /** The exported model folder of this depth. */
  model: string;
  /** Training loss after every step (for charts). */
  curve: number[];
  valCurve: { step: number; valLoss: number }[];
}

export interface ExpertGrowth {
  expert: string;
  corpus: string;
  dir: string;
  seed: number;
  seconds: number;
  stages: StageSummary[];
}

export interface MergeSummary {
  name: string;
  mode: 'logits' | 'probs';
  dir: string;
  /** The expert folders (final depth) it combines. */
  experts: string[];
  /** Present for the merge whose output heads were tuned after averaging (held-out loss before and after). */
  tuned?: { steps: number; zeroShotLoss: number; tunedLoss: number };
}

/** One evaluation of one model: a task on one dataset under one protocol. */
export interface DemoEval {
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

export interface DemoModelRef {
  name: string;
  kind: 'stage' | 'merge';
  expert: string | null;
  depth: number;
  dir: string;
}

export interface DemoTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface Claim {
  holds: boolean | null;
  /** One sentence: what was compared and what came out. */
  statement: string;
  numbers: Record<string, unknown>;
}

export interface DemoClaims {
  deeperIsBetter: Claim;
  qaRisesWithDepth: Claim;
  expertsBestOnOwnLanguage: Claim;
  mergeBeatsExpertsOnUnion: Claim;
}

export interface DemoResult {
  format: 'espalier-demo';
  version: 1;
  mode: DemoMode;
  source: 'world' | 'corpora';
  seed: number;
  out: string;
  createdAt: string;
  backend: string | null;
  preset: Record<string, unknown>;
  world: (Omit<WorldFiles, 'mcCoverage'> & { mcItems: number }) | null;
  corpora: (DemoCorpus & { trainTokens: number; valTokens: number })[];
  skipped: string[];
  tokenizer: { id: string; vocabSize: number; ngrams: number; file: string };
  substrate: { id: string; kind: string; dim: number; file: string; font: string | null; note: string };
  growth: ExpertGrowth[];
  merges: MergeSummary[];
  models: DemoModelRef[];
  evals: DemoEval[];
  depthVsCapability: DemoTable[];
  expertsVsMerge: DemoTable;
  /** Paper-protocol and standard-protocol numbers side by side, each column labelled. */
  protocols: DemoTable;
  claims: DemoClaims;
  /** The controlled studies (C1, C4) at quick size; empty when none ran (user corpora, or none asked for). */
  studies: DemoStudySection[];
  report: { markdown: string; json: string };
  seconds: { total: number; inputs: number; tokenizer: number; substrate: number; growth: number; merge: number; eval: number; studies: number };
}
