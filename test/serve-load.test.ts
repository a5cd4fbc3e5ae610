// Load on a real `espalier serve`: 20 clients issue list/preview/run requests for 30 s while a training job
// runs and a 21st client sends malformed frames. Afterwards the server answers, the job finished, the database
// passes PRAGMA integrity_check, and every request got its reply. Prints requests served and latency percentiles.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, fakeRenderer, startServe, type Reply, type Served } from './helpers/serve';

const CLIENTS = 20;
const LOAD_MS = 30_000;
const REPLY_TIMEOUT_MS = 30_000;

let tmp: string;
let served: Served;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'espalier-load-'));
  served = await startServe(join(tmp, 'ws'), fakeRenderer(tmp));
}, 60_000);
afterAll(async () => {
  if (served.child.exitCode === null) await served.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function text(lines: number): string {
  const words = ['wire', 'frame', 'tier', 'branch', 'apple', 'grows', 'along', 'the', 'a', 'light', 'spring', 'garden'];
  let x = 7;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const line: string[] = [];
    for (let j = 0; j < 10; j++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      line.push(words[x % words.length]!);
    }
    out.push(line.join(' '));
  }
  return `${out.join('\n')}\n`;
}

async function ok<T>(c: Client, channel: string, payload: unknown): Promise<T> {
  const r = await c.invoke(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error?.message}`);
  return r.value as T;
}

async function waitRun(c: Client, id: string, timeoutMs: number): Promise<{ status: string; error: string | null }> {
  const t0 = Date.now();
  for (;;) {
    const r = await ok<{ status: string; error: string | null }>(c, 'runs.get', { id });
    if (['done', 'failed', 'cancelled', 'paused'].includes(r.status)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${id} still ${r.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** Resolves with the reply, or with null when none came within the timeout (an unanswered request). */
function timed(c: Client, channel: string, payload: unknown): Promise<{ reply: Reply | null; ms: number }> {
  const t0 = performance.now();
  return Promise.race([
    c.invoke(channel, payload).then((reply) => ({ reply, ms: performance.now() - t0 })),
    new Promise<{ reply: null; ms: number }>((res) =>
      setTimeout(() => res({ reply: null, ms: REPLY_TIMEOUT_MS }), REPLY_TIMEOUT_MS).unref(),
    ),
  ]);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('serve under load', () => {
  it('answers every request of 20 clients for 30 s with a job running and a hostile 21st client', async () => {
    const admin = await Client.connect(served);
    const project = await ok<{ id: string }>(admin, 'projects.create', { name: 'load' });
    const upload = { fileName: 'load.txt', base64: Buffer.from(text(3000)).toString('base64') };
    const imp = await ok<{ runId: string }>(admin, 'datasets.import', { projectId: project.id, upload });
    expect((await waitRun(admin, imp.runId, 120_000)).status).toBe('done');
    const [dataset] = await ok<{ id: string }[]>(admin, 'datasets.list', { projectId: project.id });
    const build = await ok<{ runId: string }>(admin, 'substrates.build', {
      projectId: project.id,
      kind: 'random',
      dim: 16,
      ngrams: 30,
    });
    expect((await waitRun(admin, build.runId, 120_000)).status).toBe('done');
    const [substrate] = await ok<{ id: string }[]>(admin, 'substrates.list', { projectId: project.id });
    const train = (steps: number, name: string) =>
      ok<{ runId: string }>(admin, 'runs.startTrain', {
        projectId: project.id,
        name,
        datasetIds: [dataset!.id],
        substrateId: substrate!.id,
        layers: 1,
        shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
        steps,
        batch: 4,
        lr: 0.01,
      });
    // Calibrate, so the job under load runs about as long as the load (and then finishes).
    const t0 = Date.now();
    const calib = await train(100, 'calibration');
    expect((await waitRun(admin, calib.runId, 180_000)).status).toBe('done');
    const stepsPerSec = 100 / Math.max(1, (Date.now() - t0) / 1000);
    const job = await train(Math.max(200, Math.round(stepsPerSec * 30)), 'under load');

    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => Client.connect(served)));
    const latencies: number[] = [];
    let unanswered = 0;
    let errors = 0;
    const deadline = Date.now() + LOAD_MS;
    const requests: [string, unknown][] = [
      ['projects.list', {}],
      ['datasets.list', { projectId: project.id }],
      ['datasets.preview', { id: dataset!.id, lines: 20 }],
      ['runs.list', { projectId: project.id }],
      ['runs.get', { id: job.runId }],
      ['runs.metrics', { runId: job.runId, sinceStep: 0 }],
      ['models.list', { projectId: project.id }],
      ['substrates.list', { projectId: project.id }],
    ];
    const work = clients.map(async (c, i) => {
      for (let n = i; Date.now() < deadline; n++) {
        const [channel, payload] = requests[n % requests.length]!;
        const { reply, ms } = await timed(c, channel, payload);
        if (!reply) unanswered++;
        else {
          latencies.push(ms);
          if (!reply.ok) errors++;
        }
      }
    });
    let hostileFrames = 0;
    const hostile = (async () => {
      const kinds = [
        (c: Client) => c.ws.send(Buffer.from([0x22, 0xc3, 0x28, 0x22]), { binary: false }),
        (c: Client) => c.ws.send('{"type":"invoke","id":1,"channel":'),
        (c: Client) => c.ws.send(JSON.stringify({ type: 'invoke', id: 2, channel: 'runs.get', payload: { id: 12 } })),
        (c: Client) => c.ws.send(Buffer.alloc(97 * 2 ** 20, 0x20), { binary: false }),
      ];
      for (let n = 0; Date.now() < deadline; n++) {
        const c = await Client.connect(served);
        // The 97 MiB message once; the cheap ones repeatedly.
        const kind = n === 3 ? kinds[3]! : kinds[n % 3]!;
        kind(c);
        hostileFrames++;
        await Promise.race([c.closed, new Promise((r) => setTimeout(r, 300))]);
        c.ws.terminate();
      }
    })();
    await Promise.all([...work, hostile]);
    const pending = clients.reduce((s, c) => s + c.pending, 0);
    for (const c of clients) c.close();

    latencies.sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    process.stdout.write(
      `serve load: ${latencies.length} requests served in ${LOAD_MS / 1000} s by ${CLIENTS} clients (${(latencies.length / (LOAD_MS / 1000)).toFixed(0)}/s), ` +
        `${errors} error replies, ${unanswered} unanswered, ${hostileFrames} hostile connections; latency p50 ${fmt(percentile(latencies, 50))}, ` +
        `p90 ${fmt(percentile(latencies, 90))}, p99 ${fmt(percentile(latencies, 99))}, max ${fmt(latencies.at(-1) ?? 0)}\n`,
    );
    expect(unanswered).toBe(0);
    expect(pending).toBe(0);
    expect(errors).toBe(0);
    expect(latencies.length).toBeGreaterThan(CLIENTS);
    expect(hostileFrames).toBeGreaterThan(3);

    const end = await waitRun(admin, job.runId, 300_000);
    expect(end.status, end.error ?? '').toBe('done');
    expect(await ok(admin, 'projects.list', {})).toHaveLength(1);
    admin.close();
    expect(await served.stop()).toBe(0);
    const db = new Database(join(tmp, 'ws', 'espalier.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  }, 600_000);
});
