// Starts `espalier serve` on a temporary workspace and a free port, reads the tokenised URL from its stdout,
// logs its output to a file, and stops it again — by its own pid, never by name.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep } from './harness';

export interface Server {
  url: string;
  pid: number;
  workspace: string;
  /** The last lines of its stderr, for failure reports. */
  tail(): string;
  stop(): Promise<string>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process is left in the process group the server leads (its job workers). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startServer(opts: {
  root: string;
  workspace: string;
  logFile: string;
  startTimeoutMs?: number;
}): Promise<Server> {
  const port = await freePort();
  const log = createWriteStream(opts.logFile);
  // `npm run serve` is `tsx src-main/cli/main.ts serve`; `node --import tsx` is the same program without the
  // npm and tsx wrapper processes, so the pid we hold is the server itself. Detached: it leads its own process
  // group, which then holds only the server and its job workers.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/cli/main.ts', 'serve', '--workspace', opts.workspace, '--port', String(port)],
    {
      cwd: opts.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  );
  const pid = child.pid;
  if (!pid) throw new Error('espalier serve did not start (no pid)');
  let stderrTail = '';
  let exited: string | null = null;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    }),
  );
  child.stderr!.on('data', (d: Buffer) => {
    log.write(d);
    stderrTail = (stderrTail + d.toString()).slice(-4000);
  });

  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `espalier serve printed no URL within ${(opts.startTimeoutMs ?? 240_000) / 1000} s; stderr:\n${stderrTail}`,
          ),
        ),
      opts.startTimeoutMs ?? 240_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      log.write(d);
      buf += d.toString();
      const m = /^(http:\/\/127\.0\.0\.1:(\d+)\/\?token=[\w-]+)\s*$/m.exec(buf);
      if (m) {
        clearTimeout(timer);
        if (Number(m[2]) !== port)
          reject(new Error(`espalier serve listens on ${m[2]}, not the requested port ${port}`));
        else resolve(m[1]!);
      }
    });
    void exitPromise.then(() => {
      clearTimeout(timer);
      reject(new Error(`espalier serve ended (${exited}) before printing its URL; stderr:\n${stderrTail}`));
    });
  }).catch(async (err: unknown) => {
    await stopProcess(pid, exitPromise, () => exited !== null);
    throw err;
  });

  return {
    url,
    pid,
    workspace: opts.workspace,
    tail: () => stderrTail,
    async stop() {
      const how = await stopProcess(pid, exitPromise, () => exited !== null);
      log.end();
      return how;
    },
  };
}

/** SIGTERM (serve pauses the job and closes the database), then SIGKILL after a grace period; then any worker it left behind in its own group. */
async function stopProcess(pid: number, exited: Promise<void>, hasExited: () => boolean): Promise<string> {
  let how = 'stopped on SIGTERM';
  if (!hasExited() && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
    if (!done && alive(pid)) {
      how = 'did not stop within 20 s of SIGTERM; killed';
      process.kill(pid, 'SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    }
  }
  // The group id is the server's pid (detached): only processes it started can be in it.
  for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(250);
  if (groupAlive(pid)) {
    how += '; a job worker outlived it and was killed';
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  return how;
}

export function artifactsPath(root: string, ...parts: string[]): string {
  return join(root, 'e2e', 'artifacts', ...parts);
}
