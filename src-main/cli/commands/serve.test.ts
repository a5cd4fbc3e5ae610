// `espalier serve` and `npm start` as real processes: the first stdout line is the URL with its token, a client
// with the token lists projects, one without is refused, and SIGINT stops the server cleanly.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

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

const require = createRequire(import.meta.url);

function launch(script: string, args: string[]): { child: ChildProcessWithoutNullStreams; url: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, ESPALIER_WASM_THREADS: '1' } });
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
    const s = launch('src-main/cli/main.ts', ['serve', '--workspace', join(tmp, 'ws'), '--port', '0', '--renderer', renderer]);
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

let hasElectron = true;
try {
  require('electron');
} catch {
  hasElectron = false;
}

describe.skipIf(hasElectron)('npm start without the Electron runtime', () => {
  it('says so in one line and serves the browser mode instead', async () => {
    const s = launch('src-main/cli/start.ts', ['--workspace', join(tmp, 'ws2'), '--port', '0', '--renderer', renderer]);
    const url = await s.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const notice = s.stderr().split('\n').filter((l) => /Electron/.test(l));
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatch(/node node_modules\/electron\/install\.js/);
    const exited = exitOf(s.child);
    s.child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
