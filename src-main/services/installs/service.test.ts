// The contract's install channels on a real app: GNU Unifont fetched from a loopback mirror into the app's data
// folder with progress events, a tampered download refused, a second install while one runs refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unifontPath } from '../../../test/helpers/fixtures';
import { serveBodies, type Loopback } from '../../../test/helpers/loopback';
import { startTestApp, type TestApp } from '../../../test/support/app';

let app: TestApp;
let server: Loopback;
let data: string;
let hex: Buffer;
beforeAll(async () => {
  hex = readFileSync(unifontPath());
  const tampered = Buffer.from(hex);
  tampered[100] ^= 1;
  server = await serveBodies({ '/good.hex.gz': gzipSync(hex), '/bad.hex.gz': gzipSync(tampered) });
  data = mkdtempSync(join(tmpdir(), 'espalier-installs-'));
  process.env['ESPALIER_DATA_DIR'] = data;
  app = startTestApp();
});
afterAll(async () => {
  await app.dispose();
  await server.close();
  rmSync(data, { recursive: true, force: true });
});

describe('system.install', () => {
  it('lists what can be installed: the font folder and every optional backend with a reason', async () => {
    const i = await app.call('system.installables', {});
    expect(i.font).toMatchObject({ version: '15.0.01', folder: join(data, 'fonts') });
    expect(i.backends.map((b) => b.target)).toEqual(['node-gpu', 'node', 'webgpu']);
    for (const b of i.backends) expect(b.reason.length).toBeGreaterThan(10);
    expect(i.running).toBeNull();
  });

  it('refuses a download whose checksum differs, in one line, and writes nothing', async () => {
    process.env['ESPALIER_UNIFONT_MIRRORS'] = server.url('/bad.hex.gz');
    const r = await app.call('system.install', { target: 'unifont' });
    expect(r.ok).toBe(false);
    expect(r.line).toMatch(/bad\.hex\.gz: SHA-256 of the decompressed font is [0-9a-f]{64}, expected fe93c0df/);
    expect(r.line).not.toContain('\n');
  });

  it('fetches GNU Unifont into the data folder, streaming progress, and refuses a second install meanwhile', async () => {
    process.env['ESPALIER_UNIFONT_MIRRORS'] = `${server.url('/missing.hex.gz')},${server.url('/good.hex.gz')}`;
    const before = app.seen.length;
    const pending = app.call('system.install', { target: 'unifont' });
    expect((await app.raw('system.install', { target: 'node' })).error?.message).toMatch(
      /unifont is being installed; wait for it to finish/,
    );
    const r = await pending;
    const path = join(data, 'fonts', 'unifont-15.0.01.hex');
    expect(r).toEqual({
      ok: true,
      line: `GNU Unifont 15.0.01 downloaded from ${server.url('/good.hex.gz')}, SHA-256 verified, saved to ${path}`,
    });
    expect(readFileSync(path).equals(hex)).toBe(true);
    const events = app.seen
      .slice(before)
      .filter((e) => e.channel === 'system.installProgress')
      .map((e) => e.payload as { target: string; line: string; fraction: number | null });
    expect(events.every((e) => e.target === 'unifont')).toBe(true);
    expect(events.some((e) => e.fraction !== null && e.fraction > 0 && e.fraction < 1)).toBe(true);
    expect(events.at(-1)).toEqual({ target: 'unifont', line: r.line, fraction: 1 });
  });
});
