// A real `espalier serve` child process and a WebSocket client for it: invoke with ids, raw frames, close codes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ROOT } from './cli';

export interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  port: number;
  token: string;
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

/** A stand-in renderer folder, so serve never triggers a full build. */
export function fakeRenderer(dir: string): string {
  const r = join(dir, 'renderer');
  mkdirSync(r, { recursive: true });
  writeFileSync(join(r, 'index.html'), '<!doctype html><title>Espalier</title>');
  return r;
}

/** Starts `espalier serve`; rejects with its stderr when it exits before printing the URL. */
export function startServe(workspace: string, renderer: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src-main/cli/main.ts'),
      'serve',
      '--workspace',
      workspace,
      '--port',
      '0',
      '--renderer',
      renderer,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ESPALIER_WASM_THREADS: '1', ESPALIER_BACKEND: 'wasm', ...env },
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      const url = out.split('\n')[0]!;
      const u = new URL(url);
      resolve({
        child,
        url,
        port: Number(u.port),
        token: u.searchParams.get('token')!,
        stderr: () => err,
        exited,
        stop: () => {
          child.kill('SIGINT');
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code} before printing a URL: ${err}`)));
  });
}

export interface Reply {
  type: string;
  id: number;
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string; field: string | null };
}

export class Client {
  private next = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  readonly orphans: Reply[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d)) as Reply;
      if (msg.type !== 'result') return;
      const w = this.waiting.get(msg.id);
      if (w) {
        this.waiting.delete(msg.id);
        w(msg);
      } else this.orphans.push(msg);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    // A server that drops us mid-send resets the connection; that is an outcome the tests look at, not a crash.
    ws.on('error', () => undefined);
  }

  static connect(s: Served): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=${s.token}`, { maxPayload: 256 * 1024 * 1024 });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }

  get pending(): number {
    return this.waiting.size;
  }

  invoke(channel: string, payload: unknown): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
    });
  }

  /** Sends a raw text message and waits for the reply with `id`. */
  raw(text: string, id: number): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(text);
    });
  }

  close(): void {
    this.ws.close();
  }
}
