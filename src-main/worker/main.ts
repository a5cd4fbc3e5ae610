// The worker process: receives one job from the supervisor, runs its handler, streams progress, then exits.
// Runs as a Node child process (CLI, serve) or an Electron utilityProcess (the app).
import { userErrorIfDiskFull } from '../engine/util/disk-full';
import { UserError } from '../common/errors';
import { jobHandlers } from './jobs/index';
import { ToWorker, type FromWorker, type WorkerMetric } from './protocol';
import { JobCancelled, JobPaused, type JobContext } from './runtime';

interface ParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(msg: FromWorker): void {
  if (parentPort) parentPort.postMessage(msg);
  else if (process.connected) process.send?.(msg);
}

function onMessage(cb: (msg: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => cb(e.data));
  else process.on('message', cb);
}

const signal = { cancelled: false, pauseRequested: false };
let started = false;

async function runJob(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const load = Object.prototype.hasOwnProperty.call(jobHandlers, msg.kind) ? jobHandlers[msg.kind] : undefined;
  if (!load) {
    post({ type: 'error', message: `this build cannot run jobs of kind "${msg.kind}"`, user: false });
    return;
  }
  let pending: WorkerMetric[] = [];
  const t0 = Date.now();
  // Metrics are batched so thousands of points per minute cost a few messages per second.
  const flush = () => {
    if (pending.length > 0) post({ type: 'metrics', points: pending });
    pending = [];
  };
  const timer = setInterval(flush, 200);
  const ctx: JobContext = {
    jobId: msg.jobId,
    workspace: msg.workspace,
    resumeFrom: msg.resumeFrom,
    signal,
    progress: (fraction, message) => post({ type: 'progress', fraction: Math.min(1, Math.max(0, fraction)), message }),
    metric: (step, name, value) => {
      if (Number.isFinite(value)) pending.push({ step, name, value, t: (Date.now() - t0) / 1000 });
    },
    log: (line) => post({ type: 'log', line }),
    checkpoint: (path, step) => {
      // Metrics up to the checkpoint reach main before it does: a resume from it never leaves a gap.
      flush();
      post({ type: 'checkpoint', path, ...(step !== undefined ? { step } : {}) });
    },
    state: (state) => post({ type: 'state', state }),
    async checkpointIfAsked(save) {
      if (signal.cancelled) throw new JobCancelled();
      if (signal.pauseRequested) {
        const path = await save();
        throw new JobPaused(path);
      }
    },
    stopIfAsked() {
      if (signal.cancelled) throw new JobCancelled();
      if (signal.pauseRequested) throw new JobPaused(null);
    },
  };
  try {
    const handler = await load();
    const result = await handler(msg.params, ctx);
    flush();
    post({ type: 'done', result: result ?? null });
  } catch (err) {
    flush();
    if (err instanceof JobCancelled) post({ type: 'cancelled' });
    else if (err instanceof JobPaused) post({ type: 'paused', checkpoint: err.checkpoint });
    else {
      const e = userErrorIfDiskFull(err);
      post({ type: 'error', message: e instanceof Error ? e.message : String(e), user: e instanceof UserError });
    }
  } finally {
    clearInterval(timer);
  }
}

onMessage((raw) => {
  const parsed = ToWorker.safeParse(raw);
  if (!parsed.success) return;
  const msg = parsed.data;
  if (msg.type === 'cancel') signal.cancelled = true;
  else if (msg.type === 'pause') signal.pauseRequested = true;
  else if (!started) {
    started = true;
    void runJob(msg).finally(() => {
      // Give the last message time to leave before exiting.
      setTimeout(() => process.exit(0), 50);
    });
  }
});

// The parent died (SIGKILL, a crash): nobody records this job any more. Checkpoint at the next safe point and
// exit, so the next instance can resume it instead of an orphan training on unobserved.
process.on('disconnect', () => {
  signal.pauseRequested = true;
});

process.on('uncaughtException', (err) => {
  post({ type: 'error', message: `worker crashed: ${err.message}`, user: false });
  setTimeout(() => process.exit(1), 50);
});

post({ type: 'ready' });
