// Schema v7: each run keeps the tail of its log (the worker's lines, pauses and resumes) across reloads and restarts.
import type { Migration } from './types';

const SQL = `
CREATE TABLE run_logs (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  -- 1, 2, 3… per run, never reused: a client that has lines up to N asks for what comes after N.
  seq    INTEGER NOT NULL,
  t      INTEGER NOT NULL,
  line   TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;
`;

export const migration007: Migration = {
  version: 7,
  name: 'run logs',
  up(db) {
    db.exec(SQL);
  },
};
