// An arm's training schedule (stages, blocks per stage, steps) and its honest FLOPs: growth trains one new block
// (3× forward) over frozen blocks that only run forward (1×, or 2× when a trainable embedding below needs their
// gradient); a monolithic model trains every block (3×). At equal FLOPs growth therefore gets more tokens.
import { windowsPerStep, type StudyArm, type StudyModel } from '../../src-shared/study';
import { blockFlops, headFlops } from '../engine/grow/index';
import { resolveConfig } from '../engine/model/index';

export interface ArmSchedule {
  stages: number;
  blocksPerStage: number;
  /** Optimizer steps per stage. */
  steps: number[];
  /** Training tokens over all stages. */
  tokens: number;
  /** Estimated training FLOPs (no credit for the prefix cache; evaluation not counted). */
  flops: number;
}

/** FLOPs per training token of growth stage k (1-based) and of the monolithic model. */
export function perTokenFlops(
  model: StudyModel,
  vocabSize: number,
  embedding: StudyArm['embedding'],
): { stage: (k: number) => number; monolithic: number; block: number; head: number } {
  const cfg = resolveConfig({
    vocabSize,
    dModel: model.dim,
    heads: model.heads,
    contextLength: model.contextLength,
    layers: model.depth,
    substrateDim: model.dim,
  });
  const fb = blockFlops(cfg);
  const fh = headFlops(cfg);
  const frozen = embedding === 'trainable' ? 2 : 1;
  return {
    stage: (k) => 3 * fb + (k - 1) * frozen * fb + 3 * fh,
    monolithic: 3 * (model.depth * fb + fh),
    block: fb,
    head: fh,
  };
}

/**
 * The schedule of `arm`: the monolithic budget is depth × stepsPerStage steps of every block. A shallower
 * monolithic arm (depth's control) trains for the grown model's total steps (equal-tokens) or until its FLOPs
 * equal the grown model's at equal tokens (equal-flops).
 */
export function armSchedule(
  arm: Pick<StudyArm, 'schedule' | 'budget' | 'embedding' | 'depth'>,
  model: StudyModel,
  vocabSize: number,
): ArmSchedule {
  const tps = windowsPerStep(model) * model.contextLength;
  const L = model.depth;
  const f = perTokenFlops(model, vocabSize, arm.embedding);
  const monoSteps = L * model.stepsPerStage;
  const stageSum = Array.from({ length: L }, (_, i) => f.stage(i + 1)).reduce((a, b) => a + b, 0);
  const d = arm.depth ?? L;
  if (arm.schedule === 'monolithic' && d !== L) {
    const perToken = 3 * (d * f.block + f.head);
    const steps =
      arm.budget === 'equal-flops' ? Math.max(1, Math.round((model.stepsPerStage * stageSum) / perToken)) : monoSteps;
    return { stages: 1, blocksPerStage: d, steps: [steps], tokens: steps * tps, flops: steps * tps * perToken };
  }
  if (arm.schedule === 'monolithic')
    return {
      stages: 1,
      blocksPerStage: L,
      steps: [monoSteps],
      tokens: monoSteps * tps,
      flops: monoSteps * tps * f.monolithic,
    };
  const perStage =
    arm.budget === 'equal-flops' ? Math.max(1, Math.round((monoSteps * f.monolithic) / stageSum)) : model.stepsPerStage;
  return {
    stages: L,
    blocksPerStage: 1,
    steps: Array<number>(L).fill(perStage),
    tokens: L * perStage * tps,
    flops: perStage * tps * stageSum,
  };
}
