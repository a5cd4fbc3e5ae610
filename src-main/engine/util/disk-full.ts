// A full disk is the user's to fix, not a crash: ENOSPC (and SQLite's "database or disk is full") become a
// UserError naming the file and saying to free space, in the CLI, the worker and the app alike.
import { UserError } from '../../common/errors';

/** True for errors that mean "no space left": Node's ENOSPC/EDQUOT, SQLite's SQLITE_FULL. */
export function isDiskFull(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** The UserError for a disk-full failure (`file`: what was being written; else the error's own path). */
export function diskFullError(err: unknown, file?: string): UserError {
  const path = (err as { path?: unknown }).path;
  const where = file ?? (typeof path === 'string' ? path : 'a file');
  return new UserError(`${where}: the disk is full (no space left to write it); free some space, then try again`);
}

/** For errors out of the database: SQLITE_FULL names no file, so it gets the database's; others keep their own. */
export function dbErrorIfDiskFull(err: unknown, dbFile: string | undefined): unknown {
  return userErrorIfDiskFull(err, (err as { code?: unknown } | null)?.code === 'SQLITE_FULL' ? dbFile : undefined);
}

/** Rethrows disk-full errors as that UserError; any other error unchanged. */
export function userErrorIfDiskFull(err: unknown, file?: string): unknown {
  return isDiskFull(err) ? diskFullError(err, file) : err;
}
