// Electron's guards as pure functions (Electron itself cannot run in the tests): navigation only to the exact
// app entry, every new WebContents guarded, permissions denied; and the fuse script on a synthetic fuse wire.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appEntryUrl,
  denyPermissionCheck,
  denyPermissionRequest,
  guardContents,
  isAllowedNavigation,
  type GuardableContents,
} from './security';

const dir = mkdtempSync(join(tmpdir(), 'espalier-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('navigation', () => {
  const entry = appEntryUrl(undefined, '/opt/Espalier/resources/app.asar/out/renderer/index.html');

  it('allows only the exact entry (any hash or query), nothing else under file:// or elsewhere', () => {
    expect(entry).toBe('file:///opt/Espalier/resources/app.asar/out/renderer/index.html');
    expect(isAllowedNavigation(entry, entry)).toBe(true);
    expect(isAllowedNavigation(`${entry}#/catalog`, entry)).toBe(true);
    for (const url of [
      'file:///etc/passwd',
      'file:///opt/Espalier/resources/app.asar/out/renderer/other.html',
      'https://example.com/',
      'javascript:alert(1)',
      'not a url',
      'file://evil.example/opt/Espalier/resources/app.asar/out/renderer/index.html',
    ]) {
      expect(isAllowedNavigation(url, entry), url).toBe(false);
    }
    const dev = appEntryUrl('http://localhost:5173', '/unused');
    expect(isAllowedNavigation('http://localhost:5173/', dev)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', dev)).toBe(false);
    expect(isAllowedNavigation('http://localhost:5173/@fs/etc/passwd', dev)).toBe(false);
    expect(isAllowedNavigation('http://user:pw@localhost:5173/', dev)).toBe(false);
  });

  it('guards a WebContents: navigation and redirects away are prevented, window.open denied, webviews blocked', () => {
    const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents: GuardableContents = {
      on(event: string, listener: (event: { preventDefault(): void }, url: string) => void) {
        listeners.set(event, listener as (event: { preventDefault(): void }, url?: string) => void);
        return contents;
      },
      setWindowOpenHandler(h) {
        openHandler = h;
      },
    } as GuardableContents;
    guardContents(contents, entry);
    const fire = (name: string, url?: string) => {
      let prevented = false;
      listeners.get(name)!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(fire('will-navigate', 'https://example.com')).toBe(true);
    expect(fire('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-navigate', `${entry}#/runs`)).toBe(false);
    expect(fire('will-attach-webview')).toBe(true);
    expect(openHandler!({ url: entry })).toEqual({ action: 'deny' });
  });

  it('the app guards every new WebContents and no longer locks to a bare file:// prefix', () => {
    const main = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    expect(main).toMatch(/app\.on\('web-contents-created', \(_event, contents\) => guardContents\(/);
    expect(main).not.toMatch(/'file:\/\/'/);
  });
});

describe('permissions', () => {
  it('denies every request and every check', () => {
    let granted: boolean | null = null;
    denyPermissionRequest(null, 'media', (g) => (granted = g));
    expect(granted).toBe(false);
    expect(denyPermissionCheck()).toBe(false);
  });
});

describe('fuses', () => {
  it('scripts/electron-fuses.mjs flips every fuse of a (synthetic) Electron binary as configured', async () => {
    const { applyFuses, FUSES } = await import('../../scripts/electron-fuses.mjs');
    // An Electron binary holds: sentinel, wire version 1, wire length, then one byte per fuse ('0' off, '1' on).
    const sentinel = Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX');
    const wire = Buffer.from('11110100', 'latin1');
    const binary = join(dir, 'electron');
    writeFileSync(
      binary,
      Buffer.concat([Buffer.alloc(1000, 7), sentinel, Buffer.from([1, wire.length]), wire, Buffer.alloc(1000, 7)]),
    );
    expect(await applyFuses(binary)).toBe(1);
    const out = readFileSync(binary);
    const at = out.indexOf(sentinel) + sentinel.length + 2;
    // RunAsNode off, cookie encryption on, NODE_OPTIONS off, --inspect off, asar integrity on, asar only on,
    // browser V8 snapshot off, file:// privileges kept (the bundled renderer loads from file://).
    expect(out.subarray(at, at + 8).toString('latin1')).toBe('01001101');
    expect(FUSES['strictlyRequireAllFuses']).toBe(true);
  });
});
