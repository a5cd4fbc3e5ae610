// Asks a fresh worker process which backend it starts (with the environment the next job gets) and which WebGPU
// adapter it sees: the System view's report comes from where jobs run, the only process that loads Dawn.
import { UserError } from '../../common/errors';
import { BackendProbeResult } from '../../worker/job-types';
import type { WorkerSpawner, WorkerSpawnOptions } from './worker-process';

export function probeWorkerBackend(
  spawn: WorkerSpawner,
  opts: WorkerSpawnOptions & { workspace: string; timeoutMs?: number },
): Promise<BackendProbeResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = spawn({ env: opts.env });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() =>
        reject(
          new UserError(
            `the worker process did not report its compute backend within ${Math.round((opts.timeoutMs ?? 180_000) / 1000)} s`,
          ),
        ),
      );
      worker.kill('SIGKILL');
    }, opts.timeoutMs ?? 180_000);
    worker.onMessage((msg) => {
      if (msg.type === 'done') {
        const parsed = BackendProbeResult.safeParse(msg.result);
        finish(() =>
          parsed.success
            ? resolve(parsed.data)
            : reject(new Error(`the worker's backend report is malformed: ${parsed.error.issues[0]?.message}`)),
        );
      } else if (msg.type === 'error')
        finish(() => reject(new UserError(`the worker process could not start a backend: ${msg.message}`)));
    });
    worker.onExit((code, signal, tail) => {
      const last = tail.trim().split('\n').slice(-1)[0] ?? '';
      finish(() =>
        reject(
          new Error(
            `the worker process ended (${signal ?? `code ${code}`}) before reporting its backend${last ? `: ${last}` : ''}`,
          ),
        ),
      );
    });
    worker.send({
      type: 'start',
      jobId: 'backend-report',
      kind: 'backend-report',
      params: {},
      workspace: opts.workspace,
      resumeFrom: null,
    });
  });
}
