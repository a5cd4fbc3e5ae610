// files.choose through the real dispatcher: in Electron mode a typed host path is refused until the main-side
// dialog returned it; the browser has no dialog. (The dialog itself is Electron's; a function stands in for it.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../test/support/app';

const dir = mkdtempSync(join(tmpdir(), 'espalier-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('files.choose', () => {
  it('Electron: only a dialog-returned path is accepted afterwards', async () => {
    const data = join(dir, 'notes.txt');
    writeFileSync(data, 'some text to import\n'.repeat(20));
    const app = startTestApp({
      mode: 'electron',
      hostPaths: 'granted',
      chooseFile: async (purpose) => (purpose === 'dataset' ? data : null),
    });
    try {
      const { id: projectId } = await app.call('projects.create', { name: 'dialog' });
      const typed = await app.raw('datasets.import', { projectId, path: data });
      expect(typed).toMatchObject({ ok: false, error: { code: 'user-error' } });
      expect(typed.error!.message).toMatch(/^path: choose the file with the Choose… button/);
      expect(await app.call('files.choose', { purpose: 'font' })).toEqual({ path: null });
      expect(await app.call('files.choose', { purpose: 'dataset' })).toEqual({ path: data });
      const chosen = await app.raw('datasets.import', { projectId, path: data });
      expect(chosen.ok, JSON.stringify(chosen.error)).toBe(true);
    } finally {
      await app.dispose();
    }
  });

  it('browser: there is no host dialog', async () => {
    const app = startTestApp({ mode: 'browser', hostPaths: 'refuse' });
    try {
      const r = await app.raw('files.choose', { purpose: 'font' });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'user-error', message: 'there is no host file dialog in the browser; upload the file instead' },
      });
    } finally {
      await app.dispose();
    }
  });
});
