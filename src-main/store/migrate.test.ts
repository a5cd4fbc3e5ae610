// Migrations: from an empty file, from the previous version with data present, and the refusals.
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { migrate, schemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index';
import { WorkspacePaths } from './paths';
import { fakeClock, tempDir, TOK_ID } from './test-utils';
import { Workspace } from './workspace';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
  ).map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('build the latest schema from an empty file', () => {
    const ws = Workspace.open(tmp.dir, { now: fakeClock() });
    expect(ws.migration).toMatchObject({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(ws.migration.applied.map((a) => a.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(ws.migration.backup).toBeUndefined();
    expect(schemaVersion(ws.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(ws.db)).toEqual(
      expect.arrayContaining([
        'projects',
        'datasets',
        'tokenizers',
        'substrates',
        'models',
        'model_experts',
        'runs',
        'metrics',
        'eval_results',
        'schema_migrations',
      ]),
    );
    expect(ws.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    ws.close();
    // Reopening finds nothing to do.
    const again = Workspace.open(tmp.dir);
    expect(again.migration.applied).toEqual([]);
    again.close();
  });

  // v1 → latest: covers the v2 language backfill and every later step (migrate-v3.test.ts covers v2 → v3).
  it('upgrade a v1 database with its data intact (and back it up first)', () => {
    const paths = new WorkspacePaths(tmp.dir);
    const db = openDatabase(paths.dbFile);
    migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    expect(schemaVersion(db)).toBe(1);
    // Raw SQL in the old schema, as an older Espalier would have written it.
    db.prepare(`INSERT INTO projects VALUES ('prj_1', 'old', '', 1, 1)`).run();
    db.prepare(`INSERT INTO tokenizers VALUES (?, 'tok', 'unicode-ngram', 500, 'tokenizers/t.json', '{}', 1)`).run(
      TOK_ID,
    );
    const insertDs = db.prepare(
      `INSERT INTO datasets (id, project_id, name, source_path, format, split, sha256, bytes, characters, records, scripts, created_at)
       VALUES (?, 'prj_1', ?, '/data/x', 'txt', 'train', ?, 10, 10, 1, ?, 1)`,
    );
    insertDs.run('ds_ru', 'ru', 'c'.repeat(64), JSON.stringify({ Latin: 40, Cyrillic: 60, Common: 20 }));
    insertDs.run('ds_zh', 'zh', 'd'.repeat(64), JSON.stringify({ Han: 90, Latin: 10 }));
    insertDs.run('ds_none', 'digits', 'e'.repeat(64), JSON.stringify({ Common: 5 }));
    db.prepare(
      `INSERT INTO models VALUES ('mdl_1', 'prj_1', 'trained', 'm', NULL, 2, ?, NULL, 'models/mdl_1', '{"d":64}', '{}', 10, 10, 1)`,
    ).run(TOK_ID);
    db.prepare(
      `INSERT INTO runs (id, project_id, kind, status, created_at, updated_at) VALUES ('run_1', 'prj_1', 'train', 'done', 1, 1)`,
    ).run();
    const insertMetric = db.prepare(`INSERT INTO metrics VALUES ('run_1', 'train/loss', ?, ?, 1)`);
    for (let s = 0; s < 100; s++) insertMetric.run(s, 5 - s / 50);
    db.close();

    const ws = Workspace.open(tmp.dir, { now: fakeClock() });
    expect(ws.migration).toMatchObject({ from: 1, to: LATEST_SCHEMA_VERSION });
    expect(ws.migration.backup).toBeDefined();
    expect(existsSync(ws.migration.backup!)).toBe(true);
    expect(ws.projects.require('prj_1').name).toBe('old');
    // v5 recounts the v2 letter shares as words (migrate-v5.test.ts).
    expect(ws.datasets.require('ds_ru')).toMatchObject({
      language: 'ru',
      languages: { en: 0.4627, ru: 0.5373 },
      kind: 'text',
      languagesSet: null,
    });
    expect(ws.datasets.require('ds_zh')).toMatchObject({ language: 'zh', languages: { zh: 0.9643, en: 0.0357 } });
    expect(ws.datasets.require('ds_none')).toMatchObject({ language: null, languages: {} });
    expect(ws.models.require('mdl_1')).toMatchObject({ depth: 2, config: { d: 64 }, folder: 'models/mdl_1' });
    expect(ws.metrics.count('run_1')).toBe(100);
    expect(ws.runs.require('run_1').status).toBe('done');
    ws.close();

    // The backup is the old database, still at the old version.
    const backup = openDatabase(
      readdirSync(tmp.dir)
        .filter((f) => f.endsWith('.bak'))
        .map((f) => `${tmp.dir}/${f}`)[0]!,
    );
    expect(schemaVersion(backup)).toBe(1);
    backup.close();
  });

  it('roll back a failing migration and leave the version where it was', () => {
    const db = openDatabase(new WorkspacePaths(tmp.dir).dbFile);
    const broken = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'broken',
        up: (d: typeof db) => d.exec('ALTER TABLE projects ADD COLUMN x TEXT; SELECT * FROM nope;'),
      },
    ];
    expect(() => migrate(db, { migrations: broken })).toThrow(/no such table: nope/);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const cols = (db.prepare('PRAGMA table_info(projects)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).not.toContain('x');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuse a database from a newer Espalier without touching it', () => {
    const file = new WorkspacePaths(tmp.dir).dbFile;
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    expect(() => Workspace.open(tmp.dir)).toThrow(
      /schema v99, but this Espalier knows only up to v\d+; use a newer Espalier/,
    );
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(99);
    again.close();
  });

  it('refuse an outdated database when asked not to migrate, naming the command', () => {
    const db = openDatabase(new WorkspacePaths(tmp.dir).dbFile);
    migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    db.close();
    expect(() => Workspace.open(tmp.dir, { migrate: false })).toThrow(
      /has schema v1; this Espalier needs v\d+ \(run: espalier workspace migrate --workspace/,
    );
  });

  it('refuse a file that is not a database', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      new WorkspacePaths(tmp.dir).dbFile,
      'this is not sqlite, just text that fills the header '.repeat(10),
    );
    expect(() => Workspace.open(tmp.dir)).toThrow(/espalier\.db/);
  });
});
