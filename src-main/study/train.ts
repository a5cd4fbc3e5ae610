// Trains one model of a study run through the engine's growth runner (a monolithic arm is one stage holding
// every block) and evaluates it on the shared held-out suite. Stopping leaves a checkpoint the rerun resumes.
import type { StudyArm, StudyModel } from '../../src-shared/study';
import { evaluateModel, unionLoss } from '../lab/evaluate';
import type { SuiteEval } from '../lab/types';
import { resolvePlan, runGrowth, type GrowthPlan } from '../engine/grow/index';
import { loadModel } from '../engine/io/index';
import type { CausalLM } from '../engine/model/index';
import type { BuiltSubstrate } from '../engine/substrate/index';
import type { Windows } from '../engine/train/index';
import type { ArmSchedule } from './budget';
import type { StudyInputs } from './data';

export interface CurvePoint {
  step: number;
  loss: number;
  valLoss?: number;
}

export interface TrainedModel {
  dir: string;
  curve: CurvePoint[];
  /** The last training-time validation loss. */
  valLoss: number | null;
  seconds: number;
  /** Each stage's model folder and its cumulative steps (one entry for a monolithic model). */
  stages: { dir: string; steps: number; blocks: number }[];
}

export interface TrainHooks {
  signal?: AbortSignal;
  /** Every optimizer step: the phase label, the step over all stages, the total and the loss. */
  onStep?(phase: string, step: number, steps: number, loss: number): void;
}

/** The growth plan of a study model; a trainable table is asked for outright (the CLI offers it as a baseline). */
export function studyPlan(
  arm: Pick<StudyArm, 'embedding'>,
  model: StudyModel,
  sched: ArmSchedule,
  seed: number,
): GrowthPlan {
  const plan = resolvePlan({
    stages: sched.stages,
    blocksPerStage: sched.blocksPerStage,
    steps: sched.steps,
    lr: model.lr,
    batchSize: model.batchSize,
    accumulation: model.gradAccum ?? 1,
    seed,
    evalWindows: model.evalWindows,
    checkpointEvery: 1_000_000,
    model: { dModel: model.dim, heads: model.heads, contextLength: model.contextLength, substrateDim: model.dim },
  });
  return arm.embedding === 'trainable' ? { ...plan, model: { ...plan.model, embedding: 'trainable' } } : plan;
}

/** Trains in `dir` (resuming a stopped run there); null when stopped. */
export async function trainModel(
  plan: GrowthPlan,
  data: { train: Windows; val: Windows; substrate: BuiltSubstrate },
  inputs: StudyInputs,
  dir: string,
  label: string,
  hooks: TrainHooks,
): Promise<TrainedModel | null> {
  const total = plan.stages.reduce((a, s) => a + s.steps, 0);
  const before = (stage: number) => plan.stages.slice(0, stage - 1).reduce((a, s) => a + s.steps, 0);
  const phase = (stage: number) =>
    `${label}${plan.stages.length > 1 ? `stage ${stage}/${plan.stages.length}` : 'training'}`.trim();
  const r = await runGrowth(
    plan,
    { ...data, tokenizer: inputs.tokenizer },
    {
      out: dir,
      signal: hooks.signal,
      shouldStop: () => Boolean(hooks.signal?.aborted),
      onProgress: (e) => hooks.onStep?.(phase(e.stage), before(e.stage) + e.step, total, e.loss),
    },
  );
  if (r.status === 'stopped') return null;
  const curve: CurvePoint[] = [];
  let offset = 0;
  for (const s of r.stages) {
    const at = new Map(s.valCurve.map((v) => [v.step, v.valLoss]));
    s.curve.forEach((loss, i) => {
      const v = at.get(i + 1);
      curve.push({ step: offset + i + 1, loss, ...(v !== undefined ? { valLoss: v } : {}) });
    });
    offset += s.steps;
  }
  const last = r.stages[r.stages.length - 1]!;
  let steps = 0;
  const stages = r.stages.map((s, i) => ({ dir: s.model, steps: (steps += s.steps), blocks: plan.stages[i]!.depth }));
  return {
    dir: last.model,
    curve,
    valLoss: last.valLoss,
    seconds: Math.round(r.stages.reduce((a, s) => a + s.seconds, 0) * 100) / 100,
    stages,
  };
}

/** Held-out loss of `model` on every corpus and on their union (token-weighted); per-item results saved in `saveDir`. */
export async function heldOut(
  model: CausalLM,
  name: string,
  inputs: StudyInputs,
  saveDir?: string,
): Promise<{ rows: SuiteEval[]; union: SuiteEval | null }> {
  const rows = await evaluateModel(
    { model, tokenizer: inputs.tokenizer, batchSize: 16 },
    name,
    inputs.suite,
    saveDir ? { saveDir } : {},
  );
  return {
    rows,
    union: unionLoss(
      rows,
      name,
      inputs.corpora.map((c) => c.name),
    ),
  };
}

export function loadTrained(dir: string, substrate: BuiltSubstrate): CausalLM {
  return loadModel(dir, { substrate }).model;
}
