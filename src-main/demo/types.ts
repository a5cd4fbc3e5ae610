// The demo's result: every number it measured, the tables it prints and the claims it checks (report.json).
import type { DemoMode, DemoPresetOverrides } from './config';
import type { DemoCorpus, WorldFiles } from '../lab/inputs';
import type { DemoStudiesRunner, DemoStudySection, SuiteEval } from '../lab/types';

export type { DemoHooks, DemoStudiesContext, DemoStudiesRunner, DemoStudySection } from '../lab/types';
/** One evaluation of one model in the demo's tables (the suite's row type). */
export type DemoEval = SuiteEval;

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
  /** Where the shared files go when the demo writes into a workspace (each stored once); absent: all under `out`. */
  placement?: DemoPlacement;
}

/** A workspace's places for what the demo makes, so nothing is written twice (services/demo.ts registers them). */
export interface DemoPlacement {
  /** The substrate file for this id (every stage folder references it instead of holding a copy). */
  substrateFile(id: string): string;
  /** The model folder of an expert's growth stage (its checkpoint stays in the demo's run folder until done). */
  stageDir(expert: string, stage: number): string;
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
  seconds: {
    total: number;
    inputs: number;
    tokenizer: number;
    substrate: number;
    growth: number;
    merge: number;
    eval: number;
    studies: number;
  };
}
