// Runs the real `espalier` CLI in a child process (as a user would) and captures its streams.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (throws when it is not exactly one). */
  json<T = Record<string, unknown>>(): T;
}

export function runCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): CliResult {
  const res = spawnSync(process.execPath, ['--import', 'tsx', `${ROOT}/src-main/cli/main.ts`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    code: res.status ?? -1,
    stdout: res.stdout,
    stderr: res.stderr,
    json<T>() {
      return JSON.parse(res.stdout) as T;
    },
  };
}
