// Schema v4: runs gain the 'merge-tune' kind (tuning a merge's output heads in the app).
import type { Migration } from './types';

// SQLite cannot change a CHECK constraint in place: the runs table is rebuilt as in v3.
const SQL = `
CREATE TABLE runs_v4 (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('train', 'grow', 'merge-preview', 'eval', 'import', 'substrate', 'world', 'merge-tune')),
  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  name        TEXT NOT NULL DEFAULT '',
  params      TEXT NOT NULL DEFAULT '{}',
  model_id    TEXT REFERENCES models(id) ON DELETE SET NULL,
  progress    REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  step        INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER,
  error       TEXT,
  checkpoint  TEXT,
  checkpoint_step INTEGER,
  attempts    INTEGER NOT NULL DEFAULT 0,
  worker_pid  INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER,
  -- What the UI shows under the progress bar ("step 120/300", "rendering glyphs").
  message     TEXT NOT NULL DEFAULT '',
  -- JSON of what a finished job produced (merge preview table, ids it registered); NULL before.
  result      TEXT
) STRICT;
INSERT INTO runs_v4 (id, project_id, kind, status, name, params, model_id, progress, step, total_steps, error, checkpoint,
  checkpoint_step, attempts, worker_pid, created_at, updated_at, started_at, finished_at, message, result)
SELECT id, project_id, kind, status, name, params, model_id, progress, step, total_steps, error, checkpoint,
  checkpoint_step, attempts, worker_pid, created_at, updated_at, started_at, finished_at, message, result FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v4 RENAME TO runs;
CREATE INDEX runs_status ON runs(status, created_at);
CREATE INDEX runs_project ON runs(project_id, created_at);
CREATE INDEX runs_model ON runs(model_id);
`;

export const migration004: Migration = {
  version: 4,
  name: 'merge-tune runs',
  up(db) {
    db.exec(SQL);
  },
};
