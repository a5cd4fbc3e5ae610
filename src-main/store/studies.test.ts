// Studies on a real SQLite file: the repo round-trips spec, status, run link, arms and result; v8 adds the
// 'study' run kind by rebuilding the runs table from its current definition, so what earlier migrations added
// (rows, metrics, columns, indexes) survives.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from './db';
import { migrate, schemaVersion } from './migrate';
import { migration008 } from './migrations/008-studies';
import { MIGRATIONS } from './migrations/index';
import type { Migration } from './migrations/types';
import { WorkspacePaths } from './paths';
import { fakeClock, seed, tempDir } from './test-utils';
import { Workspace } from './workspace';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('espalier-studies-');
});
afterEach(() => tmp.cleanup());

describe('studies repo', () => {
  it('round-trips a study through its life: draft, run link, arms, result, status with error', () => {
    const ws = Workspace.open(tmp.dir, { now: fakeClock() });
    try {
      const { project } = seed(ws);
      const spec = { name: 'c1', arms: [{ id: 'glyph' }, { id: 'random' }] };
      const s = ws.studies.create({ projectId: project.id, name: ' C1 quick ', spec, outDir: 'studies/x' });
      expect(s).toMatchObject({
        name: 'C1 quick',
        spec,
        status: 'draft',
        outDir: 'studies/x',
        runId: null,
        arms: [],
        result: null,
        error: null,
      });
      expect(s.id).toMatch(/^std_[a-z2-9]{12}$/);
      expect(() => ws.studies.create({ projectId: project.id, name: 'C1 quick', spec, outDir: 'studies/y' })).toThrow(
        /a study named "C1 quick" already exists/,
      );
      expect(() => ws.studies.create({ projectId: project.id, name: '', spec, outDir: 'studies/y' })).toThrow(
        /invalid study: name: must not be empty/,
      );
      expect(() => ws.studies.create({ projectId: 'prj_none', name: 'x', spec, outDir: 'studies/z' })).toThrow(
        /unknown project prj_none/,
      );

      const run = ws.runs.create({ projectId: project.id, kind: 'study', params: { studyId: s.id } });
      ws.studies.setRun(s.id, run.id);
      ws.studies.setStatus(s.id, 'running');
      ws.studies.setArms(s.id, [{ arm: 'glyph', modelIds: ['mdl_a'] }]);
      expect(ws.studies.byRun(run.id)).toMatchObject({
        id: s.id,
        status: 'running',
        arms: [{ arm: 'glyph', modelIds: ['mdl_a'] }],
      });
      ws.studies.setStatus(s.id, 'failed', 'arm random: out of memory');
      expect(ws.studies.require(s.id)).toMatchObject({ status: 'failed', error: 'arm random: out of memory' });
      ws.studies.setStatus(s.id, 'done', 'ignored');
      ws.studies.setResult(s.id, { arms: 2 });
      const done = ws.studies.require(s.id);
      expect(done).toMatchObject({ status: 'done', error: null, result: { arms: 2 } });
      expect(done.updatedAt).toBeGreaterThan(s.updatedAt);
      expect(ws.studies.list(project.id).map((x) => x.id)).toEqual([s.id]);
      // Deleting the run leaves the study (its arms and result) with no run link.
      ws.runs.delete(run.id);
      expect(ws.studies.require(s.id).runId).toBeNull();
    } finally {
      ws.close();
    }
  });

  it('deleteStudy removes the row, its run and its folder; deleting the project removes its studies', () => {
    const ws = Workspace.open(tmp.dir, { now: fakeClock() });
    try {
      const { project } = seed(ws);
      const make = (name: string) => {
        const s = ws.studies.create({ projectId: project.id, name, spec: {}, outDir: 'pending' });
        const dir = ws.paths.studyDir(s.id);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'arm.json'), '{}');
        ws.db.prepare('UPDATE studies SET out_dir = ? WHERE id = ?').run(ws.paths.toStored(dir), s.id);
        return { id: s.id, dir };
      };
      const a = make('a');
      const run = ws.runs.create({ projectId: project.id, kind: 'study', params: { studyId: a.id } });
      ws.studies.setRun(a.id, run.id);
      ws.runs.start(run.id);
      expect(() => ws.deleteStudy(a.id)).toThrow(/the study is running/);
      ws.runs.cancel(run.id);
      expect(ws.deleteStudy(a.id)).toBe(true);
      expect([ws.studies.get(a.id), ws.runs.get(run.id), existsSync(a.dir)]).toEqual([undefined, undefined, false]);
      const b = make('b');
      ws.deleteProject(project.id);
      expect([ws.studies.get(b.id), existsSync(b.dir)]).toEqual([undefined, false]);
    } finally {
      ws.close();
    }
  });
});

describe('migration v8', () => {
  it('keeps every run, metric, index and a column an earlier migration added, and accepts study runs', () => {
    // Stands in for v5–v7 developed elsewhere: one of them adds a column to runs; v8 must keep it.
    const extra: Migration = {
      version: 5,
      name: 'runs gain a note',
      up: (db) => db.exec(`ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT ''`),
    };
    const noop = (version: number): Migration => ({ version, name: `v${version}`, up: () => undefined });
    const list = [...MIGRATIONS.slice(0, 4), extra, noop(6), noop(7)];
    const db = openDatabase(new WorkspacePaths(tmp.dir).dbFile);
    try {
      migrate(db, { migrations: list });
      db.prepare(
        `INSERT INTO projects (id, name, description, created_at, updated_at) VALUES ('prj_1', 'old', '', 1, 1)`,
      ).run();
      db.prepare(
        `INSERT INTO runs (id, project_id, kind, status, params, created_at, updated_at, message, note) VALUES ('run_1', 'prj_1', 'merge-tune', 'done', '{}', 1, 1, 'tuned', 'kept')`,
      ).run();
      for (let s = 1; s <= 3; s++)
        db.prepare(`INSERT INTO metrics VALUES ('run_1', 'train/loss', ?, ?, 1)`).run(s, 3 - s);
      const insertStudyRun = () =>
        db
          .prepare(
            `INSERT INTO runs (id, project_id, kind, status, created_at, updated_at) VALUES ('run_2', 'prj_1', 'study', 'queued', 1, 1)`,
          )
          .run();
      expect(insertStudyRun).toThrow(/CHECK/);
      const indexes = () =>
        db
          .prepare(
            `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL ORDER BY name`,
          )
          .pluck()
          .all();
      const before = indexes();

      const result = migrate(db, { migrations: [...list, migration008] });
      expect(result).toMatchObject({ from: 7, to: 8 });
      expect(schemaVersion(db)).toBe(8);
      expect(db.prepare(`SELECT kind, message, note FROM runs WHERE id = 'run_1'`).get()).toEqual({
        kind: 'merge-tune',
        message: 'tuned',
        note: 'kept',
      });
      expect(db.prepare(`SELECT COUNT(*) FROM metrics WHERE run_id = 'run_1'`).pluck().get()).toBe(3);
      expect(indexes()).toEqual(before);
      insertStudyRun();
      expect(() =>
        db
          .prepare(
            `INSERT INTO runs (id, project_id, kind, status, created_at, updated_at) VALUES ('run_3', 'prj_1', 'nonsense', 'queued', 1, 1)`,
          )
          .run(),
      ).toThrow(/CHECK/);
      // The metrics table's foreign key still points at runs: deleting a run cascades.
      db.prepare(`DELETE FROM runs WHERE id = 'run_1'`).run();
      expect(db.prepare(`SELECT COUNT(*) FROM metrics WHERE run_id = 'run_1'`).pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
