// Containment after links: a file is accepted when its real path stays inside its folder, whatever its name says.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importRoot } from '../hf/import';
import { assertFolderInside, realInside } from './contain';

const dir = mkdtempSync(join(tmpdir(), 'espalier-contain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('realInside', () => {
  it('accepts files and links that stay inside, refuses links that leave, without naming the target', () => {
    const root = join(dir, 'model');
    mkdirSync(join(root, 'blobs'), { recursive: true });
    writeFileSync(join(root, 'blobs', 'abc'), 'weights');
    symlinkSync(join('blobs', 'abc'), join(root, 'model.safetensors'));
    symlinkSync('/etc/passwd', join(root, 'config.json'));
    symlinkSync('..', join(root, 'up'));
    expect(realInside(root, join(root, 'model.safetensors'), 'weights file', 'the folder')).toBe(
      join(root, 'model.safetensors'),
    );
    expect(realInside(root, join(root, 'missing.json'), 'config', 'the folder')).toBe(join(root, 'missing.json'));
    expect(() => realInside(root, join(root, 'config.json'), 'model config', 'the workspace')).toThrow(
      /config\.json: the model config is a link leading outside the workspace; copy the file in instead of linking to it$/,
    );
    expect(() => realInside(root, join(root, 'up', 'x'), 'file', 'the folder')).not.toThrow(); // missing: the reader says "not found"
    expect(() => assertFolderInside(root, root, 'the workspace')).toThrow(
      /config\.json: the file is a link leading outside the workspace|up: the folder is a link leading outside/,
    );
    let message = '';
    try {
      assertFolderInside(root, root, 'the workspace');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('/etc/passwd');
  });

  it('an HF cache snapshot is held to its cache entry; any other folder to itself', () => {
    expect(importRoot('/c/hub/models--org--name/snapshots/0123abc')).toBe('/c/hub/models--org--name');
    expect(importRoot('/c/exports/my-model')).toBe('/c/exports/my-model');
    expect(importRoot('/c/snapshots/rev')).toBe('/c/snapshots/rev');
  });
});
