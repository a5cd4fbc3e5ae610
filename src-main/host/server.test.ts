// The browser-mode host: token required for page and socket, contract invocations round-trip, traversal refused.
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDispatcher } from '../services/dispatch';
import { UserError } from '../common/errors';
import { startHost, type Host } from './server';

function httpGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function invoke(ws: WebSocket, id: number, channel: string, payload: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMsg = (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg['type'] === 'result' && msg['id'] === id) {
        ws.off('message', onMsg);
        resolve(msg);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
  });
}

describe('browser-mode host', () => {
  let host: Host;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'espalier-host-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Espalier</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'espalier-secret.txt'), 'secret');
    const dispatcher = createDispatcher({
      'app.info': () => ({ name: 'Espalier', version: '0.1.0', mode: 'browser' as const }),
      'projects.create': () => {
        throw new UserError('a project named "x" already exists');
      },
    });
    host = await startHost({ staticDir: dir, dispatcher, port: 0 });
  });
  afterAll(async () => host.close());

  it('binds to 127.0.0.1 and prints a URL carrying the token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses the page without the token and serves it with the token', async () => {
    expect((await httpGet(host.port, '/')).status).toBe(401);
    expect((await httpGet(host.port, '/?token=wrong')).status).toBe(401);
    const ok = await httpGet(host.port, `/?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<title>Espalier</title>');
    expect(String(ok.headers['content-security-policy'])).toContain("default-src 'self'");
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    // Assets load with the cookie alone.
    const asset = await httpGet(host.port, '/assets/app.js', { cookie: cookie.split(';')[0]! });
    expect(asset.status).toBe(200);
  });

  it('refuses path traversal and foreign Host headers', async () => {
    expect((await httpGet(host.port, `/../espalier-secret.txt?token=${host.token}`)).status).toBe(404);
    expect((await httpGet(host.port, `/%2e%2e/espalier-secret.txt?token=${host.token}`)).status).toBe(404);
    expect((await httpGet(host.port, `/?token=${host.token}`, { host: 'evil.example:80' })).status).toBe(403);
  });

  it('refuses a WebSocket without or with a wrong token', async () => {
    await expect(connect(`ws://127.0.0.1:${host.port}/ws`)).rejects.toThrow(/401/);
    await expect(connect(`ws://127.0.0.1:${host.port}/ws?token=${host.token}x`)).rejects.toThrow(/401/);
  });

  it('round-trips contract invocations with validation and structured errors', async () => {
    const ws = await connect(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    expect(await invoke(ws, 1, 'app.info', {})).toMatchObject({
      ok: true,
      value: { name: 'Espalier', mode: 'browser' },
    });
    expect(await invoke(ws, 2, 'projects.rename', { id: 'p', name: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', field: 'name' },
    });
    expect(await invoke(ws, 3, 'projects.create', { name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'user-error', message: 'a project named "x" already exists' },
    });
    expect(await invoke(ws, 4, 'no.such.channel', {})).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const events: unknown[] = [];
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { type: string };
      if (m.type === 'event') events.push(m);
    });
    host.broadcast('run.log', { runId: 'r1', line: 'hello' });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([{ type: 'event', channel: 'run.log', payload: { runId: 'r1', line: 'hello' } }]);
    ws.close();
  });
});
