// One expert of the demo grown to its depth through the engine's growth runner, with its stages' progress, curves
// and folders reported as the demo's result records them.
import { describeParams } from '../engine/model/param-report';
import { runGrowth, type GrowthProgress } from '../engine/grow/index';
import type { BuiltSubstrate } from '../engine/substrate/index';
import type { Tokenizer } from '../engine/tokenizer/index';
import type { Windows } from '../engine/train/index';
import { UserError } from '../common/errors';
import type { DemoPreset } from './config';
import type { DemoHooks, DemoPlacement, ExpertGrowth } from './types';

/** Seconds since `t0`, to two decimals (the demo's timings). */
export const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

function stageLabel(expert: string, e: Pick<GrowthProgress, 'stage' | 'stages' | 'depth'>): string {
  return `expert ${expert}: stage ${e.stage}/${e.stages} (depth ${e.depth})`;
}

export async function growExpert(
  expert: string,
  corpus: string,
  data: { train: Windows; val: Windows },
  base: {
    substrate: BuiltSubstrate;
    substrateFile: string;
    tokenizer: Tokenizer;
    preset: DemoPreset;
    dir: string;
    seed: number;
    placement: DemoPlacement | undefined;
  },
  hooks: DemoHooks,
): Promise<ExpertGrowth> {
  const { preset: p } = base;
  const t0 = performance.now();
  const result = await runGrowth(
    {
      stages: p.stages,
      steps: p.steps,
      lr: p.lr,
      batchSize: p.batchSize,
      seed: base.seed,
      evalWindows: p.evalWindows,
      checkpointEvery: 1_000_000,
      model: { dModel: p.dim, heads: p.heads, contextLength: p.contextLength, substrateDim: p.dim },
    },
    {
      train: data.train,
      val: data.val,
      substrate: base.substrate,
      substrateFile: base.substrateFile,
      tokenizer: base.tokenizer,
    },
    {
      out: base.dir,
      // The stage folders hold the weights; a finished demo is never resumed.
      pruneCheckpoints: true,
      ...(base.placement
        ? {
            exportDir: (u: { phase: string; stage: number }) =>
              u.phase === 'growth' ? base.placement!.stageDir(expert, u.stage) : undefined,
          }
        : {}),
      shouldStop: hooks.shouldStop,
      onStageStart: (e) => {
        const spike =
          e.lossBeforeInsert === null
            ? `initial loss ${e.lossAfterInsert.toFixed(3)}`
            : `insertion ${e.lossBeforeInsert.toFixed(3)} → ${e.lossAfterInsert.toFixed(3)}`;
        hooks.log?.(`${stageLabel(expert, e)}: ${describeParams(e.params)}; ${spike}`);
      },
      onProgress: (e) =>
        hooks.progress?.(
          stageLabel(expert, e),
          e.step,
          e.steps,
          `loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(3)}` : ''} ${Math.round(e.tokensPerSec)} tok/s`,
        ),
      onStageEnd: (r) => {
        hooks.progressDone?.();
        hooks.log?.(
          `${stageLabel(expert, r)} done: val loss ${r.valLoss?.toFixed(4) ?? '–'} in ${r.seconds.toFixed(1)} s`,
        );
      },
    },
  );
  if (result.status === 'stopped')
    throw new UserError(`stopped during the growth of expert ${expert}; its checkpoint is ${result.resumeFrom}`);
  return {
    expert,
    corpus,
    dir: base.dir,
    seed: base.seed,
    seconds: seconds(t0),
    stages: result.stages.map((s) => ({
      depth: s.depth,
      steps: s.steps,
      trainableParams: s.trainableParams,
      frozenParams: s.frozenParams,
      lossBeforeInsert: s.lossBeforeInsert,
      lossAfterInsert: s.lossAfterInsert,
      trainLoss: s.trainLoss,
      valLoss: s.valLoss,
      seconds: s.seconds,
      tokens: s.tokens,
      model: s.model,
      curve: s.curve,
      valCurve: s.valCurve,
    })),
  };
}
