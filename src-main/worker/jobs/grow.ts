// 'grow' job: layer-wise growth (engine/grow) on the project's frozen substrate. Streams per-step metrics with a
// global step and the current stage (the timeline colours tiers from it), stops at safe points for pause/cancel
// (the run folder is its own checkpoint: rerunning resumes at the stage and step it stopped), and moves each
// stage's exported model folder to the folder main reserved for it. Stored once: the folders reference the
// workspace's substrate file, and a finished run drops its stage checkpoints (the model folders hold the weights).
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { RUN_METRICS } from '../../../src-shared/contract';
import { insertionText } from '../../../src-shared/insertion';
import type { BaselineChoice } from '../../../src-shared/params';
import type { RunBackend } from '../../../src-shared/settings';
import {
  runGrowth,
  type BaselineKind,
  type GrowthPlanInput,
  type GrowthRunOptions,
  type StageRecord,
} from '../../engine/grow';
import { readModelMeta } from '../../engine/io';
import { resolveConfig } from '../../engine/model/config';
import { describeParams } from '../../engine/model/param-report';
import { enforcePlan } from '../../engine/plan/index';
import { loadSubstrate } from '../../engine/substrate';
import { loadTokenizer } from '../../engine/tokenizer';
import { UserError } from '../../common/errors';
import { referenceSubstrate } from '../../lib/workspace-model-folders';
import { GrowJobParams } from '../job-types';
import { JobCancelled, JobPaused, type JobContext, type JobHandler } from '../runtime';
import { startJobBackend } from './backend';
import { trainingWindows } from './train-data';

const BASELINES: Record<BaselineChoice, BaselineKind[]> = {
  none: [],
  monolithic: ['monolithic'],
  'trainable-embedding': ['trainable-embedding'],
};

type Params = ReturnType<typeof GrowJobParams.parse>;

/** Starts the backend, loads the substrate and tokenizer, checks they match and the plan fits, tokenizes the data. */
async function prepare(p: Params, ctx: JobContext) {
  const started = await startJobBackend(ctx);
  const substrate = loadSubstrate(p.substrateFile);
  const tok = loadTokenizer(p.tokenizerFile);
  if (substrate.meta.tokenizerId !== tok.id)
    throw new UserError(
      `substrate ${substrate.id.slice(0, 12)}… was built for another tokenizer; rebuild the substrate`,
    );
  if (p.stageModels.length < p.stages)
    throw new Error(`main reserved ${p.stageModels.length} stage folders for ${p.stages} stages`);
  const s0 = p.shape;
  const depth = p.stages * p.blocksPerStage;
  const planConfig = resolveConfig({
    vocabSize: tok.size,
    layers: depth,
    dModel: s0.dModel,
    heads: s0.heads,
    contextLength: s0.context,
    mlpRatio: s0.mlpRatio,
    norm: s0.norm,
    substrateDim: substrate.dim,
  });
  // The largest unit first: the final stage, or the monolithic baseline when the run trains one.
  const frozenBlocks = p.baseline === 'monolithic' ? 0 : depth - p.blocksPerStage;
  enforcePlan(
    {
      config: planConfig,
      batch: p.batch,
      accumulation: p.gradAccum,
      frozenBlocks,
      backend: started.report.backend,
      gpu: started.report.adapter?.limits ?? null,
    },
    (l) => ctx.log(l),
    { grow: true },
  );
  ctx.progress(0, 'tokenizing the datasets');
  const data = trainingWindows(tok, p.train, p.val, p.shape.context);
  return { backend: started.record, substrate, tok, data };
}

/** The engine's growth plan from the job's params. */
function growthPlan(p: Params): GrowthPlanInput {
  const s = p.shape;
  return {
    stages: p.stages,
    steps: p.stepsPerStage,
    lr: p.lr,
    blocksPerStage: p.blocksPerStage,
    init: p.init,
    batchSize: p.batch,
    accumulation: p.gradAccum,
    seed: p.seed,
    model: {
      dModel: s.dModel,
      heads: s.heads,
      contextLength: s.context,
      mlpRatio: s.mlpRatio,
      dropout: s.dropout,
      norm: s.norm,
    },
    lora: p.loraRank > 0 ? { rank: p.loraRank, fromStage: p.loraFromStage } : null,
    baselines: BASELINES[p.baseline],
  };
}

/** The engine's hooks: log lines, run state, per-step metrics on the global step, progress, checkpoints, stops. */
function growthHooks(p: Params, ctx: JobContext, backend: RunBackend): GrowthRunOptions {
  const totalGrowthSteps = p.stages * p.stepsPerStage;
  const tokensPerStep = p.batch * p.gradAccum * p.shape.context;
  let lastVal: number | null = null;
  let lastStage = 0;
  return {
    out: p.checkpointDir,
    pruneCheckpoints: true,
    shouldStop: () => ctx.signal.cancelled || ctx.signal.pauseRequested,
    onStageStart: (e) => {
      if (e.phase !== 'growth') {
        ctx.log(`baseline ${e.phase}: depth ${e.depth}, ${e.steps} steps`);
        return;
      }
      const spike =
        e.lossBeforeInsert === null
          ? ''
          : ` · insertion (--init ${p.init}): val loss ${insertionText(e.lossBeforeInsert, e.lossAfterInsert)}`;
      ctx.log(
        `stage ${e.stage}/${e.stages}: depth ${e.depth}, ${describeParams(e.params)}${spike}${e.resumedAtStep > 0 ? ` (resumed at step ${e.resumedAtStep})` : ''}`,
      );
      ctx.state({
        stage: e.stage,
        depth: e.depth,
        trainableParams: e.trainableParams,
        frozenParams: e.frozenParams,
        backend,
      });
      if (e.lossBeforeInsert !== null) {
        const at = (e.stage - 1) * p.stepsPerStage;
        ctx.metric(at, RUN_METRICS.insertLossBefore, e.lossBeforeInsert);
        ctx.metric(at, RUN_METRICS.insertLossAfter, e.lossAfterInsert);
      }
    },
    onProgress: (e) => {
      if (e.phase !== 'growth') {
        ctx.progress(0.99, `baseline ${e.phase}: step ${e.step}/${e.steps} · loss ${e.loss.toFixed(3)}`);
        return;
      }
      const step = (e.stage - 1) * p.stepsPerStage + e.step;
      if (e.stage !== lastStage) {
        ctx.metric(step, RUN_METRICS.stage, e.stage);
        lastStage = e.stage;
        lastVal = null;
      }
      ctx.metric(step, RUN_METRICS.trainLoss, e.loss);
      ctx.metric(step, RUN_METRICS.lr, e.lr);
      ctx.metric(step, RUN_METRICS.gradNorm, e.gradNorm);
      ctx.metric(step, RUN_METRICS.tokensPerSec, e.tokensPerSec);
      ctx.metric(step, RUN_METRICS.tokens, step * tokensPerStep);
      if (e.valLoss !== null && e.valLoss !== lastVal) ctx.metric(step, RUN_METRICS.valLoss, e.valLoss);
      lastVal = e.valLoss;
      ctx.progress(
        step / totalGrowthSteps,
        `stage ${e.stage}/${e.stages} · step ${e.step}/${e.steps} · loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` · val ${e.valLoss.toFixed(3)}` : ''}`,
      );
    },
    // The run folder is the checkpoint; the step says which metric points a resume keeps.
    onCheckpoint: (unit, step) => {
      if (unit.phase === 'growth') ctx.checkpoint(p.checkpointDir, (unit.stage - 1) * p.stepsPerStage + step);
    },
    onStageEnd: (r) => {
      if (r.phase === 'growth')
        ctx.log(`stage ${r.stage} done: val loss ${r.valLoss?.toFixed(3) ?? '—'} in ${r.seconds.toFixed(1)} s`);
    },
  };
}

/** Moves each growth stage's model into the folder main reserved for it and describes it for main to record. */
function registerStages(p: Params, records: readonly StageRecord[]) {
  return records.map((r) => {
    const target = p.stageModels[r.stage - 1]!;
    moveStageFolder(r.model, target.modelDir, r.stage);
    referenceSubstrate(target.modelDir, p.substrateFile);
    const meta = readModelMeta(target.modelDir);
    return {
      modelId: target.modelId,
      stage: r.stage,
      depth: r.depth,
      config: { ...meta.config },
      params: r.params,
    };
  });
}

export const growJob: JobHandler = async (raw, ctx) => {
  const p = GrowJobParams.parse(raw);
  const { backend, substrate, tok, data } = await prepare(p, ctx);
  // The run folder holds growth.json and each stage's checkpoint; announcing it makes a crashed run resumable.
  ctx.checkpoint(p.checkpointDir);
  const result = await runGrowth(
    growthPlan(p),
    { train: data.train, val: data.val, substrate, substrateFile: p.substrateFile, tokenizer: tok },
    growthHooks(p, ctx, backend),
  );
  if (result.status === 'stopped') {
    if (ctx.signal.cancelled) throw new JobCancelled();
    // Resuming reruns the same folder (the engine finds the stage and step there), so the folder is the checkpoint.
    throw new JobPaused(p.checkpointDir);
  }
  ctx.progress(1, 'registering the stages');
  const stages = result.stages.filter((r: StageRecord) => r.phase === 'growth');
  return {
    stages: registerStages(p, stages),
    trainLoss: stages.at(-1)?.trainLoss ?? null,
    valLoss: stages.at(-1)?.valLoss ?? null,
    backend,
  };
};

/**
 * Renames the stage's folder into the model folder (same workspace, same file system: nothing is copied). A retry
 * after a crash between the moves finds the folder already in place. The caller then fixes the folder's substrate
 * reference, which is relative to the folder's old place.
 */
function moveStageFolder(from: string, to: string, stage: number): void {
  if (!existsSync(from)) {
    if (existsSync(to)) return;
    throw new Error(`stage ${stage} has no exported model folder at ${from}`);
  }
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  renameSync(from, to);
}
