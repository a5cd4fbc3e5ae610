// 'train' job: a GPT on the project's frozen substrate, trained with periodic checkpoints, cooperative
// pause/cancel and exact resume; streams loss/val loss/lr/grad norm/tokens per second every step and saves
// the model folder at the end (main registers the catalog entry).
import { RUN_METRICS } from '../../../src-shared/contract';
import { GPT } from '../../engine/model';
import { resolveConfig } from '../../engine/model/config';
import { enforcePlan } from '../../engine/plan/index';
import { paramReport } from '../../engine/model/param-report';
import { loadSubstrate } from '../../engine/substrate';
import { loadTokenizer } from '../../engine/tokenizer';
import { Trainer, type TrainerState } from '../../engine/train';
import { UserError } from '../../common/errors';
import { saveFolderCheckpoint } from '../../engine/io';
import { loadCheckpoint, saveModelFolder } from '../../lib/workspace-model-folders';
import { TrainJobParams } from '../job-types';
import type { JobHandler } from '../runtime';
import { startJobBackend } from './backend';
import { trainingWindows } from './train-data';

export const trainJob: JobHandler = async (raw, ctx) => {
  const p = TrainJobParams.parse(raw);
  const started = await startJobBackend(ctx);
  const backend = started.record;
  const substrate = loadSubstrate(p.substrateFile);
  const tok = loadTokenizer(p.tokenizerFile);
  if (substrate.meta.tokenizerId !== tok.id)
    throw new UserError(
      `substrate ${substrate.id.slice(0, 12)}… was built for another tokenizer; rebuild the substrate`,
    );
  const s0 = p.shape;
  const planConfig = resolveConfig({
    vocabSize: tok.size,
    layers: p.layers,
    dModel: s0.dModel,
    heads: s0.heads,
    contextLength: s0.context,
    mlpRatio: s0.mlpRatio,
    norm: s0.norm,
    embedding: p.embeddings,
    substrateDim: substrate.dim,
  });
  // Before the data is tokenized or a tensor built: a job that cannot fit says so in one line, with what would.
  enforcePlan(
    {
      config: planConfig,
      batch: p.batch,
      accumulation: p.gradAccum,
      backend: started.report.backend,
      gpu: started.report.adapter?.limits ?? null,
    },
    (l) => ctx.log(l),
    { grow: false },
  );
  ctx.progress(0, 'tokenizing the datasets');
  const data = trainingWindows(tok, p.train, p.val, p.shape.context);
  ctx.log(
    `${data.train.starts.length} training windows, ${data.val.starts.length} validation windows of ${p.shape.context} tokens`,
  );

  let model: GPT;
  let resume: TrainerState | undefined;
  if (ctx.resumeFrom) {
    const ck = loadCheckpoint(ctx.resumeFrom, substrate);
    model = ck.model;
    resume = ck.trainer;
    ctx.log(`resumed from step ${resume.step} (${ctx.resumeFrom})`);
  } else {
    const s = p.shape;
    model = GPT.create({
      config: {
        vocabSize: tok.size,
        layers: p.layers,
        dModel: s.dModel,
        heads: s.heads,
        contextLength: s.context,
        mlpRatio: s.mlpRatio,
        dropout: s.dropout,
        norm: s.norm,
        embedding: p.embeddings,
      },
      substrate,
      tokenizerId: tok.id,
      seed: p.seed,
    });
  }
  const trainer = new Trainer(
    model,
    data,
    { steps: p.steps, batchSize: p.batch, accumulation: p.gradAccum, lr: p.lr, seed: p.seed },
    resume,
  );
  try {
    const save = async () => {
      await trainer.hostReady();
      // The CLI's run-folder layout: runs/<id>/checkpoint.safetensors, replaced atomically at each save.
      const path = saveFolderCheckpoint(p.runDir, model, trainer.opts, trainer.state());
      ctx.checkpoint(path, trainer.step);
      return path;
    };
    let lastSave = performance.now();
    let lastVal: number | null = resume?.lastValLoss ?? null;
    const result = await trainer.run({
      onProgress: (e) => {
        ctx.metric(e.step, RUN_METRICS.trainLoss, e.loss);
        ctx.metric(e.step, RUN_METRICS.lr, e.lr);
        ctx.metric(e.step, RUN_METRICS.gradNorm, e.gradNorm);
        ctx.metric(e.step, RUN_METRICS.tokensPerSec, e.tokensPerSec);
        ctx.metric(e.step, RUN_METRICS.tokens, e.step * trainer.tokensPerStep);
        // The trainer reports the latest validation loss every step; a point only where it was measured.
        if (e.valLoss !== null && e.valLoss !== lastVal) ctx.metric(e.step, RUN_METRICS.valLoss, e.valLoss);
        lastVal = e.valLoss;
        ctx.progress(
          e.step / e.steps,
          `step ${e.step}/${e.steps} · loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` · val ${e.valLoss.toFixed(3)}` : ''}`,
        );
      },
      afterStep: async (step) => {
        const due =
          step % p.checkpointEverySteps === 0 || performance.now() - lastSave > p.checkpointEverySeconds * 1000;
        if (due && step < p.steps) {
          await save();
          lastSave = performance.now();
        }
        await ctx.checkpointIfAsked(save);
      },
    });
    ctx.progress(1, 'saving the model');
    await trainer.hostReady();
    // The workspace keeps one copy of each substrate: the folder references the registered file.
    saveModelFolder(
      p.modelDir,
      model,
      tok,
      { ...p.provenance, steps: result.step, trainLoss: result.trainLoss, valLoss: result.valLoss },
      p.substrateFile,
    );
    const counts = paramReport(model);
    return {
      modelId: p.modelId,
      depth: model.layers,
      config: { ...model.config },
      params: counts,
      steps: result.step,
      trainLoss: Number.isFinite(result.trainLoss) ? result.trainLoss : null,
      valLoss: result.valLoss,
      tokensPerSec: result.tokensPerSec,
      backend,
    };
  } finally {
    trainer.dispose();
    model.dispose();
  }
};
