// Schema v4 → v5 with data present: datasets keep every row as text corpora, gain the benchmark kind (with its
// constraints) and user-set languages, and their language shares are recounted by words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { migrate, schemaVersion } from './migrate';
import { MIGRATIONS } from './migrations/index';
import { WorkspacePaths } from './paths';
import { Workspace } from './workspace';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-v5-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migration v5', () => {
  it('keeps v4 datasets as text, recounts their languages by words, and enforces the benchmark columns', () => {
    const db = openDatabase(new WorkspacePaths(dir).dbFile);
    migrate(db, { migrations: MIGRATIONS.slice(0, 4) });
    expect(schemaVersion(db)).toBe(4);
    db.prepare(
      `INSERT INTO projects (id, name, description, created_at, updated_at) VALUES ('prj_1', 'old', '', 1, 1)`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO datasets (id, project_id, name, source_path, text_path, format, split, sha256, bytes, characters, records, scripts, language, languages, created_at)
       VALUES (?, 'prj_1', ?, '/data/x', 'datasets/x.txt', 'txt', 'train', ?, 10, 10, 3, ?, ?, ?, 1)`,
    );
    // A Chinese manual full of commands: more Latin letters than Han characters, so v2 called it English.
    insert.run(
      'ds_zh',
      'manual',
      'a'.repeat(64),
      JSON.stringify({ Latin: 500, Han: 300, Common: 100 }),
      'en',
      JSON.stringify({ en: 0.625, zh: 0.375 }),
    );
    insert.run('ds_none', 'digits', 'b'.repeat(64), JSON.stringify({ Common: 5 }), null, '{}');
    db.close();

    const ws = Workspace.open(dir, { backup: false });
    try {
      expect(ws.migration.applied.map((a) => a.version)).toContain(5);
      // 500 / 4.8 ≈ 104 English words against 300 / 1.6 = 187.5 Chinese ones.
      expect(ws.datasets.require('ds_zh')).toMatchObject({
        name: 'manual',
        kind: 'text',
        task: null,
        benchFormat: null,
        pair: null,
        languagesSet: null,
        language: 'zh',
        languages: { zh: 0.6429, en: 0.3571 },
        records: 3,
        textPath: 'datasets/x.txt',
      });
      expect(ws.datasets.require('ds_none')).toMatchObject({ language: null, languages: {} });
      const bench = ws.datasets.create({
        projectId: 'prj_1',
        name: 'squad',
        sourcePath: '/d/dev.json',
        format: 'json',
        split: 'test',
        sha256: 'c'.repeat(64),
        bytes: 5,
        characters: 5,
        records: 2,
        kind: 'benchmark',
        task: 'qa',
        benchFormat: 'squad-json',
      });
      expect(bench).toMatchObject({
        kind: 'benchmark',
        task: 'qa',
        benchFormat: 'squad-json',
        format: 'json',
        records: 2,
        textPath: null,
      });
      expect(() =>
        ws.datasets.create({
          projectId: 'prj_1',
          name: 'half',
          sourcePath: '/d/x.csv',
          format: 'csv',
          sha256: 'd'.repeat(64),
          bytes: 1,
          characters: 1,
          records: 1,
          kind: 'benchmark',
        }),
      ).toThrow(/needs its task and layout/);
      expect(() => ws.db.prepare(`UPDATE datasets SET task = 'mc' WHERE id = 'ds_zh'`).run()).toThrow(/CHECK/);
      const set = ws.datasets.update('ds_zh', { languagesSet: ['zh', 'en'] });
      expect(set.languagesSet).toEqual(['zh', 'en']);
      expect(ws.datasets.update('ds_zh', { name: 'manual 2' }).languagesSet).toEqual(['zh', 'en']);
      expect(ws.datasets.update('ds_zh', { languagesSet: null }).languagesSet).toBeNull();
      expect(() => ws.datasets.update('ds_zh', { languagesSet: ['Chinese'] })).toThrow(/language code/);
    } finally {
      ws.close();
    }
  });
});
