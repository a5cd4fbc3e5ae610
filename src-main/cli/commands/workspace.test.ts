// `espalier workspace init|migrate|info` run as a user would, in a child process.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli';
import { openDatabase } from '../../store/db';
import { migrate } from '../../store/migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../store/migrations/index';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-ws-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier workspace', () => {
  it('init creates a workspace at the latest schema; info reports it without changing it', () => {
    const ws = join(dir, 'new');
    const init = runCli(['workspace', 'init', '--workspace', ws, '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.json()).toMatchObject({
      root: ws,
      created: true,
      schemaVersion: LATEST_SCHEMA_VERSION,
      migratedFrom: 0,
      journalMode: 'wal',
      counts: { projects: 0 },
    });
    const info = runCli(['workspace', 'info', '--workspace', ws, '--json']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.json()).toMatchObject({
      schemaVersion: LATEST_SCHEMA_VERSION,
      latestSchemaVersion: LATEST_SCHEMA_VERSION,
    });
  });

  it('migrate upgrades an older workspace (with a backup) and refuses a missing one', () => {
    const ws = join(dir, 'old');
    // A workspace as an older Espalier left it: schema v1.
    mkdirSync(ws, { recursive: true });
    const old = openDatabase(join(ws, 'espalier.db'));
    migrate(old, { migrations: MIGRATIONS.slice(0, 1) });
    old.close();
    const r = runCli(['workspace', 'migrate', '--workspace', ws, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<{ migratedFrom: number; schemaVersion: number; backup: string | null; applied: unknown[] }>();
    expect(out).toMatchObject({ migratedFrom: 1, schemaVersion: LATEST_SCHEMA_VERSION });
    expect(out.backup).toMatch(/espalier\.db\.v1-.*\.bak$/);
    expect(r.stderr).toMatch(/migrated v1 → v\d+/);

    const missing = runCli(['workspace', 'migrate', '--workspace', join(dir, 'nothing')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no workspace at .*nothing .*espalier workspace init/);
  });
});
