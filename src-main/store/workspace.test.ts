// The workspace folder: WAL mode, reopening after close, path helpers that stay inside the folder.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { fakeClock, seed, SUB_ID, tempDir, TOK_ID } from './test-utils';
import { Workspace } from './workspace';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('Workspace', () => {
  it('creates the folder and one espalier.db in WAL mode with foreign keys and a busy timeout', () => {
    const dir = join(tmp.dir, 'nested', 'ws');
    const ws = Workspace.open(dir);
    expect(existsSync(join(dir, 'espalier.db'))).toBe(true);
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ws.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(ws.info()).toMatchObject({ root: dir, journalMode: 'wal', counts: { projects: 0, metrics: 0 } });
    ws.close();
    ws.close();
  });

  it('after close and reopen sees everything written', () => {
    const ws = Workspace.open(tmp.dir, { now: fakeClock() });
    const { project } = seed(ws);
    const m = ws.models.create({
      projectId: project.id,
      kind: 'trained',
      name: 'm',
      depth: 2,
      tokenizerId: TOK_ID,
      substrateId: SUB_ID,
    });
    const run = ws.runs.create({ projectId: project.id, kind: 'train', modelId: m.id });
    ws.runs.start(run.id);
    ws.metrics.append(
      Array.from({ length: 50 }, (_, i) => ({ runId: run.id, name: 'loss', step: i, value: 1 / (i + 1) })),
    );
    const before = {
      p: ws.projects.list(),
      m: ws.models.list(project.id),
      r: ws.runs.list(),
      s: ws.metrics.range(run.id, 'loss'),
    };
    ws.close();
    // The WAL was checkpointed into the main file on close.
    expect(existsSync(join(tmp.dir, 'espalier.db-wal'))).toBe(false);

    const again = Workspace.open(tmp.dir, { migrate: false });
    expect(again.projects.list()).toEqual(before.p);
    expect(again.models.list(project.id)).toEqual(before.m);
    expect(again.runs.list()).toEqual(before.r);
    expect(again.metrics.range(run.id, 'loss')).toEqual(before.s);
    expect(again.info().counts).toMatchObject({ projects: 1, models: 1, runs: 1, metrics: 50 });
    again.close();
  });

  it('lets a second connection read while the first writes (WAL)', () => {
    const ws = Workspace.open(tmp.dir);
    const { project } = seed(ws);
    const reader = openDatabase(ws.paths.dbFile);
    ws.db.prepare('BEGIN').run();
    ws.projects.create({ name: 'uncommitted' });
    // The reader is not blocked and sees the last committed state.
    expect(reader.prepare('SELECT name FROM projects').pluck().all()).toEqual([project.name]);
    ws.db.prepare('COMMIT').run();
    expect(reader.prepare('SELECT COUNT(*) FROM projects').pluck().get()).toBe(2);
    reader.close();
    ws.close();
  });

  it('inspects without creating or migrating, and refuses a missing workspace when asked', () => {
    expect(() => Workspace.inspect(join(tmp.dir, 'none'))).toThrow(/no workspace at/);
    expect(() => Workspace.open(join(tmp.dir, 'none'), { create: false })).toThrow(
      /espalier workspace init --workspace/,
    );
    expect(existsSync(join(tmp.dir, 'none'))).toBe(false);
    const file = join(tmp.dir, 'file');
    writeFileSync(file, 'x');
    expect(() => Workspace.open(file)).toThrow(/is a file, not a folder/);
  });

  it('maps ids to folders and stored paths back, refusing paths that leave the workspace', () => {
    const ws = Workspace.open(tmp.dir);
    const p = ws.paths;
    expect(p.modelWeights('mdl_abc')).toBe(join(tmp.dir, 'models', 'mdl_abc', 'model.safetensors'));
    expect(p.modelConfig('mdl_abc')).toBe(join(tmp.dir, 'models', 'mdl_abc', 'config.json'));
    expect(p.checkpointDir('run_x')).toBe(join(tmp.dir, 'runs', 'run_x', 'checkpoints'));
    expect(p.toStored(p.modelDir('mdl_abc'))).toBe('models/mdl_abc');
    expect(p.fromStored('models/mdl_abc')).toBe(p.modelDir('mdl_abc'));
    expect(() => p.modelDir('../etc')).toThrow(/invalid model id/);
    expect(() => p.fromStored('../outside')).toThrow(/points outside the workspace/);
    expect(() => p.toStored('/etc/passwd')).toThrow(/not inside the workspace/);
    ws.close();
  });
});
