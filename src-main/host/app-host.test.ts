// End to end in one process: createApp + startHost + a real `ws` client. With the token it lists projects and
// receives run events; without it (or with a wrong one) the connection is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../test/support/app';
import { corpusFile } from '../../test/helpers/fixtures';
import { startHost, type Host } from './server';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

let app: TestApp;
let host: Host;

beforeAll(async () => {
  app = startTestApp();
  const staticDir = mkdtempSync(join(tmpdir(), 'espalier-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Espalier</title>');
  host = await startHost({ staticDir, dispatcher: app.dispatcher, port: 0 });
  app.events.on((c, p) => host.broadcast(c, p));
});
afterAll(async () => {
  await host.close();
  await app.dispose();
});

function connect(token: string | null): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${token === null ? '' : `?token=${token}`}`);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('browser-mode host over the app', () => {
  it('lists projects for a client with the token and pushes run events to it', async () => {
    await app.call('projects.create', { name: 'over the wire' });
    const ws = await connect(host.token);
    const messages: { type: string; id?: number; channel?: string; value?: unknown; payload?: unknown }[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    const reply = (id: number) =>
      new Promise<(typeof messages)[number]>((resolve) => {
        const check = () => {
          const m = messages.find((x) => x.type === 'result' && x.id === id);
          if (m) resolve(m);
          else setTimeout(check, 20);
        };
        check();
      });
    ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'projects.list', payload: {} }));
    const list = await reply(1);
    expect(list).toMatchObject({ ok: true });
    const project = (list.value as { id: string; name: string }[]).find((p) => p.name === 'over the wire')!;
    expect(project).toBeDefined();

    ws.send(
      JSON.stringify({
        type: 'invoke',
        id: 2,
        channel: 'datasets.import',
        payload: { projectId: project.id, path: corpusFile('zh-lines.txt') },
      }),
    );
    expect(await reply(2)).toMatchObject({ ok: true, value: { runId: expect.any(String) } });
    await app.supervisor.whenIdle();
    await new Promise((r) => setTimeout(r, 100));
    const updates = messages
      .filter((m) => m.type === 'event' && m.channel === 'run.updated')
      .map((m) => (m.payload as { status: string }).status);
    expect(updates).toContain('running');
    expect(updates[updates.length - 1]).toBe('done');
    expect(messages.some((m) => m.type === 'event' && m.channel === 'datasets.changed')).toBe(true);
    ws.close();
  });

  it('refuses a connection without the token or with a wrong one', async () => {
    await expect(connect(null)).rejects.toThrow(/401/);
    await expect(connect('wrong-token')).rejects.toThrow(/401/);
  });
});
