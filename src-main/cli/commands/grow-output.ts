// What `espalier grow` prints and returns: the progress lines of each stage, the insertion spike, the summary
// object (--json), and the Ctrl-C handling that stops at a checkpoint.
import type { ComparisonRow, GrowthHooks, GrowthResult } from '../../engine/grow/index';
import type { BlockInit } from '../../engine/model/index';
import { insertionText } from '../../../src-shared/insertion';
import { describeParams, type ParamReport } from '../../engine/model/param-report';
import type { CommandContext } from '../command';

interface StageOut {
  depth: number;
  steps: number;
  /** The one parameter-count definition (engine/model/param-report.ts), as train, import and the app print it. */
  params: ParamReport;
  lossBeforeInsert: number | null;
  lossAfterInsert: number;
  valLoss: number | null;
  seconds: number;
  /** The stage's folder: a loadable model ("depth k") plus its resumable checkpoint.safetensors. */
  checkpoint: string;
}

export interface GrowOut {
  /** How each new block started (`--init`). */
  init: BlockInit;
  /** Ordered by depth. */
  stages: StageOut[];
  /** How every valLoss here was measured (eval --protocol holdout on a stage folder reproduces it). */
  validation: { protocol: 'holdout'; windows: number; available: number; context: number };
  baseline: { valLoss: number | null; trainableParams: number; seconds: number } | null;
  comparison: ComparisonRow[];
  out: string;
  /** Peak resident memory of this process (bytes), to hold against the memory plan's estimate. */
  peakRssBytes: number;
  /** The memory plan's estimate of that peak (bytes): the final stage's, or the monolithic baseline's. */
  planBytes: number;
}

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e4) / 1e4);
/** Insertion losses keep six decimals: a near-identity block moves the loss by less than 1e-4. */
const round6 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e6) / 1e6);
/** The insertion spike as the log and the summary both print it: from the same six-decimal values, so they agree. */
export const insertionOf = (before: number | null, after: number): string =>
  insertionText(round6(before), round6(after)!);

/** Ctrl-C stops at the next step with a checkpoint; the same command resumes. */
export async function runInterruptible<T>(
  ctx: CommandContext,
  run: (shouldStop: () => boolean) => Promise<T>,
): Promise<T> {
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    ctx.log('stopping after this step (a checkpoint is written; run the same command again to resume)…');
  };
  process.once('SIGINT', onSigint);
  try {
    return await run(() => interrupted);
  } finally {
    process.off('SIGINT', onSigint);
    ctx.progressDone();
  }
}

/** Progress lines: each stage's parameters and insertion losses, a bar while it trains, its result. */
export function growthLog(
  ctx: CommandContext,
  protocol: string,
): Pick<GrowthHooks, 'onStageStart' | 'onProgress' | 'onStageEnd'> {
  const label = (e: { phase: string; stage: number; stages: number; depth: number }) =>
    e.phase === 'growth'
      ? `stage ${e.stage}/${e.stages} (depth ${e.depth})`
      : e.phase === 'monolithic'
        ? `baseline monolithic (depth ${e.depth})`
        : `baseline trainable-embedding ${e.stage}/${e.stages}`;
  return {
    onStageStart: (e) => {
      const spike =
        e.lossBeforeInsert === null
          ? `initial loss ${e.lossAfterInsert.toFixed(3)}`
          : `insertion (val loss before → after stacking) ${insertionOf(e.lossBeforeInsert, e.lossAfterInsert)}`;
      const resumed = e.resumedAtStep > 0 ? `, resuming at step ${e.resumedAtStep}` : '';
      ctx.log(
        `${label(e)}: ${describeParams(e.params)}; ${spike}${e.prefixCache ? '; frozen prefix cached' : ''}${resumed}`,
      );
    },
    onProgress: (e) =>
      ctx.progress(
        label(e),
        e.step,
        e.steps,
        `loss ${e.loss.toFixed(3)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(3)}` : ''} ${Math.round(e.tokensPerSec)} tok/s`,
        e.eta,
      ),
    onStageEnd: (r) => {
      ctx.progressDone();
      ctx.log(
        `${label(r)} done: val loss ${r.valLoss?.toFixed(6) ?? '–'} (${protocol}) in ${r.seconds.toFixed(1)} s → ${r.model}`,
      );
    },
  };
}

export function growOutput(
  result: GrowthResult,
  init: BlockInit,
  out: string,
  validation: GrowOut['validation'],
  planBytes: number,
): GrowOut {
  const mono = result.baselines.monolithic;
  return {
    init,
    stages: [...result.stages]
      .sort((a, b) => a.depth - b.depth)
      .map((s) => ({
        depth: s.depth,
        steps: s.steps,
        params: s.params,
        lossBeforeInsert: round6(s.lossBeforeInsert),
        lossAfterInsert: round6(s.lossAfterInsert)!,
        valLoss: round6(s.valLoss),
        seconds: s.seconds,
        checkpoint: s.model,
      })),
    baseline: mono
      ? { valLoss: round(mono.valLoss), trainableParams: mono.trainableParams, seconds: mono.seconds }
      : null,
    validation,
    comparison: result.comparison.map((r) => ({ ...r, valLoss: round(r.valLoss) })),
    out,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    planBytes,
  };
}
