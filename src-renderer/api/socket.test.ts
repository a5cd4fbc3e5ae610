// The browser-mode transport against a real `ws` WebSocketServer on 127.0.0.1: invoke frames out, results
// and events in, the token in the URL, and reconnection with backoff after the server drops us.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './client';
import { ApiError } from './errors';
import { SocketTransport, type SocketLike } from './socket';
import type { ConnectionState } from './transport';

const TOKEN = 'secret-token';
const factory = (url: string) => new WebSocket(url) as unknown as SocketLike;

interface Server {
  wss: WebSocketServer;
  url: string;
  received: unknown[];
}

function startServer(): Promise<Server> {
  const received: unknown[] = [];
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/ws',
    // Like the real host: refuse an upgrade that lacks the token.
    verifyClient: (info: { req: IncomingMessage }) =>
      new URL(info.req.url ?? '', 'http://x').searchParams.get('token') === TOKEN,
  });
  wss.on('connection', (sock) => {
    sock.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id: number; channel: string; payload: unknown };
      received.push(msg);
      if (msg.channel === 'projects.list') {
        sock.send(
          JSON.stringify({
            type: 'result',
            id: msg.id,
            ok: true,
            value: [
              { id: 'p1', name: 'Demo', description: '', tokenizerId: null, substrateId: null, createdAt: 'now' },
            ],
          }),
        );
        sock.send(JSON.stringify({ type: 'event', channel: 'run.log', payload: { runId: 'r1', line: 'hello' } }));
      } else if (msg.channel === 'projects.delete') {
        sock.send(
          JSON.stringify({
            type: 'result',
            id: msg.id,
            ok: false,
            error: { code: 'not-found', message: 'no project p9', field: 'id' },
          }),
        );
      }
      // anything else is left unanswered on purpose
    });
  });
  return new Promise((resolve) =>
    wss.on('listening', () =>
      resolve({ wss, received, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws` }),
    ),
  );
}

function waitFor(t: SocketTransport, pred: (s: ConnectionState) => boolean, ms = 5000): Promise<ConnectionState> {
  if (pred(t.state())) return Promise.resolve(t.state());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state never matched; last ${JSON.stringify(t.state())}`)), ms);
    const off = t.onState((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

async function setup(token = TOKEN) {
  const server = await startServer();
  const transport = new SocketTransport(`${server.url}?token=${token}`, {
    factory,
    initialBackoffMs: 50,
    maxBackoffMs: 200,
    queueTimeoutMs: 3000,
  });
  cleanup.push(
    () => transport.close(),
    () => server.wss.close(),
  );
  return { server, transport, api: new ApiClient(transport) };
}

describe('SocketTransport with a real WebSocket server', () => {
  it('sends invoke frames, resolves results and delivers pushed events', async () => {
    const { server, transport, api } = await setup();
    const lines: string[] = [];
    api.on('run.log', (e) => lines.push(e.line));
    // Made before the socket opened: queued, then flushed on open.
    const projects = await api.invoke('projects.list', {});
    expect(projects.map((p) => p.name)).toEqual(['Demo']);
    expect(server.received[0]).toMatchObject({ type: 'invoke', channel: 'projects.list', payload: {} });
    expect(typeof (server.received[0] as { id: unknown }).id).toBe('number');
    await new Promise((r) => setTimeout(r, 50));
    expect(lines).toEqual(['hello']);
    expect(transport.state().status).toBe('open');
  });

  it('turns an error result into an ApiError with the field', async () => {
    const { api } = await setup();
    const err = (await api.invoke('projects.delete', { id: 'p9' }).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'not-found', field: 'id', message: 'no project p9' });
  });

  it('shows disconnected, fails requests in flight, reconnects with backoff and works again', async () => {
    const { server, transport, api } = await setup();
    await api.invoke('projects.list', {});
    const hanging = api.invoke('runs.get', { id: 'r1' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    for (const c of server.wss.clients) c.terminate();
    const err = (await hanging) as ApiError;
    expect(err.code).toBe('disconnected');
    const closed = await waitFor(transport, (s) => s.status === 'closed');
    expect(closed.retryAt).not.toBeNull();
    expect(closed.detail).toMatch(/connection lost/);
    const reopened = await waitFor(transport, (s) => s.status === 'open');
    expect(reopened.opens).toBe(2);
    expect((await api.invoke('projects.list', {})).length).toBe(1);
  });

  it('is refused without the token and keeps retrying with growing delays', async () => {
    const { transport } = await setup('wrong');
    const first = await waitFor(transport, (s) => s.status === 'closed' && s.attempt >= 1);
    const later = await waitFor(transport, (s) => s.status === 'closed' && s.attempt >= 3);
    expect(later.opens).toBe(0);
    expect(first.attempt).toBeLessThan(later.attempt);
  });
});
