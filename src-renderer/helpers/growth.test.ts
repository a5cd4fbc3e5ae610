// The Growth view's derivations: the step rate since a resume (not since the start, pause included), the
// ETA cell per status, and block insertions read from the run's metrics.
import { describe, expect, it } from 'vitest';
import { RUN_METRICS } from '../../src-shared/contract';
import { makeRun } from '../testing/fakes';
import { etaSeconds, etaText, insertionsOf, planOf, stepRate, type TrainingRun } from './growth';

/** Steps 1…n at `perStep` seconds each, starting at t0. */
function series(from: number, to: number, t0: number, perStep: number) {
  const steps: number[] = [];
  const t: number[] = [];
  for (let s = from; s <= to; s++) {
    steps.push(s);
    t.push(t0 + (s - from) * perStep);
  }
  return { steps, values: steps.map(() => 4), t };
}

function concat(a: ReturnType<typeof series>, b: ReturnType<typeof series>) {
  return { steps: [...a.steps, ...b.steps], values: [...a.values, ...b.values], t: [...a.t, ...b.t] };
}

describe('step rate and ETA', () => {
  it('times a resumed run from its resume: the pause does not count, the earlier rate does not either', () => {
    // 260 steps at 0.1 s each, a 10-minute pause, then 20 steps at 0.5 s each (a slower machine after the resume).
    const loss = concat(series(1, 260, 0, 0.1), series(261, 280, 26 + 600, 0.5));
    expect(stepRate(loss)).toBeCloseTo(2, 6);
    const run = makeRun({
      status: 'running',
      params: { stages: 4, stepsPerStage: 255, batch: 8, shape: { context: 32 } },
    }) as TrainingRun;
    const plan = planOf(run);
    expect(plan.totalSteps).toBe(1020);
    // 740 steps left at 2 steps/s: 370 s (the whole-run average would say far less or far more).
    expect(etaSeconds(run, plan, loss)).toBeCloseTo(370, 3);
  });

  it('needs two points of the current attempt', () => {
    expect(stepRate(series(1, 1, 0, 1))).toBeNull();
    expect(stepRate(undefined)).toBeNull();
    expect(stepRate(concat(series(1, 50, 0, 0.1), series(51, 51, 900, 0.1)))).toBeNull();
  });

  it('shows no countdown for a paused, queued or finished run', () => {
    const loss = series(1, 100, 0, 0.1);
    for (const status of ['paused', 'queued', 'done', 'failed'] as const) {
      const run = makeRun({ status }) as TrainingRun;
      expect(etaSeconds(run, planOf(run), loss)).toBeNull();
    }
    expect(etaText(makeRun({ status: 'paused' }), null)).toBe('paused');
    expect(etaText(makeRun({ status: 'done' }), null)).toBe('finished');
    expect(etaText(makeRun({ status: 'running' }), null)).toBe('measuring…');
    expect(etaText(makeRun({ status: 'running' }), 75)).toBe('1 min 15 s');
  });
});

describe('insertions', () => {
  it('pairs the before/after points by step and numbers their stages', () => {
    const run = makeRun({ params: { stages: 3, stepsPerStage: 10, batch: 8, shape: { context: 32 } } }) as TrainingRun;
    const s = (steps: number[], values: number[]) => ({ steps, values, t: steps.map(() => 0) });
    const got = insertionsOf(planOf(run), {
      [RUN_METRICS.insertLossBefore]: s([10, 20], [4.5, 3.9]),
      [RUN_METRICS.insertLossAfter]: s([10, 20], [4.5, 4.1]),
    });
    expect(got).toEqual([
      { stage: 2, step: 10, before: 4.5, after: 4.5 },
      { stage: 3, step: 20, before: 3.9, after: 4.1 },
    ]);
  });
});
