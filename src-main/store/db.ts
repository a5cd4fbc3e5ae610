// Opens the workspace's SQLite file with the pragmas every connection needs (WAL, foreign keys, busy timeout).
import Database from 'better-sqlite3';
import { UserError } from '../common/errors';

export type Db = Database.Database;

export interface OpenDbOptions {
  readonly?: boolean;
  /** How long a writer waits for another process's lock before failing (ms). */
  busyTimeoutMs?: number;
}

export function openDatabase(file: string, opts: OpenDbOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  } catch (err) {
    throw new UserError(`cannot open database ${file}: ${(err as Error).message}`);
  }
  try {
    // The CLI, `serve` and the app may share a workspace; waiting beats failing with SQLITE_BUSY.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    if (!opts.readonly) {
      // WAL lets readers (charts) run while the job supervisor appends metrics.
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal')
        throw new UserError(`${file}: could not switch the database to WAL mode (got ${String(mode)})`);
      // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    // A file that is not a database fails here rather than on the first query.
    db.pragma('user_version', { simple: true });
  } catch (err) {
    db.close();
    if (err instanceof UserError) throw err;
    throw new UserError(`${file} is not a usable Espalier database: ${(err as Error).message}`);
  }
  return db;
}
