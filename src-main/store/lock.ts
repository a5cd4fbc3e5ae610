// One owner per workspace: `espalier.lock` names the process (pid, host, since) that runs jobs on it. A second
// app or `serve` on the same folder is refused with that owner named; a lock whose process is gone is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../common/errors';

export const LOCK_FILE = 'espalier.lock';

const Owner = z.object({ pid: z.number().int().positive(), host: z.string(), since: z.string(), what: z.string() });
export type LockOwner = z.infer<typeof Owner>;

/** True while a process with this pid exists (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    // A copied workspace's lock may be a link to a device: only a small regular file is an owner record.
    const st = statSync(file);
    if (!st.isFile() || st.size > 64 * 1024) return null;
    const parsed = Owner.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class WorkspaceLockedError extends UserError {
  constructor(
    readonly root: string,
    readonly owner: LockOwner,
  ) {
    super(
      `workspace ${root} is in use by ${owner.what} (pid ${owner.pid} on ${owner.host}, since ${owner.since}); ` +
        `close that one first, or open another workspace with --workspace DIR`,
    );
    this.name = 'WorkspaceLockedError';
  }
}

export class WorkspaceLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {}

  /** Takes the lock on `root` (creating the folder) or throws WorkspaceLockedError naming the holder. */
  static acquire(root: string, what = 'Espalier', isAlive: (pid: number) => boolean = processAlive): WorkspaceLock {
    mkdirSync(root, { recursive: true });
    const file = join(root, LOCK_FILE);
    const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), what };
    // Two tries: the second after moving a stale lock aside (rename is atomic: of two racing takers one wins).
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        try {
          writeSync(fd, `${JSON.stringify(owner)}\n`);
        } finally {
          closeSync(fd);
        }
        return new WorkspaceLock(file, owner);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new UserError(
            `${file}: cannot create the workspace lock (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
          );
      }
      const held = readOwner(file);
      // Another machine's process cannot be checked from here: its lock stands (delete the file if it crashed).
      const stale = held === null || (held.host === owner.host && held.pid !== process.pid && !isAlive(held.pid));
      if (!stale) throw new WorkspaceLockedError(root, held);
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
        rmSync(aside, { force: true });
      } catch {
        // Someone else took it over first; the next attempt sees their lock.
      }
    }
    const held = readOwner(file);
    if (held) throw new WorkspaceLockedError(root, held);
    throw new UserError(
      `${file}: could not take the workspace lock; remove the file if no Espalier uses this workspace`,
    );
  }

  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const held = readOwner(this.file);
    if (held && held.pid === this.owner.pid && held.since === this.owner.since) rmSync(this.file, { force: true });
  }
}
