// Schema v1: the core catalog — projects, datasets, tokenizers, substrates, models, runs, metrics, eval results.
import type { Migration } from './types';

// Frozen once released: later changes go in a new migration, never here.
const SQL = `
CREATE TABLE projects (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

-- Content-addressed (id = SHA-256 of the ordered vocabulary) and shared by all projects.
CREATE TABLE tokenizers (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL,
  vocab_size INTEGER NOT NULL CHECK (vocab_size > 0),
  file       TEXT NOT NULL,
  metadata   TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE substrates (
  id           TEXT PRIMARY KEY,
  tokenizer_id TEXT NOT NULL REFERENCES tokenizers(id) ON DELETE RESTRICT,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  dim          INTEGER NOT NULL CHECK (dim > 0),
  file         TEXT NOT NULL,
  metadata     TEXT NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX substrates_tokenizer ON substrates(tokenizer_id);

CREATE TABLE datasets (
  id           TEXT PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  source_path  TEXT NOT NULL,
  text_path    TEXT,
  format       TEXT NOT NULL CHECK (format IN ('txt', 'jsonl', 'csv', 'parquet')),
  field        TEXT,
  split        TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
  sha256       TEXT NOT NULL,
  text_sha256  TEXT,
  bytes        INTEGER NOT NULL CHECK (bytes >= 0),
  characters   INTEGER NOT NULL CHECK (characters >= 0),
  records      INTEGER NOT NULL CHECK (records >= 0),
  tokens       INTEGER,
  tokenizer_id TEXT REFERENCES tokenizers(id) ON DELETE SET NULL,
  scripts      TEXT NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL,
  UNIQUE (project_id, name)
) STRICT;
CREATE INDEX datasets_sha256 ON datasets(sha256);

CREATE TABLE models (
  id               TEXT PRIMARY KEY,
  project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind             TEXT NOT NULL CHECK (kind IN ('trained', 'stage', 'merge')),
  name             TEXT NOT NULL,
  -- Provenance only: a stage's file holds all its blocks, so losing the parent loses no weights.
  parent_id        TEXT REFERENCES models(id) ON DELETE SET NULL,
  depth            INTEGER NOT NULL CHECK (depth >= 0),
  tokenizer_id     TEXT NOT NULL REFERENCES tokenizers(id) ON DELETE RESTRICT,
  substrate_id     TEXT REFERENCES substrates(id) ON DELETE RESTRICT,
  folder           TEXT,
  config           TEXT NOT NULL DEFAULT '{}',
  provenance       TEXT NOT NULL DEFAULT '{}',
  params_total     INTEGER NOT NULL DEFAULT 0,
  params_trainable INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  -- A merge copies no weights; everything else must have a folder.
  CHECK ((kind = 'merge') = (folder IS NULL))
) STRICT;
CREATE INDEX models_project ON models(project_id, created_at);
CREATE INDEX models_parent ON models(parent_id);

CREATE TABLE model_experts (
  merge_id  TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  -- NO ACTION (checked at the end of the statement), not RESTRICT: deleting a project
  -- removes a merge and its experts together, while deleting a lone expert still fails.
  expert_id TEXT NOT NULL REFERENCES models(id),
  position  INTEGER NOT NULL,
  weight    REAL NOT NULL DEFAULT 1,
  PRIMARY KEY (merge_id, position)
) STRICT;
CREATE INDEX model_experts_expert ON model_experts(expert_id);

CREATE TABLE runs (
  id          TEXT PRIMARY KEY,
  project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('train', 'grow', 'merge-preview', 'eval', 'import')),
  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  name        TEXT NOT NULL DEFAULT '',
  params      TEXT NOT NULL DEFAULT '{}',
  -- Runs outlive the models they produced: their curves stay comparable after a model is deleted.
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
  finished_at INTEGER
) STRICT;
CREATE INDEX runs_status ON runs(status, created_at);
CREATE INDEX runs_project ON runs(project_id, created_at);
CREATE INDEX runs_model ON runs(model_id);

-- Clustered on (run, name, step): range reads for a chart touch contiguous pages, and a
-- step logged twice (a run resumed from an earlier checkpoint) replaces the old point.
CREATE TABLE metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  step   INTEGER NOT NULL,
  value  REAL,            -- NULL stands for NaN, which SQLite cannot store
  t      INTEGER NOT NULL,
  PRIMARY KEY (run_id, name, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE eval_results (
  id             TEXT PRIMARY KEY,
  model_id       TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  run_id         TEXT REFERENCES runs(id) ON DELETE SET NULL,
  task           TEXT NOT NULL,
  protocol       TEXT NOT NULL,
  dataset_sha256 TEXT NOT NULL,
  n              INTEGER NOT NULL CHECK (n >= 0),
  metrics        TEXT NOT NULL DEFAULT '{}',
  ci95           REAL,
  runs           INTEGER NOT NULL DEFAULT 1 CHECK (runs >= 1),
  seed           INTEGER,
  created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX eval_results_model ON eval_results(model_id, task, created_at);
CREATE INDEX eval_results_task ON eval_results(task, protocol);
CREATE INDEX eval_results_run ON eval_results(run_id);
`;

export const migration001: Migration = {
  version: 1,
  name: 'core catalog',
  up(db) {
    db.exec(SQL);
  },
};
