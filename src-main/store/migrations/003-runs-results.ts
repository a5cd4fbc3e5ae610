// Schema v3: runs gain the 'substrate' and 'world' kinds, a persisted progress message and a JSON result;
// projects gain the substrate they train on (its tokenizer follows it).
import type { Migration } from './types';

// SQLite cannot change a CHECK constraint in place: the runs table is rebuilt (the documented 12-step
// ALTER; migrate() runs this with foreign keys off and checks them afterwards).
const SQL = `
CREATE TABLE runs_v3 (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('train', 'grow', 'merge-preview', 'eval', 'import', 'substrate', 'world')),
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
INSERT INTO runs_v3 (id, project_id, kind, status, name, params, model_id, progress, step, total_steps, error, checkpoint,
  checkpoint_step, attempts, worker_pid, created_at, updated_at, started_at, finished_at)
SELECT id, project_id, kind, status, name, params, model_id, progress, step, total_steps, error, checkpoint,
  checkpoint_step, attempts, worker_pid, created_at, updated_at, started_at, finished_at FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v3 RENAME TO runs;
CREATE INDEX runs_status ON runs(status, created_at);
CREATE INDEX runs_project ON runs(project_id, created_at);
CREATE INDEX runs_model ON runs(model_id);

ALTER TABLE projects ADD COLUMN substrate_id TEXT REFERENCES substrates(id) ON DELETE SET NULL;
`;

export const migration003: Migration = {
  version: 3,
  name: 'run kinds, results and project substrate',
  up(db) {
    db.exec(SQL);
  },
};
