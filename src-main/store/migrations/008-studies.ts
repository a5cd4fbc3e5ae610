// Schema v8: studies (a named grid of runs comparing one or two factors) and the 'study' run kind that runs one.
import type { Db } from '../db';
import type { Migration } from './types';

/**
 * Adds 'study' to the runs table's kind CHECK. The table is rebuilt from its own current definition (the
 * documented 12-step ALTER) rather than from a copy written here, so columns and kinds that other migrations
 * added before this one survive unchanged.
 */
function allowStudyRuns(db: Db): void {
  const table = db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'`).get() as
    { sql: string } | undefined;
  if (!table) throw new Error('migration v8: the runs table is missing');
  const kinds = /(kind\s+TEXT\s+NOT\s+NULL\s+CHECK\s*\(\s*kind\s+IN\s*\()([^)]*)\)/i.exec(table.sql);
  if (!kinds) throw new Error('migration v8: cannot find the kind CHECK in the runs table definition');
  if (/'study'/.test(kinds[2]!)) return;
  const head = /^CREATE\s+TABLE\s+(?:"runs"|runs)\s*\(/i;
  if (!head.test(table.sql)) throw new Error('migration v8: unexpected runs table definition');
  const rebuilt = table.sql
    .replace(kinds[0], `${kinds[1]}${kinds[2]}, 'study')`)
    .replace(head, 'CREATE TABLE runs_v8 (');
  const dependents = db
    .prepare(
      `SELECT sql FROM sqlite_master WHERE tbl_name = 'runs' AND type IN ('index', 'trigger') AND sql IS NOT NULL`,
    )
    .all() as { sql: string }[];
  db.exec(rebuilt);
  db.exec('INSERT INTO runs_v8 SELECT * FROM runs');
  db.exec('DROP TABLE runs');
  db.exec('ALTER TABLE runs_v8 RENAME TO runs');
  for (const d of dependents) db.exec(d.sql);
}

const STUDIES = `
CREATE TABLE studies (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  -- The StudySpec as validated when the study was defined (src-shared/study.ts).
  spec        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('draft', 'queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  -- Relative to the workspace: finished arms are kept here, so a stopped study resumes from the next arm.
  out_dir     TEXT NOT NULL,
  -- The latest 'study' run (progress, live loss); NULL before the study was first started.
  run_id      TEXT REFERENCES runs(id) ON DELETE SET NULL,
  -- JSON array of finished arms in order: the runner's arm result plus the catalog models registered for it.
  arms        TEXT NOT NULL DEFAULT '[]',
  -- JSON of the runner's whole study result once every arm finished; NULL before.
  result      TEXT,
  error       TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (project_id, name)
) STRICT;
CREATE INDEX studies_project ON studies(project_id, created_at);
CREATE INDEX studies_run ON studies(run_id);
`;

export const migration008: Migration = {
  version: 8,
  name: 'studies',
  up(db) {
    allowStudyRuns(db);
    db.exec(STUDIES);
  },
};
