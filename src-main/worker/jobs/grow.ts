// 'grow' job: layer-wise growth (engine/grow) on the project's frozen substrate. Streams per-step metrics with a
// global step and the current stage (the timeline colours tiers from it), stops at safe points for pause/cancel
// (the run folder is its own checkpoint: rerunning resumes at the stage and step it stopped), and copies each
// stage's exported model folder to the folder main reserved for it.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { RUN_METRICS } from '../../../src-shared/contract';
import type { BaselineChoice } from '../../../src-shared/params';
import { runGrowth, type BaselineKind, type StageRecord } from '../../engine/grow';
import { readModelMeta } from '../../engine/io';
import { loadSubstrate } from '../../engine/substrate';
import { loadTokenizer } from '../../engine/tokenizer';
import { UserError } from '../../common/errors';
import { GrowJobParams } from '../job-types';
import { JobCancelled, JobPaused, type JobHandler } from '../runtime';
import { startJobBackend } from './backend';
import { trainingWindows } from './train-data';

const BASELINES: Record<BaselineChoice, BaselineKind[]> = { none: [], monolithic: ['monolithic'], 'trainable-embedding': ['trainable-embedding'] };

export const growJob: JobHandler = async (raw, ctx) => {
  const p = GrowJobParams.parse(raw);
  const backend = (await startJobBackend(ctx)).record;
  const substrate = loadSubstrate(p.substrateFile);
  const tok = loadTokenizer(p.tokenizerFile);
  if (substrate.meta.tokenizerId !== tok.id) throw new UserError(`substrate ${substrate.id.slice(0, 12)}… was built for another tokenizer; rebuild the substrate`);
  if (p.stageModels.length < p.stages) throw new Error(`main reserved ${p.stageModels.length} stage folders for ${p.stages} stages`);
  ctx.progress(0, 'tokenizing the datasets');
  const data = trainingWindows(tok, p.train, p.val, p.shape.context);
  const s = p.shape;
  const totalGrowthSteps = p.stages * p.stepsPerStage;
  const tokensPerStep = p.batch * s.context;
  // The run folder holds growth.json and each stage's checkpoint; announcing it makes a crashed run resumable.
  ctx.checkpoint(p.checkpointDir);
  let lastVal: number | null = null;
  let lastStage = 0;
  const result = await runGrowth(
    {
      stages: p.stages,
      steps: p.stepsPerStage,
      lr: p.lr,
      blocksPerStage: p.blocksPerStage,
      init: p.init,
      batchSize: p.batch,
      seed: p.seed,
      model: { dModel: s.dModel, heads: s.heads, contextLength: s.context, mlpRatio: s.mlpRatio, dropout: s.dropout, norm: s.norm },
      lora: p.loraRank > 0 ? { rank: p.loraRank, fromStage: p.loraFromStage } : null,
      baselines: BASELINES[p.baseline],
    },
    { train: data.train, val: data.val, substrate, tokenizer: tok },
    {
      out: p.checkpointDir,
      shouldStop: () => ctx.signal.cancelled || ctx.signal.pauseRequested,
      onStageStart: (e) => {
        if (e.phase !== 'growth') {
          ctx.log(`baseline ${e.phase}: depth ${e.depth}, ${e.steps} steps`);
          return;
        }
        const spike = e.lossBeforeInsert === null ? '' : ` · insertion: loss ${e.lossBeforeInsert.toFixed(3)} → ${e.lossAfterInsert.toFixed(3)}`;
        ctx.log(`stage ${e.stage}/${e.stages}: depth ${e.depth}, ${e.trainableParams} trainable / ${e.frozenParams} frozen parameters${spike}${e.resumedAtStep > 0 ? ` (resumed at step ${e.resumedAtStep})` : ''}`);
        ctx.state({ stage: e.stage, depth: e.depth, trainableParams: e.trainableParams, frozenParams: e.frozenParams, backend });
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
        ctx.progress(step / totalGrowthSteps, `stage ${e.stage}/${e.stages} · step ${e.step}/${e.steps} · loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` · val ${e.valLoss.toFixed(3)}` : ''}`);
      },
      onStageEnd: (r) => {
        if (r.phase === 'growth') ctx.log(`stage ${r.stage} done: val loss ${r.valLoss?.toFixed(3) ?? '—'} in ${r.seconds.toFixed(1)} s`);
      },
    },
  );
  if (result.status === 'stopped') {
    if (ctx.signal.cancelled) throw new JobCancelled();
    throw new JobPaused(result.resumeFrom ?? p.checkpointDir);
  }
  ctx.progress(1, 'registering the stages');
  const stages = result.stages.filter((r: StageRecord) => r.phase === 'growth');
  return {
    stages: stages.map((r: StageRecord) => {
      const target = p.stageModels[r.stage - 1]!;
      if (!existsSync(r.model)) throw new Error(`stage ${r.stage} has no exported model folder at ${r.model}`);
      rmSync(target.modelDir, { recursive: true, force: true });
      cpSync(r.model, target.modelDir, { recursive: true });
      const meta = readModelMeta(target.modelDir);
      return {
        modelId: target.modelId,
        stage: r.stage,
        depth: r.depth,
        config: { ...meta.config },
        params: r.params,
      };
    }),
    trainLoss: stages.at(-1)?.trainLoss ?? null,
    valLoss: stages.at(-1)?.valLoss ?? null,
    backend,
  };
};
