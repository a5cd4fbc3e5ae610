// `espalier serve` and `npm start` as real processes: the first stdout line is the URL with its token, a client
// with the token lists projects, one without is refused, and SIGINT stops the server cleanly. `npm start` without
// the Electron runtime runs Electron's real installer against loopback mirrors that refuse or never answer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { refusingUrl } from '../../../test/helpers/loopback';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let tmp: string;
let renderer: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'espalier-serve-'));
  // A stand-in renderer folder, so the test never triggers a full build.
  renderer = join(tmp, 'renderer');
  mkdirSync(renderer);
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Espalier</title>');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function launch(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcessWithoutNullStreams; url: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ESPALIER_WASM_THREADS: '1', ...env },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing a URL: ${err}`)));
  });
  return { child, url, stderr: () => err };
}

async function listProjects(url: string, token: string | null): Promise<unknown> {
  const port = new URL(url).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${token ? `?token=${token}` : ''}`);
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_q, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'projects.list', payload: {} })));
    ws.on('message', (d) => {
      ws.close();
      resolve(JSON.parse(String(d)));
    });
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('espalier serve', () => {
  it('prints a URL with a token; a client with it lists projects, one without is refused; SIGINT stops it', async () => {
    const s = launch('src-main/cli/main.ts', [
      'serve',
      '--workspace',
      join(tmp, 'ws'),
      '--port',
      '0',
      '--renderer',
      renderer,
    ]);
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    const token = new URL(url).searchParams.get('token');
    expect(await listProjects(url, token)).toEqual({ type: 'result', id: 7, ok: true, value: [] });
    await expect(listProjects(url, null)).rejects.toThrow(/401/);
    const exited = exitOf(s.child);
    s.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(s.stderr()).toMatch(/stopped/);
  });
});

/**
 * Electron's installer pointed at loopback mirrors (ELECTRON_MIRROR) with an empty download cache; the override dist
 * path makes the runtime missing even where Electron is installed, so this runs the same on every machine.
 */
function noElectronEnv(mirror: string, timeoutS = 120): Record<string, string> {
  return {
    ELECTRON_MIRROR: mirror,
    electron_config_cache: join(tmp, 'electron-cache'),
    ELECTRON_OVERRIDE_DIST_PATH: join(tmp, 'no-electron-here'),
    ESPALIER_ELECTRON_INSTALL_TIMEOUT_S: String(timeoutS),
  };
}

async function stopped(s: ReturnType<typeof launch>): Promise<void> {
  const exited = exitOf(s.child);
  s.child.kill('SIGINT');
  expect(await exited).toBe(0);
}

describe('npm start where the Electron runtime is missing', () => {
  it("runs Electron's installer; when its download is refused, says so in one line and serves the browser mode", async () => {
    const s = launch(
      'src-main/cli/start.ts',
      ['--workspace', join(tmp, 'ws2'), '--port', '0', '--renderer', renderer],
      noElectronEnv(`${await refusingUrl()}/`),
    );
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const ours = s
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('espalier:'));
    expect(ours[0]).toMatch(
      /^espalier: the Electron runtime is not installed yet \(.*\); running its installer \(node node_modules\/electron\/install\.js\)…$/,
    );
    // The installer's own output comes through (here its connection error), then one line saying what happened.
    expect(s.stderr()).toMatch(/ECONNREFUSED/);
    expect(ours[1]).toMatch(
      /^espalier: Electron's installer failed \(exit 1: .*ECONNREFUSED.*\); starting browser mode instead — run `node node_modules\/electron\/install\.js` .*`npm start -- --browser`/,
    );
    expect(ours).toHaveLength(2);
    await stopped(s);
  });

  it('gives up on an installer that hangs after the timeout', async () => {
    // A mirror that accepts the connection and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const s = launch(
        'src-main/cli/start.ts',
        ['--workspace', join(tmp, 'ws3'), '--port', '0', '--renderer', renderer],
        noElectronEnv(`http://127.0.0.1:${port}/`, 3),
      );
      await s.url;
      expect(s.stderr()).toMatch(
        /^espalier: Electron's installer failed \(no result after 3 s\); starting browser mode instead/m,
      );
      await stopped(s);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('skips the installer with --browser', async () => {
    const s = launch(
      'src-main/cli/start.ts',
      ['--browser', '--workspace', join(tmp, 'ws4'), '--port', '0', '--renderer', renderer],
      noElectronEnv(`${await refusingUrl()}/`),
    );
    await s.url;
    expect(s.stderr()).toMatch(/^espalier: browser mode \(--browser\)$/m);
    expect(s.stderr()).not.toMatch(/installer/);
    await stopped(s);
  });
});
