// What a job kind plugs into the runs service: how its params are prepared, its result parsed and recorded, its
// streamed state kept, and what is cleaned up after it.
import type { z } from 'zod';
import type * as store from '../store/index';
import type { JobRequest } from './jobs/supervisor';

/** Job params travel to the worker as a JSON object (the supervisor's JobRequest). */
export type JobParams = JobRequest['params'];

/** How one job kind runs: `Job` is what the worker receives, `Result` what it hands back, `State` what it streams. */
export interface KindHooks<Job extends JobParams, Result extends object, State extends object = Record<string, never>> {
  /** The worker's params for a (re)start, resolved from the stored run: absolute paths live only here. */
  prepare(run: store.Run): Job;
  /** The job's result crosses a process boundary: it is parsed with this before `complete` sees it. */
  result: z.ZodType<Result>;
  /** Records what a finished job produced (rows, files); returns what the run keeps as its result (default: all). */
  complete?(run: store.Run, result: Result): object;
  /** Cleans up after a job that failed or was cancelled (its partial files); errors are only logged. */
  ended?(run: store.Run): void;
  /**
   * Records structured state the job streamed (e.g. a study arm that finished), parsed with `schema`, and returns
   * what the run's result keeps of it; without this hook the whole state is merged into the result.
   */
  state?: { schema: z.ZodType<State>; record(run: store.Run, state: State): Record<string, unknown> };
}

/** A kind's hooks with the worker's values still unparsed, as the runs service calls them. */
export interface Registered {
  prepare(run: store.Run): JobParams;
  complete(run: store.Run, raw: unknown): object;
  ended?(run: store.Run): void;
  state?(run: store.Run, raw: Record<string, unknown>): Record<string, unknown> | null;
}

/** The hooks as the runs service calls them: the worker's result and state parsed before the kind sees them. */
export function registered<Job extends JobParams, Result extends object, State extends object>(
  hooks: KindHooks<Job, Result, State>,
): Registered {
  const { prepare, result, complete, ended, state } = hooks;
  return {
    prepare,
    complete: (run, raw) => {
      const r = result.parse(raw);
      return complete ? complete(run, r) : r;
    },
    ...(ended ? { ended } : {}),
    ...(state
      ? {
          state: (run, raw) => {
            const s = state.schema.safeParse(raw);
            return s.success ? state.record(run, s.data) : null;
          },
        }
      : {}),
  };
}
