// Browser-mode transport: the contract over one WebSocket (src-shared/wire.ts), reconnecting with capped
// exponential backoff. Requests made while disconnected wait for the next connection (up to a limit).
import { ServerMessage } from '../../src-shared/wire';
import { ApiError } from './errors';
import type { ConnectionState, EventListener, RawResult, Transport } from './transport';

/** The subset of the WebSocket API used here, so tests can pass the `ws` package's client. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface SocketOptions {
  factory?: SocketFactory;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a request waits for a connection before failing as disconnected. */
  queueTimeoutMs?: number;
  /** Set when the page URL carried no token: the host will refuse us, and the user should know why. */
  tokenMissing?: boolean;
}

interface Pending {
  id: number;
  channel: string;
  frame: string;
  resolve: (r: RawResult) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

const OPEN = 1;

export class SocketTransport implements Transport {
  private ws: SocketLike | null = null;
  private nextId = 1;
  private readonly inflight = new Map<number, Pending>();
  private outbox: Pending[] = [];
  private readonly eventListeners = new Set<EventListener>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private st: ConnectionState = {
    status: 'connecting',
    mode: 'browser',
    attempt: 0,
    retryAt: null,
    detail: 'connecting',
    opens: 0,
  };
  private readonly factory: SocketFactory;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly queueTimeoutMs: number;

  constructor(
    private readonly url: string,
    private readonly opts: SocketOptions = {},
  ) {
    this.factory = opts.factory ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.initialBackoffMs = opts.initialBackoffMs ?? 300;
    this.maxBackoffMs = opts.maxBackoffMs ?? 8000;
    this.queueTimeoutMs = opts.queueTimeoutMs ?? 20_000;
    this.connect();
  }

  invoke(channel: string, payload: unknown): Promise<RawResult> {
    return new Promise<RawResult>((resolve, reject) => {
      const id = this.nextId++;
      const frame = JSON.stringify({ type: 'invoke', id, channel, payload });
      const p: Pending = { id, channel, frame, resolve, reject, timer: null };
      if (this.closed) return reject(new ApiError(channel, 'disconnected', 'The connection to Espalier was closed.'));
      if (this.ws && this.ws.readyState === OPEN) return this.send(p);
      p.timer = setTimeout(() => {
        this.outbox = this.outbox.filter((q) => q !== p);
        reject(
          new ApiError(
            channel,
            'disconnected',
            `Not connected to Espalier (${this.st.detail}); the request was not sent.`,
          ),
        );
      }, this.queueTimeoutMs);
      this.outbox.push(p);
    });
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  state(): ConnectionState {
    return this.st;
  }

  retryNow(): void {
    if (this.closed || this.st.status !== 'closed') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'client closed');
    this.ws = null;
    this.failAll('The connection to Espalier was closed.');
    this.setState({ status: 'closed', retryAt: null, detail: 'closed' });
  }

  private send(p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    this.inflight.set(p.id, p);
    try {
      this.ws!.send(p.frame);
    } catch (err) {
      this.inflight.delete(p.id);
      p.reject(new ApiError(p.channel, 'disconnected', `Could not send the request: ${String(err)}`));
    }
  }

  private connect(): void {
    this.setState({ status: 'connecting', retryAt: null, detail: 'connecting' });
    let ws: SocketLike;
    try {
      ws = this.factory(this.url);
    } catch (err) {
      this.scheduleReconnect(`could not open a connection: ${String(err)}`);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.setState({ status: 'open', attempt: 0, retryAt: null, detail: '', opens: this.st.opens + 1 });
      const queued = this.outbox;
      this.outbox = [];
      for (const p of queued) this.send(p);
    };
    ws.onmessage = (ev) => {
      if (this.ws === ws) this.handleFrame(ev.data);
    };
    ws.onerror = () => undefined; // a close event always follows and carries what we need
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      // Sent requests may or may not have run; only the caller can decide whether to retry them.
      for (const p of this.inflight.values())
        p.reject(
          new ApiError(
            p.channel,
            'disconnected',
            'The connection to Espalier dropped before the reply came; check the result and try again.',
          ),
        );
      this.inflight.clear();
      if (this.closed) return;
      const why = this.opts.tokenMissing
        ? 'this page was opened without its access token — open the full URL printed by `espalier serve`'
        : `connection lost${ev?.code ? ` (code ${ev.code})` : ''}`;
      this.scheduleReconnect(why);
    };
  }

  private scheduleReconnect(detail: string): void {
    if (this.closed) return;
    const attempt = this.st.attempt + 1;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempt - 1));
    this.setState({ status: 'closed', attempt, retryAt: Date.now() + delay, detail });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private handleFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === 'event') {
      for (const l of this.eventListeners) l(msg.channel, msg.payload);
      return;
    }
    const p = this.inflight.get(msg.id);
    if (!p) return;
    this.inflight.delete(msg.id);
    p.resolve(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error });
  }

  private failAll(message: string): void {
    for (const p of [...this.inflight.values(), ...this.outbox]) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new ApiError(p.channel, 'disconnected', message));
    }
    this.inflight.clear();
    this.outbox = [];
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.st = { ...this.st, ...patch };
    for (const l of this.stateListeners) l(this.st);
  }
}
