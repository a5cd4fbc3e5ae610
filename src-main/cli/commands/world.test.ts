// `espalier world` end to end: writes the quick world, prints its manifest, same seed → same id.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'espalier-world-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier world', () => {
  it('writes the files and prints the manifest as one JSON document', () => {
    const out = join(dir, 'a');
    const r = runCli(['world', '--out', out, '--seed', '4', '--scale', 'quick', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = r.json<{ id: string; seed: number; scale: string; files: { name: string; bytes: number }[] }>();
    expect(m).toMatchObject({ seed: 4, scale: 'quick' });
    expect(m.files).toHaveLength(11);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).id).toBe(m.id);
    const again = runCli(['world', '--out', join(dir, 'b'), '--seed', '4', '--scale', 'quick', '--json']);
    expect(again.json<{ id: string }>().id).toBe(m.id);
  });
  it('names the bad option in one error line', () => {
    const r = runCli(['world', '--out', join(dir, 'c'), '--scale', 'huge']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('espalier: error: option --scale must be one of quick, default, got "huge"');
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(runCli(['world', '--out', file]).stderr).toMatch(/exists and is not a folder/);
  });
});
