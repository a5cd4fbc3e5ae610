// Job kinds the worker can run, each handler in its own file here, loaded only when a job of its kind starts
// (an import job should not pay for TensorFlow.js).
// 'grow' returns GrowResult (../job-types.ts); main registers its stages as chained 'stage' models.
import type { JobHandler } from '../runtime';

export type JobLoader = () => Promise<JobHandler>;

export const jobHandlers: Record<string, JobLoader> = {
  import: async () => (await import('./import')).importJob,
  substrate: async () => (await import('./substrate')).substrateJob,
  world: async () => (await import('./world')).worldJob,
  train: async () => (await import('./train')).trainJob,
  grow: async () => (await import('./grow')).growJob,
  'merge-preview': async () => (await import('./merge-preview')).mergePreviewJob,
  'merge-tune': async () => (await import('./merge-tune')).mergeTuneJob,
  eval: async () => (await import('./eval')).evalJob,
  study: async () => (await import('./study')).studyJob,
  /** Not a run: the System view's probe of the backend a worker starts with the workspace's choice. */
  'backend-report': async () => async () => (await import('./backend')).probeBackend(),
};
