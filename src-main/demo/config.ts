// The demo's two presets (--quick and the default): world size, tokenizer, model shape, growth schedule and how
// many items each evaluation reads — sized for a 2-core machine running TensorFlow.js on WebAssembly.
import type { WorldScale } from '../lab/world/index';
import type { SuiteLimits } from '../lab/evaluate';
import { UserError } from '../common/errors';

export type DemoMode = 'quick' | 'default';

export interface DemoPreset {
  world: WorldScale;
  /** N-grams added to the tokenizer (its vocabulary: specials, bytes, every code point, then these). */
  ngrams: number;
  /** Substrate columns (= d_model: no projection). */
  dim: number;
  heads: number;
  contextLength: number;
  /** Growth: stages (final depth, one block each), optimizer steps per stage, windows per step, peak lr. */
  stages: number;
  steps: number[];
  batchSize: number;
  lr: number;
  /** Validation windows per in-training evaluation. */
  evalWindows: number;
  /** Post-merge head tuning: optimizer steps on both training corpora (0: no tuned merge). */
  tuneSteps: number;
  eval: SuiteLimits;
}

export const DEMO_PRESETS: Record<DemoMode, DemoPreset> = {
  quick: {
    world: 'quick',
    ngrams: 300,
    dim: 64,
    heads: 4,
    contextLength: 128,
    stages: 3,
    steps: [90, 90, 90],
    batchSize: 8,
    lr: 4e-3,
    evalWindows: 16,
    tuneSteps: 40,
    eval: { pplTokens: 1500, qaPaper: 16, qaSquad: 12, qaMaxTokens: 8, mcItems: 40, mcRuns: 3, bleuItems: 12 },
  },
  // Measured here (2 cores, one wasm thread, machine shared): width 64 trained for more steps beat width 128 for
  // fewer in the same time; a 256-token context holds most QA paragraphs with their question.
  default: {
    world: 'default',
    ngrams: 300,
    dim: 64,
    heads: 4,
    contextLength: 256,
    stages: 3,
    steps: [700, 700, 700],
    batchSize: 4,
    lr: 4e-3,
    evalWindows: 32,
    tuneSteps: 200,
    eval: { pplTokens: 6000, qaPaper: 50, qaSquad: 30, qaMaxTokens: 10, mcItems: 200, mcRuns: 10, bleuItems: 40 },
  },
};

export type DemoPresetOverrides = Partial<Omit<DemoPreset, 'eval'>> & { eval?: Partial<DemoPreset['eval']> };

/** The mode's preset with `over` laid on top. */
export function resolvePreset(mode: DemoMode, over: DemoPresetOverrides = {}): DemoPreset {
  const base = DEMO_PRESETS[mode];
  if (!base) throw new UserError(`demo mode must be quick or default, got "${String(mode)}"`);
  const p: DemoPreset = { ...base, ...over, eval: { ...base.eval, ...over.eval } };
  if (p.steps.length !== p.stages)
    throw new UserError(`demo preset: ${p.steps.length} step counts for ${p.stages} stages`);
  return p;
}
