// Brings a database from its PRAGMA user_version to the latest schema, one transaction per migration.
import { existsSync } from 'node:fs';
import { UserError } from '../common/errors';
import type { Db } from './db';
import { MIGRATIONS, type Migration } from './migrations/index';

export interface MigrateOptions {
  /** Defaults to all migrations; tests pass a prefix to build an older schema. */
  migrations?: readonly Migration[];
  /** Before touching a database that already has a schema, copy it here (VACUUM INTO). */
  backupPath?: string;
  now?: () => number;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: { version: number; name: string }[];
  backup?: string;
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration list is out of order: position ${i + 1} holds version ${m.version}`);
  });
}

export function migrate(db: Db, opts: MigrateOptions = {}): MigrateResult {
  const migrations = opts.migrations ?? MIGRATIONS;
  checkOrder(migrations);
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new UserError(
      `${db.name}: this workspace has schema v${from}, but this Espalier knows only up to v${latest}; ` +
        'use a newer Espalier (the file was left untouched)',
    );
  }
  const result: MigrateResult = { from, to: from, applied: [] };
  if (from === latest) return result;

  if (from > 0 && opts.backupPath) {
    if (existsSync(opts.backupPath))
      throw new UserError(`backup ${opts.backupPath} already exists; move it away and retry`);
    db.prepare('VACUUM INTO ?').run(opts.backupPath);
    result.backup = opts.backupPath;
  }

  const now = opts.now ?? Date.now;
  // Foreign keys cannot be toggled inside a transaction, and a table rebuild (SQLite's
  // 12-step ALTER) needs them off; foreign_key_check below restores the guarantee.
  db.pragma('foreign_keys = OFF');
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    for (const m of migrations.slice(from)) {
      db.transaction(() => {
        m.up(db);
        const broken = db.pragma('foreign_key_check') as { table: string; parent: string }[];
        if (broken.length > 0) {
          const b = broken[0]!;
          throw new Error(
            `migration v${m.version} (${m.name}) left ${broken.length} broken foreign key(s), e.g. ${b.table} → ${b.parent}`,
          );
        }
        db.prepare('INSERT OR REPLACE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          now(),
        );
        db.pragma(`user_version = ${m.version}`);
      })();
      result.applied.push({ version: m.version, name: m.name });
      result.to = m.version;
    }
  } finally {
    db.pragma('foreign_keys = ON');
  }
  return result;
}
