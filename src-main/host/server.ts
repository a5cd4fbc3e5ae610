// Browser-mode host: serves the built renderer and the IPC contract over a WebSocket on 127.0.0.1, behind a token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_PATH, type ServerMessage } from '../../src-shared/wire';
import type { Dispatcher } from '../services/dispatch';
import { closeReason, parseClientMessage } from './messages';
import { resolveStatic, sendFile } from './static';

export interface HostOptions {
  /** Folder of the built renderer (index.html + assets). */
  staticDir: string;
  dispatcher: Dispatcher;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); a random 192-bit token otherwise. */
  token?: string;
  /** Largest accepted WebSocket message (uploads travel as base64); a bigger one closes that socket with 1009. */
  maxMessageBytes?: number;
  /** Where socket-level errors (bad frames, resets) are reported; they never reach the process. */
  log?: (line: string) => void;
}

export interface Host {
  url: string;
  port: number;
  token: string;
  /** Pushes an event to every connected client. */
  broadcast(channel: string, payload: unknown): void;
  close(): Promise<void>;
}

const COOKIE = 'espalier_token';
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

/** Only our own origin may talk to us: blocks DNS-rebinding and cross-site pages. */
function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** What every step of the host reads: its options, token, port (known once listening) and connected clients. */
interface HostState {
  opts: HostOptions;
  token: string;
  port: number;
  clients: Set<WebSocket>;
  maxPayload: number;
  log: (line: string) => void;
}

/** The HTTP side: the token-guarded static renderer (GET and HEAD only). */
function serveStatic(st: HostState): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const baseHeaders = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (!hostAllowed(req, st.port)) {
      res.writeHead(403, baseHeaders).end('forbidden host');
      return;
    }
    const queryToken = url.searchParams.get('token');
    if (!sameToken(queryToken, st.token) && !sameToken(cookieToken(req), st.token)) {
      res
        .writeHead(401, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Espalier: open the URL printed by `espalier serve`, including its ?token=…\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, baseHeaders).end();
      return;
    }
    const file = resolveStatic(st.opts.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, baseHeaders).end('not found');
      return;
    }
    const headers: Record<string, string> = { ...baseHeaders, 'Content-Security-Policy': PAGE_CSP };
    // The page's own asset requests carry the token as a strict same-site cookie.
    if (sameToken(queryToken, st.token))
      headers['Set-Cookie'] = `${COOKIE}=${st.token}; HttpOnly; SameSite=Strict; Path=/`;
    sendFile(res, file, headers);
  };
}

/** Whether a WebSocket upgrade may proceed: our path, our host and origin, the token. */
function upgradeAllowed(st: HostState, req: IncomingMessage): boolean {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const origin = req.headers.origin;
  const originOk =
    origin === undefined || origin === `http://127.0.0.1:${st.port}` || origin === `http://localhost:${st.port}`;
  return (
    url.pathname === WS_PATH &&
    hostAllowed(req, st.port) &&
    originOk &&
    sameToken(url.searchParams.get('token'), st.token)
  );
}

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

/** One client message: parsed, dispatched to the services, answered with its result or error. */
async function answer(st: HostState, ws: WebSocket, text: string | null): Promise<void> {
  if (text === null) {
    send(ws, {
      type: 'result',
      id: -1,
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'malformed message: binary frames are not accepted; send JSON text',
        field: null,
      },
    });
    return;
  }
  const parsed = parseClientMessage(text);
  if (!parsed.ok) {
    send(ws, { type: 'result', id: parsed.id, ok: false, error: parsed.error });
    return;
  }
  const { msg } = parsed;
  const result = await st.opts.dispatcher.dispatch(msg.channel, msg.payload);
  send(
    ws,
    result.ok
      ? { type: 'result', id: msg.id, ok: true, value: result.value }
      : { type: 'result', id: msg.id, ok: false, error: result.error },
  );
}

/** A new client: tracked for broadcasts, its errors logged (never thrown), its messages answered. */
function attachClient(st: HostState, ws: WebSocket): void {
  st.clients.add(ws);
  // The ws library closes a socket that sent a bad frame with a bare code; say why in the close frame.
  const close = ws.close.bind(ws);
  ws.close = (code?: number, reason?: string | Buffer) => close(code, reason ?? closeReason(code, st.maxPayload));
  ws.on('error', (err: Error & { code?: string }) =>
    st.log(`client socket error (${err.code ?? 'no code'}): ${err.message}; that connection is closed`),
  );
  ws.on('close', () => st.clients.delete(ws));
  ws.on('message', (data, isBinary) => {
    answer(st, ws, isBinary ? null : data.toString()).catch((err: unknown) =>
      st.log(`could not answer a client: ${String(err)}`),
    );
  });
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const st: HostState = {
    opts,
    token: opts.token ?? randomBytes(24).toString('base64url'),
    port: opts.port ?? 0,
    clients: new Set<WebSocket>(),
    maxPayload: opts.maxMessageBytes ?? 96 * 1024 * 1024,
    log: opts.log ?? ((line: string) => process.stderr.write(`espalier: ${line}\n`)),
  };
  const { token, clients, log } = st;
  const server: Server = createServer(serveStatic(st));
  const wss = new WebSocketServer({ noServer: true, maxPayload: st.maxPayload });
  // Without listeners, an 'error' on any of these would be thrown and end the process (and its running job).
  server.on('clientError', (err, socket) => {
    log(`HTTP client error: ${err.message}`);
    socket.destroy();
  });
  wss.on('error', (err) => log(`WebSocket server error: ${err.message}`));

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (err) => log(`upgrade socket error: ${err.message}`));
    if (!upgradeAllowed(st, req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(st, ws));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(st.port, '127.0.0.1', () => resolveListen());
  });
  st.port = (server.address() as AddressInfo).port;
  const port = st.port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    broadcast(channel, payload) {
      const text = JSON.stringify({ type: 'event', channel, payload } satisfies ServerMessage);
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
