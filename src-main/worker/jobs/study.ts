// 'study' job: runs a study's arms × seeds one after another through the runner, streaming progress, each run's
// live loss (one metric series per run) and every finished arm (main registers its models). The runner keeps
// finished arms in the study's folder, so a cancelled, paused or crashed study resumes from the next arm.
import { studyLossMetric } from '../../../src-shared/study-records';
import type { StudyProgress } from '../../../src-shared/study';
import { initBackend } from '../../engine/backend';
import { backendLine } from './backend';
import { runStudy } from '../../study/index';
import { StudyJobParams } from '../job-types';
import type { JobContext, JobHandler } from '../runtime';

/** "frozen glyph · seed 1": the runner's label of one run (ArmResult.run). */
export function runLabel(armName: string, seed: number): string {
  return `${armName} · seed ${seed}`;
}

/**
 * Turns the runner's progress events into the job's progress line, live loss points and position state. Loss
 * points get their own step counter per run: phases (stages, experts) may each count steps from 1, and a
 * series must only move forward.
 */
export function progressReporter(ctx: Pick<JobContext, 'progress' | 'metric' | 'state'>): (e: StudyProgress) => void {
  let current = '';
  let lastKey = '';
  let step = 0;
  return (e) => {
    const run = runLabel(e.armName, e.seed);
    if (run !== current) {
      current = run;
      lastKey = '';
      step = 0;
      ctx.state({ position: { index: e.arm, runs: e.arms, run } });
    }
    const within = e.steps > 0 ? Math.min(1, e.step / e.steps) : 0;
    const where = e.steps > 0 ? ` · step ${e.step}/${e.steps}` : '';
    ctx.progress(
      (e.arm + within) / Math.max(1, e.arms),
      e.message ?? `${run} (${e.arm + 1}/${e.arms}) · ${e.phase}${where}`,
    );
    const key = `${e.phase}#${e.step}`;
    if (e.loss !== null && key !== lastKey) {
      lastKey = key;
      ctx.metric(++step, studyLossMetric(run), e.loss);
    }
  };
}

export const studyJob: JobHandler = async (raw, ctx) => {
  const p = StudyJobParams.parse(raw);
  const backend = await initBackend();
  ctx.log(`backend: ${backendLine(backend)}`);
  // The runner stops at its next safe point when aborted; the worker's signal is polled because it is a flag.
  const abort = new AbortController();
  const poll = setInterval(() => {
    if (ctx.signal.cancelled || ctx.signal.pauseRequested) abort.abort();
  }, 100);
  try {
    const result = await runStudy(p.spec, {
      outDir: p.outDir,
      ...(p.datasets ? { datasets: p.datasets } : {}),
      signal: abort.signal,
      onProgress: progressReporter(ctx),
      onArmDone: (arm) => ctx.state({ armDone: arm }),
    });
    // Stopped on request: cancelled, or paused (the folder is the checkpoint, so no path to hand back).
    if (result.status === 'stopped') {
      ctx.stopIfAsked();
      throw new Error(
        `the study stopped after ${result.arms.length} of ${p.spec.arms.length * p.spec.seeds.length} runs without being asked to`,
      );
    }
    return result;
  } catch (err) {
    if (abort.signal.aborted) ctx.stopIfAsked();
    throw err;
  } finally {
    clearInterval(poll);
  }
};
