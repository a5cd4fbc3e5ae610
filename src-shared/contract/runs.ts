// Runs: list, metrics, start training or growth, its memory plan, cancel / pause / resume, the stored log; the
// metric names a run streams.
import { z } from 'zod';
import { Id, MetricSeries, RunLogLine } from '../domain';
import { GrowParams, TrainParams } from '../params';
import { Run } from '../runs';
import { GrowPlan, GrowPlanRequest } from '../grow-plan';
import { ById, ProjectRef } from './common';

export const runChannels = {
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
