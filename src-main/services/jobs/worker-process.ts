// Starts a worker process: a Node child process here (CLI, serve); the Electron app injects a utilityProcess spawner.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from '../../worker/protocol';

export interface WorkerHandle {
  readonly pid: number | undefined;
  send(msg: ToWorker): void;
  onMessage(cb: (msg: FromWorker) => void): void;
  /** Called once when the process ends; `stderrTail` helps explain crashes. */
  onExit(cb: (code: number | null, signal: string | null, stderrTail: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

/** What a worker starts with beyond the parent's environment (ESPALIER_BACKEND: the workspace's backend choice). */
export interface WorkerSpawnOptions {
  env?: Record<string, string>;
}

export type WorkerSpawner = (opts?: WorkerSpawnOptions) => WorkerHandle;

/** Resolves the worker entry: the built JS when present, else the TypeScript source run through tsx. */
function workerEntry(): { file: string; execArgv: string[] } {
  const built = fileURLToPath(new URL('../../../out/worker/main.js', import.meta.url));
  const source = fileURLToPath(new URL('../../worker/main.ts', import.meta.url));
  if (import.meta.url.endsWith('.ts') || !existsSync(built)) return { file: source, execArgv: ['--import', 'tsx'] };
  return { file: built, execArgv: [] };
}

export const spawnNodeWorker: WorkerSpawner = (opts = {}) => {
  const { file, execArgv } = workerEntry();
  const child = fork(file, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    serialization: 'advanced',
    env: { ...process.env, ...opts.env },
  });
  let tail = '';
  // A message sent while the child is exiting fails with EPIPE; unhandled, that 'error' would crash main.
  child.on('error', (err) => {
    tail = `${tail}\n${err.message}`.slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
    process.stderr.write(d);
  });
  return {
    pid: child.pid,
    send: (msg) => {
      if (child.connected) child.send(msg, (err) => err && undefined);
    },
    onMessage: (cb) => child.on('message', (m) => cb(m as FromWorker)),
    onExit: (cb) => child.once('exit', (code, sig) => cb(code, sig, tail)),
    kill: (sig = 'SIGTERM') => {
      child.kill(sig);
    },
  };
};
