// Crash recovery of runs at startup: a run left 'running' by a crash or kill becomes failed (resumable from its
// checkpoint) once its worker process is gone; an orphaned worker still alive is watched until it exits; runs
// still queued from the last session are queued again.
import type { Workspace } from '../store/index';
import type * as store from '../store/index';

/** What recovery needs of the runs service. */
export interface RecoveryDeps {
  warn(line: string): void;
  submit(runId: string, resumeFrom: string | null): void;
  log(runId: string, line: string): void;
  emitRun(runId: string): void;
}

export class RunRecovery {
  constructor(
    private readonly ws: Workspace,
    private readonly deps: RecoveryDeps,
  ) {}

  /**
   * At startup (this instance holds the workspace lock) a `running` run was interrupted by a crash or a kill of
   * the app. It becomes failed (resumable from its checkpoint) — once its recorded worker process is gone: an
   * orphaned worker still alive is left to stop (it checkpoints when its parent disappears) and watched until it
   * exits. Runs still queued from the last session are queued again.
   */
  recover(isAlive: (pid: number) => boolean): { failed: string[]; requeued: string[]; waiting: string[] } {
    const failed: string[] = [];
    const waiting: string[] = [];
    for (const r of this.ws.runs.list({ status: 'running' })) {
      if (r.workerPid !== null && isAlive(r.workerPid)) {
        this.deps.warn(
          `run ${r.id}: its worker process ${r.workerPid} is still alive; it is marked failed (resumable) once that process exits`,
        );
        waiting.push(r.id);
        this.watchOrphan(r.id, r.workerPid, isAlive);
        continue;
      }
      this.failInterrupted(r);
      failed.push(r.id);
    }
    const requeued: string[] = [];
    for (const r of this.ws.runs.list({ status: 'queued' })) {
      try {
        this.deps.submit(r.id, r.checkpoint ? this.ws.paths.fromStored(r.checkpoint) : null);
        requeued.push(r.id);
      } catch (err) {
        this.ws.runs.cancel(r.id);
        this.deps.warn(`could not requeue run ${r.id}: ${(err as Error).message}`);
      }
    }
    return { failed, requeued, waiting };
  }

  private failInterrupted(r: store.Run): void {
    const at = r.checkpointStep !== null ? ` (step ${r.checkpointStep})` : '';
    const how = r.checkpoint ? `resume it to continue from its last checkpoint${at}` : 'resume it to start it again';
    const error = `Espalier stopped while this job was running (the app quit or crashed); ${how}.`;
    this.ws.runs.fail(r.id, error);
    this.deps.log(r.id, `failed: ${error}`);
  }

  private readonly orphanTimers = new Set<NodeJS.Timeout>();

  private watchOrphan(runId: string, pid: number, isAlive: (pid: number) => boolean): void {
    const timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      this.orphanTimers.delete(timer);
      try {
        const r = this.ws.runs.get(runId);
        if (r?.status === 'running' && r.workerPid === pid) this.failInterrupted(r);
        this.deps.emitRun(runId);
      } catch (err) {
        this.deps.warn(`run ${runId}: could not mark it failed: ${(err as Error).message}`);
      }
    }, 500);
    timer.unref();
    this.orphanTimers.add(timer);
  }

  /** Stops watching orphaned workers (app close). */
  dispose(): void {
    for (const t of this.orphanTimers) clearInterval(t);
    this.orphanTimers.clear();
  }
}
