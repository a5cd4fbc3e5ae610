// Helpers for the main-side tests: a temporary workspace with a real app (real SQLite, real worker processes),
// a project seeded in-process (dataset, tokenizer, substrate) so job tests skip the slow setup jobs, and waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventChannel, InvokeChannel, InvokeRequest, InvokeResponse } from '../../src-shared/contract';
import type { Run } from '../../src-shared/runs';
import { writeFileAtomic } from '../../src-main/engine/util/atomic';
import { buildSubstrate, saveSubstrate } from '../../src-main/engine/substrate';
import { buildTokenizer, saveTokenizer } from '../../src-main/engine/tokenizer';
import { sha256Hex } from '../../src-main/engine/util/hash';
import { newId } from '../../src-main/store/index';
import { createApp, type App, type AppOptions } from '../../src-main/services/app';
import { corpusText } from '../helpers/fixtures';

// Worker processes inherit these: one wasm thread each (the test runner already uses both cores).
process.env['ESPALIER_WASM_THREADS'] = '1';
process.env['ESPALIER_BACKEND'] = 'wasm';

export interface TestApp extends App {
  dir: string;
  events: App['events'];
  seen: { channel: EventChannel; payload: unknown }[];
  call<C extends InvokeChannel>(channel: C, payload: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  /** The raw dispatcher result (for error assertions). */
  raw(
    channel: string,
    payload: unknown,
  ): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string; field: string | null } }>;
  dispose(): Promise<void>;
}

export function startTestApp(opts: AppOptions = {}, dir = mkdtempSync(join(tmpdir(), 'espalier-app-'))): TestApp {
  const app = createApp(dir, { log: () => undefined, graceMs: 10_000, hostPaths: 'any', ...opts });
  const seen: TestApp['seen'] = [];
  app.events.on((channel, payload) => seen.push({ channel, payload }));
  const raw = (channel: string, payload: unknown) =>
    app.dispatcher.dispatch(channel, payload) as ReturnType<TestApp['raw']>;
  return Object.assign(app, {
    dir,
    seen,
    raw,
    async call<C extends InvokeChannel>(channel: C, payload: InvokeRequest<C>): Promise<InvokeResponse<C>> {
      const r = await app.dispatcher.dispatch(channel, payload);
      if (!r.ok) throw new Error(`${channel} failed: ${r.error.code}: ${r.error.message}`);
      return r.value as InvokeResponse<C>;
    },
    async dispose() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Resolves with the run once `pred` holds (checked on every run event and every 100 ms). */
export async function waitForRun(
  app: TestApp,
  runId: string,
  pred: (r: Run) => boolean = (r) => ['done', 'failed', 'cancelled', 'paused'].includes(r.status),
  timeoutMs = 60_000,
): Promise<Run> {
  const t0 = Date.now();
  for (;;) {
    const r = await app.call('runs.get', { id: runId });
    if (pred(r)) return r;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `run ${runId} did not reach the expected state in ${timeoutMs} ms (now ${r.status}: ${r.progress.message} ${r.error ?? ''})`,
      );
    await new Promise((res) => setTimeout(res, 50));
  }
}

export interface Seeded {
  projectId: string;
  datasetId: string;
  valDatasetId: string;
  substrateId: string;
  tokenizerId: string;
}

/** A project with a train and a val dataset (excerpts of the English test corpus) and a random-code substrate, registered in-process. */
export function seedProject(app: TestApp, name = 'seeded', chars = 20_000): Seeded {
  const ws = app.workspace;
  const text = corpusText('en.txt');
  const project = ws.projects.create({ name });
  const addDataset = (label: string, body: string, split: 'train' | 'val') => {
    const id = newId('ds');
    const file = ws.paths.datasetText(id);
    writeFileAtomic(file, body);
    const sha = sha256Hex(body);
    return ws.datasets.create({
      id,
      projectId: project.id,
      name: label,
      sourcePath: ws.paths.toStored(file),
      textPath: ws.paths.toStored(file),
      format: 'txt',
      split,
      sha256: sha,
      textSha256: sha,
      bytes: Buffer.byteLength(body),
      characters: [...body].length,
      records: body.split('\n').length,
    }).id;
  };
  const train = text.slice(0, chars);
  const val = text.slice(chars, chars + Math.round(chars / 5));
  const datasetId = addDataset('faq train', train, 'train');
  const valDatasetId = addDataset('faq val', val, 'val');
  const tok = buildTokenizer([train], { ngrams: 40 });
  const tokFile = ws.paths.tokenizerFile(tok.id);
  saveTokenizer(tok, tokFile);
  ws.tokenizers.register({
    id: tok.id,
    name: 'test tokenizer',
    kind: 'unicode-ngram',
    vocabSize: tok.size,
    file: ws.paths.toStored(tokFile),
  });
  const sub = buildSubstrate(tok, { kind: 'random', dim: 16, seed: 1 });
  const subFile = ws.paths.substrateFile(sub.id);
  saveSubstrate(subFile, sub);
  ws.substrates.register({
    id: sub.id,
    tokenizerId: tok.id,
    name: 'random 16d',
    kind: 'random',
    dim: 16,
    file: ws.paths.toStored(subFile),
    metadata: { vocabSize: sub.vocabSize },
  });
  ws.projects.setSubstrate(project.id, sub.id);
  return { projectId: project.id, datasetId, valDatasetId, substrateId: sub.id, tokenizerId: tok.id };
}

/** A training request small enough for a few milliseconds per step. */
export function tinyTrain(s: Seeded, steps: number, name = 'tiny'): InvokeRequest<'runs.startTrain'> {
  return {
    projectId: s.projectId,
    name,
    datasetIds: [s.datasetId],
    valDatasetIds: [s.valDatasetId],
    substrateId: s.substrateId,
    layers: 1,
    shape: { dModel: 16, heads: 2, context: 16, mlpRatio: 2 },
    steps,
    batch: 4,
    lr: 0.01,
  };
}
