// Schema v2 → v3 with data present: runs keep every row and metric (rebuilt for the new kinds), gain a message
// and a result; projects gain their substrate choice. v3 → v4: the 'merge-tune' kind, nothing else lost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { migrate, schemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index';
import { WorkspacePaths } from './paths';
import { Workspace } from './workspace';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-v3-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migration v3', () => {
  it('upgrades a v2 database with runs, metrics and eval results intact', () => {
    const db = openDatabase(new WorkspacePaths(dir).dbFile);
    migrate(db, { migrations: MIGRATIONS.slice(0, 2) });
    expect(schemaVersion(db)).toBe(2);
    const tok = 'a'.repeat(64);
    db.prepare(`INSERT INTO projects VALUES ('prj_1', 'old', '', 1, 1)`).run();
    db.prepare(`INSERT INTO tokenizers VALUES (?, 'tok', 'unicode-ngram', 500, 'tokenizers/t.json', '{}', 1)`).run(tok);
    db.prepare(
      `INSERT INTO models VALUES ('mdl_1', 'prj_1', 'trained', 'm', NULL, 2, ?, NULL, 'models/mdl_1', '{}', '{}', 10, 10, 1)`,
    ).run(tok);
    db.prepare(
      `INSERT INTO runs (id, project_id, kind, status, params, model_id, checkpoint, checkpoint_step, created_at, updated_at)
       VALUES ('run_1', 'prj_1', 'train', 'failed', '{"steps":9}', 'mdl_1', 'runs/run_1/checkpoints/step-000000004.safetensors', 4, 1, 1)`,
    ).run();
    for (let s = 1; s <= 5; s++)
      db.prepare(`INSERT INTO metrics VALUES ('run_1', 'train/loss', ?, ?, 1)`).run(s, 5 - s);
    db.prepare(
      `INSERT INTO eval_results (id, model_id, run_id, task, protocol, dataset_sha256, n, created_at) VALUES ('ev_1', 'mdl_1', 'run_1', 'mc', 'paper', ?, 3, 1)`,
    ).run('b'.repeat(64));
    db.close();

    const ws = Workspace.open(dir, { backup: false });
    try {
      expect(ws.migration).toMatchObject({ from: 2, to: LATEST_SCHEMA_VERSION });
      expect(ws.runs.require('run_1')).toMatchObject({
        status: 'failed',
        params: { steps: 9 },
        modelId: 'mdl_1',
        checkpointStep: 4,
        message: '',
        result: null,
      });
      expect(ws.metrics.count('run_1')).toBe(5);
      expect(ws.evals.require('ev_1').runId).toBe('run_1');
      expect(ws.projects.require('prj_1').substrateId).toBeNull();
      // The new kinds are accepted, results round-trip, and deleting a run still cascades to its metrics.
      const r = ws.runs.create({ projectId: 'prj_1', kind: 'world' });
      ws.runs.setResult(r.id, { datasets: 3 });
      expect(ws.runs.require(r.id).result).toEqual({ datasets: 3 });
      expect(ws.runs.create({ projectId: 'prj_1', kind: 'substrate' }).kind).toBe('substrate');
      ws.runs.delete('run_1');
      expect(ws.metrics.count('run_1')).toBe(0);
      expect(ws.evals.require('ev_1').runId).toBeNull();
    } finally {
      ws.close();
    }
  });

  it('v3 → v4 accepts merge-tune runs and keeps every run with its message and result', () => {
    const db = openDatabase(new WorkspacePaths(dir).dbFile);
    migrate(db, { migrations: MIGRATIONS.slice(0, 3) });
    db.prepare(
      `INSERT INTO projects (id, name, description, created_at, updated_at) VALUES ('prj_1', 'old', '', 1, 1)`,
    ).run();
    db.prepare(
      `INSERT INTO runs (id, project_id, kind, status, params, created_at, updated_at, message, result)
       VALUES ('run_1', 'prj_1', 'merge-preview', 'done', '{}', 1, 1, 'preview ready', '{"rows":[]}')`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO runs (id, project_id, kind, status, created_at, updated_at) VALUES ('run_2', 'prj_1', 'merge-tune', 'queued', 1, 1)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    for (let s = 1; s <= 3; s++)
      db.prepare(`INSERT INTO metrics VALUES ('run_1', 'train/loss', ?, ?, 1)`).run(s, 3 - s);
    db.close();
    const ws = Workspace.open(dir, { backup: false });
    try {
      expect(ws.migration).toMatchObject({ from: 3, to: LATEST_SCHEMA_VERSION });
      expect(ws.runs.require('run_1')).toMatchObject({
        kind: 'merge-preview',
        message: 'preview ready',
        result: { rows: [] },
      });
      expect(ws.metrics.count('run_1')).toBe(3);
      expect(ws.runs.create({ projectId: 'prj_1', kind: 'merge-tune' }).kind).toBe('merge-tune');
    } finally {
      ws.close();
    }
  });
});
