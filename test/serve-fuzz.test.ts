// Fuzzing a real `espalier serve` over its WebSocket: every contract channel gets a valid base request with one
// field broken at a time (wrong type, missing, unknown extra field, huge and NUL-laden strings, negative and huge
// numbers) plus non-object payloads. Every reply must come, be an error that names the field (never echoing a
// megabyte back), and carry no host path; the server must still answer afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '../src-shared/contract';
import { ROOT } from './helpers/cli';
import { Client, fakeRenderer, startServe, type Reply, type Served } from './helpers/serve';
import { fieldsOf, kindOf, sample } from './support/zod-sample';

let tmp: string;
let served: Served;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'espalier-fuzz-'));
  served = await startServe(join(tmp, 'ws'), fakeRenderer(tmp), { ESPALIER_DATA_DIR: join(tmp, 'data') });
}, 60_000);
afterAll(async () => {
  if (served.child.exitCode === null) await served.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const HUGE = 'A'.repeat(1_000_000);
/** Channels whose valid requests start real work (a demo world, an install, a worker probe): only requests that can never be valid go there. */
const STARTS_WORK = new Set(['projects.createDemo', 'system.install', 'system.setBackend']);
/** Bases the sampler cannot make (a refinement across fields). */
const BASES: Record<string, unknown> = { 'datasets.import': { projectId: 'x', path: '/nowhere.txt' } };

interface Case {
  channel: string;
  payload: unknown;
  /** The field the reply must name (null: a non-object payload, which names none). */
  field: string | null;
  /** Whether the request can never be valid (then the reply must be 'invalid-request'). */
  invalid: boolean;
  what: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [channel, { req }] of Object.entries(invokeChannels)) {
    const schema = req as unknown as z.ZodType;
    const base = (BASES[channel] ?? sample(schema)) as Record<string, unknown>;
    // A payload that is not an object at all.
    for (const p of [42, 'text', [1, 2], true])
      out.push({ channel, payload: p, field: null, invalid: true, what: `payload ${JSON.stringify(p)}` });
    out.push({
      channel,
      payload: { ...base, zzExtra: 1 },
      field: 'zzExtra',
      invalid: true,
      what: 'an unknown extra field',
    });
    out.push({
      channel,
      payload: { ...base, ['bad\u0000key']: 1 },
      field: null,
      invalid: true,
      what: 'a NUL in a field name',
    });
    for (const f of fieldsOf(schema) ?? []) {
      const kind = kindOf(f.schema);
      const put = (v: unknown, what: string, invalid: boolean) =>
        out.push({ channel, payload: { ...base, [f.name]: v }, field: f.name, invalid, what: `${f.name}: ${what}` });
      if (f.required) {
        const { [f.name]: _gone, ...rest } = base;
        out.push({ channel, payload: rest, field: f.name, invalid: true, what: `${f.name} missing` });
      }
      put(
        kind === 'string'
          ? 12345
          : kind === 'number'
            ? 'twelve'
            : kind === 'boolean'
              ? 'yes'
              : kind === 'array'
                ? 'not-a-list'
                : 7,
        'wrong type',
        true,
      );
      put({ nested: { deeper: [null] } }, 'an object', kind !== 'object');
      if (kind === 'string') {
        put(HUGE, 'a 1 MB string', true);
        put('name\u0000with NUL', 'NUL inside', true);
        put('\u0000', 'just NUL', true);
      }
      if (kind === 'number' && !STARTS_WORK.has(channel)) {
        for (const n of [-1, -1e308, 1e308, 0.5]) put(n, `number ${n}`, false);
      }
      if (kind === 'array') put([HUGE], 'an array holding a 1 MB string', true);
    }
  }
  return out;
}

/** Host paths a reply must never contain: the test folder (workspace and all), the app's folder, the home folder. */
function hostPaths(text: string): string[] {
  return [tmp, ROOT.replace(/\/$/, ''), homedir()].filter((p) => p.length > 1 && text.includes(p));
}

describe('every channel, malformed', () => {
  it('replies to each broken request with an error naming the field, no echo, no host path; the server survives', async () => {
    const all = cases();
    const c = await Client.connect(served);
    const problems: string[] = [];
    let invalid = 0;
    // Sequential batches: the server answers each; a crash would show as a closed socket and missing replies.
    for (let i = 0; i < all.length; i += 25) {
      const batch = all.slice(i, i + 25);
      const replies: Reply[] = await Promise.all(batch.map((k) => c.invoke(k.channel, k.payload)));
      batch.forEach((k, j) => {
        const r = replies[j]!;
        const text = JSON.stringify(r);
        const where = `${k.channel} (${k.what})`;
        if (hostPaths(text).length > 0) problems.push(`${where}: host path in ${text.slice(0, 300)}`);
        if (text.length > 20_000) problems.push(`${where}: a ${text.length}-character reply (echoed input?)`);
        if (k.invalid) {
          invalid++;
          if (r.ok || r.error?.code !== 'invalid-request')
            problems.push(`${where}: expected invalid-request, got ${text.slice(0, 300)}`);
          else if (k.field !== null && !(r.error.field === k.field || r.error.field?.startsWith(`${k.field}.`)))
            problems.push(
              `${where}: field ${String(r.error.field)}, expected ${k.field} (${r.error.message.slice(0, 200)})`,
            );
        } else if (
          !r.ok &&
          r.error?.code === 'invalid-request' &&
          !(r.error.field === k.field || r.error.field?.startsWith(`${k.field}.`))
        ) {
          problems.push(`${where}: field ${String(r.error.field)}, expected ${k.field}`);
        }
        if (!r.ok && r.error?.code === 'internal')
          problems.push(`${where}: internal error ${r.error.message.slice(0, 200)}`);
      });
    }
    expect(problems).toEqual([]);
    expect(invalid).toBeGreaterThan(Object.keys(invokeChannels).length * 5);
    // Still serving, and no stack traces were logged for any of it.
    expect(await c.invoke('projects.list', {})).toMatchObject({ ok: true });
    expect(served.child.exitCode).toBeNull();
    expect(served.stderr()).not.toMatch(/\n\s+at /);
    c.close();
  }, 120_000);
});
