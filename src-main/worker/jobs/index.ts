// Job kinds the worker can run, each handler in its own file here, loaded only when a job of its kind starts
// (an import job should not pay for TensorFlow.js).
// Growth (engine/grow) adds `grow: async () => (await import('./grow')).growJob`; its result contract is
// GrowResult in ../job-types.ts, and main already queues 'grow' runs (runs.startGrow) and registers the stages.
import type { JobHandler } from '../runtime';

export type JobLoader = () => Promise<JobHandler>;

export const jobHandlers: Record<string, JobLoader> = {
  import: async () => (await import('./import')).importJob,
  substrate: async () => (await import('./substrate')).substrateJob,
  world: async () => (await import('./world')).worldJob,
  train: async () => (await import('./train')).trainJob,
  'merge-preview': async () => (await import('./merge-preview')).mergePreviewJob,
  eval: async () => (await import('./eval')).evalJob,
};
