// Runs: queues jobs on the supervisor and is its JobSink — persists status, progress, checkpoints, results and
// metrics as they stream, and forwards them (throttled) as contract events. Each job kind plugs in hooks.
import type { MetricPoint as MetricPointDto, MetricSeries, RunLogLine } from '../../src-shared/domain';
import type { Run } from '../../src-shared/runs';
import { dbErrorIfDiskFull } from '../engine/util/disk-full';
import { UserError } from '../common/errors';
import { MetricBuffer, type NewRun, type Workspace } from '../store/index';
import type * as store from '../store/index';
import type { WorkerMetric } from '../worker/protocol';
import { iso, runDto } from './dto';
import type { EventBus } from './events';
import type { JobSink, JobStatus, Supervisor } from './jobs/supervisor';
import { NotFoundError } from '../common/errors';
import { checkpointStep } from '../engine/io';
import { RunRecovery } from './run-recovery';
import { Batcher } from './throttle';
import { uploadFiles, userMessage, workspaceNames } from './user-names';
import { pausedMessage, stepText } from './run-messages';
import { registered, type JobParams, type KindHooks, type Registered } from './run-kinds';

export interface RunsOptions {
  /** Per run, at most one 'run.metrics' event per interval (default 100 ms: ≤ 10 events/s). */
  metricIntervalMs?: number;
  /** Per run, at most one progress write + 'run.updated' per interval (default 250 ms). */
  progressIntervalMs?: number;
  log?: (line: string) => void;
}

interface Live {
  /** Wall-clock ms the current attempt started (worker metric times are relative to it). */
  attemptStart: number;
  /** Wall-clock ms the run's first point was logged: the origin of the contract's `t`. */
  origin: number;
  maxStep: number;
}

export class RunsService implements JobSink {
  private supervisor: Supervisor | null = null;
  private readonly hooks = new Map<string, Registered>();
  private readonly live = new Map<string, Live>();
  private readonly buffer: MetricBuffer;
  private readonly metricEvents: Batcher<MetricPointDto>;
  private readonly progressUpdates: Batcher<{ fraction: number; message: string }>;
  private readonly warn: (line: string) => void;
  private readonly recovery: RunRecovery;

  constructor(
    private readonly ws: Workspace,
    private readonly bus: EventBus,
    opts: RunsOptions = {},
  ) {
    this.warn = opts.log ?? ((line) => process.stderr.write(`espalier: ${line}\n`));
    this.buffer = new MetricBuffer(ws.metrics, {
      maxDelayMs: 500,
      onError: (err) => this.warn(`could not save metrics: ${String(err)}`),
    });
    this.metricEvents = new Batcher(opts.metricIntervalMs ?? 100, (runId, points) =>
      this.bus.emit('run.metrics', { runId, points }),
    );
    this.progressUpdates = new Batcher(opts.progressIntervalMs ?? 250, (runId, items) =>
      this.writeProgress(runId, items[items.length - 1]!),
    );
    this.recovery = new RunRecovery(ws, {
      warn: this.warn,
      submit: (runId, from) => this.submit(runId, from),
      log: (runId, line) => this.log(runId, line),
      emitRun: (runId) => this.emitRun(runId),
    });
  }

  attach(supervisor: Supervisor): void {
    this.supervisor = supervisor;
  }

  register<Job extends JobParams, Result extends object, State extends object>(
    kind: store.RunKind,
    hooks: KindHooks<Job, Result, State>,
  ): void {
    this.hooks.set(kind, registered(hooks));
  }

  // ---- commands ---------------------------------------------------------------------------------

  /** Creates the run row and queues its job. */
  enqueue(input: NewRun & { message?: string }): store.Run {
    const run = this.ws.runs.create(input);
    if (input.message) this.ws.runs.setMessage(run.id, input.message);
    try {
      this.submit(run.id, null);
    } catch (err) {
      // It never started: leave no queued row behind that nothing will ever run.
      this.ws.deleteRun(run.id);
      throw err;
    }
    return this.ws.runs.require(run.id);
  }

  private submit(runId: string, resumeFrom: string | null): void {
    const run = this.ws.runs.require(runId);
    const hooks = this.hooks.get(run.kind);
    if (!hooks) throw new UserError(`this build cannot run ${run.kind} jobs`);
    if (!this.supervisor) throw new Error('runs service has no supervisor attached');
    const params = hooks.prepare(run);
    this.emitRun(runId);
    this.supervisor.submit({ runId, kind: run.kind, params, resumeFrom });
  }

  list(projectId: string): Run[] {
    return this.ws.runs.list({ projectId }).map(runDto);
  }

  get(id: string): Run {
    return runDto(this.require(id));
  }

  require(id: string): store.Run {
    const r = this.ws.runs.get(id);
    if (!r) throw new NotFoundError('run', id);
    return r;
  }

  cancel(id: string): Run {
    const run = this.require(id);
    if (this.supervisor?.cancel(id)) {
      if (this.ws.runs.require(id).status === 'running') this.ws.runs.setMessage(id, 'cancelling…');
    } else if (run.status === 'queued' || run.status === 'paused') {
      this.ws.runs.cancel(id);
    } else {
      throw new UserError(`the run is ${run.status}; only queued, running or paused runs can be cancelled`);
    }
    this.emitRun(id);
    return this.get(id);
  }

  pause(id: string): Run {
    const run = this.require(id);
    if (run.status !== 'running' || !this.supervisor?.pause(id)) {
      throw new UserError(
        `the run is ${run.status}; only a running job can be paused${run.status === 'queued' ? ' (cancel it instead)' : ''}`,
      );
    }
    this.ws.runs.setMessage(id, 'pausing: saving a checkpoint…');
    this.emitRun(id);
    return this.get(id);
  }

  /** Requeues a paused, failed or cancelled run; it continues from its last checkpoint when it has one. */
  resume(id: string): Run {
    const run = this.require(id);
    if (!['paused', 'failed', 'cancelled'].includes(run.status)) {
      throw new UserError(`the run is ${run.status}; only paused, failed or cancelled runs can be resumed`);
    }
    // Points logged after the checkpoint will be logged again; without one the job starts over. A checkpoint whose
    // step is unknown drops nothing: the resumed job logs its steps again and the newest point of a step wins.
    this.buffer.flush();
    if (!run.checkpoint) this.ws.metrics.deleteAfter(id, -1);
    else if (run.checkpointStep !== null) this.ws.metrics.deleteAfter(id, run.checkpointStep);
    this.ws.runs.resume(id);
    this.ws.runs.setMessage(
      id,
      run.checkpoint ? `queued to resume from ${stepText(run.checkpointStep)}` : 'queued to start again',
    );
    this.log(
      id,
      run.checkpoint
        ? `resumed: continues from ${stepText(run.checkpointStep)}`
        : 'resumed: starts again from the beginning',
    );
    try {
      this.submit(id, run.checkpoint ? this.ws.paths.fromStored(run.checkpoint) : null);
    } catch (err) {
      // E.g. a dataset it trains on was deleted meanwhile: the run stays resumable once that is fixed.
      this.ws.runs.cancel(id);
      this.ws.runs.setMessage(id, `could not resume: ${(err as Error).message}`);
      this.emitRun(id);
      throw err;
    }
    return this.get(id);
  }

  metricSeries(runId: string, names?: readonly string[], sinceStep?: number): MetricSeries[] {
    this.require(runId);
    this.buffer.flush();
    const origin = this.ws.metrics.firstTime(runId) ?? 0;
    const series = this.ws.metrics.series(runId, names, sinceStep === undefined ? {} : { afterStep: sinceStep });
    return Object.entries(series).map(([name, pts]) => ({
      name,
      steps: pts.map((p) => p.step),
      // NaN (a diverged loss) cannot cross JSON; the chart shows a gap.
      values: pts.map((p) => (Number.isFinite(p.value) ? p.value : 0)),
      t: pts.map((p) => (p.t - origin) / 1000),
    }));
  }

  /** At startup: interrupted runs become failed (resumable), queued ones are queued again (run-recovery.ts). */
  recover(isAlive: (pid: number) => boolean): { failed: string[]; requeued: string[]; waiting: string[] } {
    return this.recovery.recover(isAlive);
  }

  /** Stops watching orphaned workers (app close). */
  dispose(): void {
    this.recovery.dispose();
  }

  /** Writes everything still buffered (metrics, progress, events). */
  flush(): void {
    this.progressUpdates.flushAll();
    this.metricEvents.flushAll();
    try {
      this.buffer.flush();
    } catch (err) {
      this.warn(`could not save metrics: ${String(err)}`);
    }
  }

  // ---- JobSink (called by the supervisor) -----------------------------------------------------

  status(
    runId: string,
    status: JobStatus,
    patch: { error?: string; result?: unknown; checkpoint?: string | null },
  ): void {
    if (status === 'queued') return; // rows are created (or requeued) as queued before the supervisor sees them
    try {
      this.progressUpdates.drop(runId);
      if (status === 'running') {
        const now = Date.now();
        this.live.set(runId, { attemptStart: now, origin: this.ws.metrics.firstTime(runId) ?? now, maxStep: 0 });
        this.ws.runs.start(runId, this.supervisor?.activePid);
        this.ws.runs.setMessage(runId, 'starting');
        this.emitRun(runId);
        return;
      }
      this.metricEvents.drop(runId);
      this.buffer.flush();
      this.live.delete(runId);
      if (patch.checkpoint) this.setCheckpoint(runId, patch.checkpoint);
      if (status === 'done') this.finish(runId, patch.result);
      else if (status === 'failed') {
        const run = this.ws.runs.require(runId);
        const message = userMessage(
          patch.error ?? 'the job failed',
          workspaceNames(this.ws, uploadFiles(this.ws, run.params)),
        );
        this.ws.runs.fail(runId, message);
        this.log(runId, `failed: ${message}`);
        this.cleanUp(runId);
      } else if (status === 'cancelled') {
        this.ws.runs.cancel(runId);
        this.ws.runs.setMessage(runId, 'cancelled');
        this.log(runId, 'cancelled');
        this.cleanUp(runId);
      } else if (status === 'paused') {
        this.ws.runs.pause(runId);
        const message = pausedMessage(this.ws.runs.require(runId));
        this.ws.runs.setMessage(runId, message);
        this.log(runId, message);
      }
      this.emitRun(runId);
    } catch (err) {
      // The run may have been deleted with its project meanwhile; nothing else to update.
      this.warn(`run ${runId}: could not record status ${status}: ${(err as Error).message}`);
      if (status === 'running') this.supervisor?.cancel(runId);
    }
  }

  private finish(runId: string, raw: unknown): void {
    const run = this.ws.runs.require(runId);
    let result: unknown = raw ?? null;
    try {
      const hooks = this.hooks.get(run.kind);
      if (hooks) result = hooks.complete(run, raw);
    } catch (err) {
      this.ws.runs.fail(
        runId,
        `the job finished but its results could not be recorded: ${(dbErrorIfDiskFull(err, this.ws.paths.dbFile) as Error).message}`,
      );
      this.cleanUp(runId);
      return;
    }
    this.ws.runs.setResult(runId, result ?? null);
    this.ws.runs.finish(runId);
    const message = this.ws.runs.require(runId).message || 'done';
    this.ws.runs.setMessage(runId, message);
    this.log(runId, message);
  }

  private cleanUp(runId: string): void {
    const run = this.ws.runs.require(runId);
    try {
      this.hooks.get(run.kind)?.ended?.(run);
    } catch (err) {
      this.warn(`run ${runId}: could not clean up after it: ${(err as Error).message}`);
    }
  }

  progress(runId: string, fraction: number, message: string): void {
    this.progressUpdates.push(runId, [{ fraction, message }]);
  }

  private writeProgress(runId: string, p: { fraction: number; message: string }): void {
    const step = this.live.get(runId)?.maxStep;
    try {
      if (this.ws.runs.setProgress(runId, { progress: p.fraction, message: p.message, ...(step ? { step } : {}) }))
        this.emitRun(runId);
    } catch (err) {
      // Runs from a timer: nobody to throw to (a closed database at shutdown, a deleted run).
      this.warn(`run ${runId}: could not save progress: ${(err as Error).message}`);
    }
  }

  metrics(runId: string, points: WorkerMetric[]): void {
    const live = this.live.get(runId);
    if (!live || points.length === 0) return;
    const rows: store.MetricPoint[] = [];
    const dto: MetricPointDto[] = [];
    for (const p of points) {
      const t = Math.round(live.attemptStart + p.t * 1000);
      rows.push({ runId, name: p.name, step: Math.round(p.step), value: p.value, t });
      dto.push({ step: p.step, name: p.name, value: p.value, t: (t - live.origin) / 1000 });
      if (p.step > live.maxStep) live.maxStep = p.step;
    }
    try {
      this.buffer.push(rows);
    } catch (err) {
      this.warn(`run ${runId}: could not save metrics: ${(err as Error).message}`);
    }
    this.metricEvents.push(runId, dto);
  }

  log(runId: string, line: string): void {
    let seq: number | undefined;
    try {
      seq = this.ws.runLogs.append(runId, line).seq;
    } catch (err) {
      // A deleted run or a full disk: the line still reaches the open views.
      this.warn(`run ${runId}: could not save a log line: ${(err as Error).message}`);
    }
    this.bus.emit('run.log', { runId, line, ...(seq !== undefined ? { seq } : {}) });
  }

  /** The run's stored log lines after `afterSeq`, oldest first. */
  logTail(runId: string, afterSeq?: number): RunLogLine[] {
    this.require(runId);
    return this.ws.runLogs
      .tail(runId, afterSeq === undefined ? {} : { afterSeq })
      .map((l) => ({ seq: l.seq, t: iso(l.t), line: l.line }));
  }

  state(runId: string, state: Record<string, unknown>): void {
    const r = this.ws.runs.get(runId);
    if (!r) return;
    let keep = state;
    const hook = this.hooks.get(r.kind)?.state;
    if (hook) {
      try {
        // State the kind does not know (the schema refused it) changes nothing.
        keep = hook(r, state) ?? {};
      } catch (err) {
        this.warn(
          `run ${runId}: could not record its state: ${(dbErrorIfDiskFull(err, this.ws.paths.dbFile) as Error).message}`,
        );
        return;
      }
    }
    const prev = typeof r.result === 'object' && r.result !== null ? (r.result as Record<string, unknown>) : {};
    this.ws.runs.setResult(runId, { ...prev, ...keep });
    this.emitRun(runId);
  }

  checkpoint(runId: string, path: string, step?: number): void {
    try {
      this.setCheckpoint(runId, path, step);
    } catch (err) {
      this.warn(`run ${runId}: could not record checkpoint ${path}: ${(err as Error).message}`);
    }
  }

  private setCheckpoint(runId: string, path: string, step?: number): void {
    // The points before a checkpoint are saved before the checkpoint is: a resume never leaves a gap.
    this.buffer.flush();
    const stored = this.ws.paths.toStored(path);
    const prev = this.ws.runs.require(runId);
    // A growth run's checkpoint is its folder: the step comes with the announcement, and announcing the same folder
    // again without one (at a restart, or as the paused job's checkpoint) keeps the step known so far.
    const known = step ?? checkpointStep(path) ?? (prev.checkpoint === stored ? prev.checkpointStep : null);
    this.ws.runs.setCheckpoint(runId, stored, known);
  }

  private emitRun(runId: string): void {
    const r = this.ws.runs.get(runId);
    if (r) this.bus.emit('run.updated', runDto(r));
  }
}
