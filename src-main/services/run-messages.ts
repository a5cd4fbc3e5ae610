// The status lines a run shows about its checkpoint when it pauses or is queued to resume.
import type * as store from '../store/index';

/** "step 120", or what a status line says when the checkpoint's step is not known. */
export function stepText(step: number | null): string {
  return step !== null ? `step ${step}` : 'its last checkpoint';
}

/** What a paused run says: the step it resumes from, or that it starts again. */
export function pausedMessage(r: store.Run): string {
  return r.checkpoint
    ? r.checkpointStep !== null
      ? `paused at step ${r.checkpointStep}`
      : 'paused: it resumes from its last checkpoint'
    : 'paused (it will start again when resumed)';
}
