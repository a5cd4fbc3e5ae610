// The host-path policy on the real file system: pseudo file systems refused before any mkdir (the old recursive
// mkdir on /proc/self/x never returned), confinement of browser exports, and dialog-granted paths in Electron.
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../common/errors';
import { ensureFolder, HostPaths } from './host-paths';

const dir = mkdtempSync(join(tmpdir(), 'espalier-hostpaths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureFolder', () => {
  it('refuses /proc, /sys and /dev (also through a symlink) with the field named, and returns at once', () => {
    symlinkSync('/proc/self', join(dir, 'sneaky'));
    for (const p of [
      '/proc/self/x',
      '/proc/self/x/y/z',
      '/sys/kernel/nope',
      '/dev/shm-not/x',
      join(dir, 'sneaky', 'x'),
    ]) {
      expect(() => ensureFolder('dest', p)).toThrow(UserError);
      expect(() => ensureFolder('dest', p)).toThrow(/^dest: .* is on a system pseudo file system/);
    }
  });

  it('creates missing levels one by one, and refuses a file on the way', () => {
    const deep = ensureFolder('dest', join(dir, 'a', 'b', 'c'));
    expect(statSync(deep).isDirectory()).toBe(true);
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => ensureFolder('dest', join(dir, 'file', 'sub'))).toThrow(/^dest: .*file is a file, not a folder/);
  });
});

describe('HostPaths', () => {
  const exportsDir = join(dir, 'ws', 'exports');

  it('browser mode: refuses host files and keeps exports inside the export folder', () => {
    const hp = new HostPaths('refuse', exportsDir);
    expect(() => hp.file('path', '/etc/passwd')).toThrow(/^path: host file paths are not accepted from the browser/);
    expect(hp.exportFolder('dest', 'mine')).toBe(join(exportsDir, 'mine'));
    expect(hp.exportFolder('dest', join(exportsDir, 'abs'))).toBe(join(exportsDir, 'abs'));
    for (const bad of ['/tmp', '../up', 'a/../../up', '/proc/self/x'])
      expect(() => hp.exportFolder('dest', bad)).toThrow(
        `dest: exports go into the workspace's "exports" folder; give the name of a new folder inside it`,
      );
  });

  it('Electron mode: accepts only what the native dialog granted', () => {
    const hp = new HostPaths('granted', exportsDir);
    const chosen = join(dir, 'chosen.txt');
    expect(() => hp.file('path', chosen)).toThrow(/^path: choose the file with the Choose… button/);
    hp.grant(chosen);
    expect(hp.file('path', chosen)).toBe(chosen);
    const folder = join(dir, 'picked');
    expect(() => hp.exportFolder('dest', folder)).toThrow(/"exports" folder/);
    hp.grant(folder);
    expect(hp.exportFolder('dest', folder)).toBe(folder);
  });

  it('trusted callers: any absolute path, still never a pseudo file system', () => {
    const hp = new HostPaths('any', exportsDir);
    expect(hp.file('fontPath', '/opt/fonts/x.hex')).toBe('/opt/fonts/x.hex');
    expect(() => hp.file('fontPath', 'relative.hex')).toThrow(/^fontPath: give an absolute path/);
    expect(() => hp.exportFolder('dest', '/proc/self/x')).toThrow(/pseudo file system/);
  });
});
