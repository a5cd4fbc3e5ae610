// The study job's progress reporting: the runner's events become one progress line, one loss series per run
// whose steps only move forward (phases that restart their own count included), and a position state per run.
import { describe, expect, it } from 'vitest';
import type { StudyProgress } from '../../../src-shared/study';
import { progressReporter } from './study';

describe('study progress', () => {
  it('streams each run on its own forward step axis and says where the study is', () => {
    const progress: [number, string][] = [];
    const metrics: [number, string, number][] = [];
    const states: Record<string, unknown>[] = [];
    const report = progressReporter({
      progress: (f, m) => progress.push([f, m]),
      metric: (s, n, v) => metrics.push([s, n, v]),
      state: (s) => states.push(s),
    });
    const e = (
      arm: number,
      armName: string,
      phase: string,
      step: number,
      loss: number | null,
      message?: string,
    ): StudyProgress => ({
      arm,
      arms: 2,
      armName,
      seed: 1,
      phase,
      step,
      steps: 4,
      loss,
      ...(message ? { message } : {}),
    });
    report(e(0, 'a', 'start', 0, null, 'a · seed 1: started'));
    report(e(0, 'a', 'expert RU stage 1/1', 1, 3));
    report(e(0, 'a', 'expert RU stage 1/1', 1, 3));
    report(e(0, 'a', 'expert ZH stage 1/1', 1, 2.5));
    report(e(0, 'a', 'expert ZH stage 1/1', 4, 2));
    report(e(1, 'b', 'train', 2, 4));
    expect(metrics).toEqual([
      [1, 'study/loss/a · seed 1', 3],
      [2, 'study/loss/a · seed 1', 2.5],
      [3, 'study/loss/a · seed 1', 2],
      [1, 'study/loss/b · seed 1', 4],
    ]);
    expect(states).toEqual([
      { position: { index: 0, runs: 2, run: 'a · seed 1' } },
      { position: { index: 1, runs: 2, run: 'b · seed 1' } },
    ]);
    expect(progress[0]).toEqual([0, 'a · seed 1: started']);
    expect(progress.at(-1)).toEqual([0.75, 'b · seed 1 (2/2) · train · step 2/4']);
  });
});
