// A study's comparison and run as the Studies view receives them, the transport answers that serve a study, and
// the fresh app each Studies view test starts from.
// Not imported by the app.
import type { StudyComparison } from '../../src-shared/study';
import type { StudyDetail } from '../../src-shared/study-records';
import type { RunOf } from '../../src-shared/runs';
import type { Pinia } from 'pinia';
import { useAppStore } from '../stores/app';
import { useProjectsStore } from '../stores/projects';
import { recordedCharts } from './charts';
import { makeProject, type FakeTransport } from './fakes';
import { freshApp } from './setup';

export const COMPARISON: StudyComparison = {
  study: 'tiny C1',
  control: 'trainable',
  metrics: ['heldout nll', 'train tokens'],
  groups: [
    {
      arm: 'frozen glyph',
      description: '',
      factors: {},
      seeds: [1, 2],
      metrics: {
        'heldout nll': { mean: 2.5, ci95: 0.125, n: 2, sd: 0.01, protocol: 'held-out NLL, nats/token' },
        'train tokens': { mean: 512, ci95: 0, n: 2, sd: 0, protocol: 'tokens trained on' },
      },
    },
    {
      arm: 'trainable',
      description: '',
      factors: {},
      seeds: [1, 2],
      metrics: {
        'heldout nll': { mean: 2.75, ci95: 0.25, n: 2, sd: 0.02, protocol: 'held-out NLL, nats/token' },
        'train tokens': { mean: 512, ci95: 0, n: 2, sd: 0, protocol: 'tokens trained on' },
      },
    },
  ],
  differences: [{ arm: 'frozen glyph', metric: 'heldout nll', diff: -0.25, ci95: 0.1, n: 2 }],
  outcome: ['frozen glyph − trainable: −0.25 ± 0.10 (heldout nll, n = 2 seeds) — better than the control'],
  verdicts: [],
  stages: [],
};

export function studyRun(p: Partial<RunOf<'study'>> = {}): RunOf<'study'> {
  return {
    id: 'run_s',
    projectId: 'p1',
    kind: 'study',
    status: 'running',
    params: { studyId: 'st1' },
    result: { studyId: 'st1', arm: 'trainable · seed 2', armIndex: 3, arms: 4, armsDone: [] },
    progress: { fraction: 0.8, message: 'trainable · seed 2 (4/4) · train · step 2/4' },
    error: null,
    checkpoint: null,
    createdAt: '2026-11-27T12:00:00.000Z',
    startedAt: '2026-11-27T12:00:00.000Z',
    finishedAt: null,
    ...p,
  };
}

/** Answers the channels the view calls for one study (list, detail, its run, no metrics yet). */
export function serve(transport: FakeTransport, detail: StudyDetail): void {
  const { arms: _a, comparison: _c, comparisonNote: _n, ...study } = detail;
  transport.on('studies.list', () => [study]);
  transport.on('studies.get', () => detail);
  transport.on('runs.get', () => studyRun());
  transport.on('runs.metrics', () => []);
}

/** A fresh app on project p1 with its events bound and no chart drawn yet: each Studies view test starts here. */
export function freshStudiesApp(): { pinia: Pinia; transport: FakeTransport } {
  recordedCharts.options = [];
  const app = freshApp();
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useAppStore().bindEvents();
  return app;
}
