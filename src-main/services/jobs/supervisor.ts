// Runs queued jobs one at a time in worker processes; survives worker crashes; supports cancel and pause/resume.
import { FromWorker, type WorkerMetric } from '../../worker/protocol';
import type { WorkerHandle, WorkerSpawner } from './worker-process';

export type JobStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface JobRequest {
  runId: string;
  kind: string;
  params: Record<string, unknown>;
  resumeFrom: string | null;
}

/** Where the supervisor reports everything; the runs service persists it and forwards events. */
export interface JobSink {
  status(
    runId: string,
    status: JobStatus,
    patch: { error?: string; result?: unknown; checkpoint?: string | null },
  ): void;
  progress(runId: string, fraction: number, message: string): void;
  metrics(runId: string, points: WorkerMetric[]): void;
  log(runId: string, line: string): void;
  state(runId: string, state: Record<string, unknown>): void;
  checkpoint(runId: string, path: string, step?: number): void;
}

interface Active {
  job: JobRequest;
  worker: WorkerHandle;
  lastError: string | null;
  lastCheckpoint: string | null;
  ended: boolean;
  stopRequested: 'cancel' | 'pause' | null;
  killTimer: NodeJS.Timeout | null;
}

export interface SupervisorOptions {
  workspace: string;
  spawn: WorkerSpawner;
  sink: JobSink;
  /** How long a worker may take to honour cancel/pause before it is killed. */
  graceMs?: number;
}

/** Lines a worker prints that are never the fault: warnings (Dawn's included, with their build paths) and notes. */
const NOT_A_FAULT = /^(?:\(node:\d+\) )?\[?(?:warning|warn|info|note|debug)\b|\bdawn\b|third_party\/|deprecat/i;
const FAULT = /error|exception|fatal|abort|panic|out of memory|ENOMEM|ENOSPC|killed|segmentation|assert/i;

/**
 * The line of a dead worker's stderr that says what went wrong: the last one that reads like an error and is not
 * a warning; '' when none does (a SIGKILL leaves no line — the signal is the fault then).
 */
export function lastFault(stderrTail: string): string {
  const lines = stderrTail
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (!NOT_A_FAULT.test(l) && FAULT.test(l)) return l.slice(0, 300);
  }
  return '';
}

export class Supervisor {
  private queue: JobRequest[] = [];
  private active: Active | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: SupervisorOptions) {}

  submit(job: JobRequest): void {
    this.queue.push(job);
    this.opts.sink.status(job.runId, 'queued', {});
    this.pump();
  }

  get activeRunId(): string | null {
    return this.active?.job.runId ?? null;
  }

  get activePid(): number | undefined {
    return this.active?.worker.pid;
  }

  queuedRunIds(): string[] {
    return this.queue.map((j) => j.runId);
  }

  /** Cancels a queued or running job. Returns false when the run is unknown to the supervisor. */
  cancel(runId: string): boolean {
    const i = this.queue.findIndex((j) => j.runId === runId);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.opts.sink.status(runId, 'cancelled', {});
      this.notifyIdle();
      return true;
    }
    return this.stop(runId, 'cancel');
  }

  /** Asks the running job to checkpoint and stop; it ends as `paused` with its checkpoint. */
  pause(runId: string): boolean {
    return this.stop(runId, 'pause');
  }

  /** Resolves when nothing is running or queued. */
  whenIdle(): Promise<void> {
    if (!this.active && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops everything (app quit): the running job is paused if it can, else killed. */
  async shutdown(): Promise<void> {
    for (const j of this.queue.splice(0)) this.opts.sink.status(j.runId, 'queued', {});
    if (this.active) {
      this.stop(this.active.job.runId, 'pause');
      await this.whenIdle();
    }
  }

  private stop(runId: string, how: 'cancel' | 'pause'): boolean {
    const a = this.active;
    if (!a || a.job.runId !== runId) return false;
    // The job already ended (its process is exiting): nothing to stop, and a message could no longer arrive.
    if (a.ended) return false;
    a.stopRequested = how;
    a.worker.send({ type: how });
    a.killTimer = setTimeout(() => a.worker.kill('SIGKILL'), this.opts.graceMs ?? 30_000);
    return true;
  }

  private pump(): void {
    if (this.active || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    let worker: WorkerHandle;
    try {
      worker = this.opts.spawn();
    } catch (err) {
      this.opts.sink.status(job.runId, 'failed', {
        error: `could not start a worker process: ${(err as Error).message}`,
      });
      this.pump();
      return;
    }
    const a: Active = {
      job,
      worker,
      lastError: null,
      lastCheckpoint: job.resumeFrom,
      ended: false,
      stopRequested: null,
      killTimer: null,
    };
    this.active = a;
    this.opts.sink.status(job.runId, 'running', {});
    worker.onMessage((raw) => this.onMessage(a, raw));
    worker.onExit((code, signal, stderrTail) => this.onExit(a, code, signal, stderrTail));
    worker.send({
      type: 'start',
      jobId: job.runId,
      kind: job.kind,
      params: job.params,
      workspace: this.opts.workspace,
      resumeFrom: job.resumeFrom,
    });
  }

  private onMessage(a: Active, raw: unknown): void {
    const parsed = FromWorker.safeParse(raw);
    if (!parsed.success || a.ended) return;
    const msg = parsed.data;
    const { sink } = this.opts;
    const id = a.job.runId;
    switch (msg.type) {
      case 'ready':
        break;
      case 'progress':
        sink.progress(id, msg.fraction, msg.message);
        break;
      case 'metrics':
        sink.metrics(id, msg.points);
        break;
      case 'log':
        sink.log(id, msg.line);
        break;
      case 'state':
        sink.state(id, msg.state);
        break;
      case 'checkpoint':
        a.lastCheckpoint = msg.path;
        sink.checkpoint(id, msg.path, msg.step);
        break;
      case 'done':
        this.end(a, 'done', { result: msg.result });
        break;
      case 'paused':
        this.end(a, 'paused', { checkpoint: msg.checkpoint ?? a.lastCheckpoint });
        break;
      case 'cancelled':
        this.end(a, 'cancelled', {});
        break;
      case 'error':
        a.lastError = msg.message;
        this.end(a, 'failed', { error: msg.message, checkpoint: a.lastCheckpoint });
        break;
    }
  }

  private onExit(a: Active, code: number | null, signal: string | null, stderrTail: string): void {
    if (!a.ended) {
      // The worker died without saying how the job ended: a crash, an OOM kill or a SIGKILL.
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const last = a.lastError ?? lastFault(stderrTail);
      const resumable = a.lastCheckpoint ? ' It can be resumed from its last checkpoint.' : '';
      const status = a.stopRequested === 'cancel' ? 'cancelled' : 'failed';
      this.end(a, status, {
        error: `the worker process ${how}${last ? `; last error: ${last}` : ''}.${resumable}`,
        checkpoint: a.lastCheckpoint,
      });
    }
    if (a.killTimer) clearTimeout(a.killTimer);
    if (this.active === a) this.active = null;
    this.pump();
    this.notifyIdle();
  }

  private end(
    a: Active,
    status: JobStatus,
    patch: { error?: string; result?: unknown; checkpoint?: string | null },
  ): void {
    if (a.ended) return;
    a.ended = true;
    this.opts.sink.status(a.job.runId, status, patch);
  }

  private notifyIdle(): void {
    if (this.active || this.queue.length > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
