// Workspace storage through the real services and worker: trained models reference the one substrate file,
// the Catalog's disk figures, deletion that frees only what nothing references, substrate names and labels,
// and substrate builds that never silently change a dataset's token count.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubstrate, saveSubstrate } from '../engine/substrate';
import { loadTokenizer } from '../engine/tokenizer';
import { newId } from '../store/index';
import { writeFileAtomic } from '../engine/io';
import { sha256Hex } from '../engine/util/hash';
import { seedProject, startTestApp, tinyTrain, waitForRun, type Seeded, type TestApp } from '../../test/support/app';
import { storageCensus } from '../../test/support/storage';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app);
});
afterAll(() => app.dispose());

/** A second substrate for the seeded tokenizer, registered the way a Hugging Face import does (no build run). */
function registerSecondSubstrate(): { id: string; file: string } {
  const ws = app.workspace;
  const tok = loadTokenizer(ws.paths.fromStored(ws.tokenizers.require(s.tokenizerId).file));
  const sub = buildSubstrate(tok, { kind: 'random', dim: 16, seed: 2 });
  const file = ws.paths.substrateFile(sub.id);
  saveSubstrate(file, sub);
  ws.substrates.register({
    id: sub.id,
    tokenizerId: tok.id,
    name: 'random 16d',
    kind: 'random',
    dim: 16,
    file: ws.paths.toStored(file),
    metadata: { vocabSize: sub.vocabSize },
  });
  return { id: sub.id, file };
}

async function train(substrateId: string, name: string, seed: number): Promise<string> {
  const { runId } = await app.call('runs.startTrain', { ...tinyTrain(s, 3, name), substrateId, seed });
  const run = await waitForRun(app, runId, undefined, 120_000);
  expect(run.error).toBeNull();
  return (await app.call('models.list', { projectId: s.projectId })).find((m) => m.name === name)!.id;
}

describe('workspace storage', () => {
  it('stores a substrate once, shows disk use, and frees it only with its last user', async () => {
    const s2 = registerSecondSubstrate();
    const a = await train(s2.id, 'on s2 · a', 1);
    const b = await train(s2.id, 'on s2 · b', 2);
    const own = await train(s.substrateId, 'on the project substrate', 3);

    const census = storageCensus(app.workspace.root);
    expect(new Map([...census.substrates].map(([id, files]) => [id, files.length]))).toEqual(
      new Map([
        [s.substrateId, 1],
        [s2.id, 1],
      ]),
    );
    expect(census.duplicateFiles).toEqual([]);
    expect(census.duplicateWeights).toEqual([]);
    expect(existsSync(join(app.workspace.paths.modelDir(a), 'substrate.safetensors'))).toBe(false);

    const disk = await app.call('models.disk', { projectId: s.projectId });
    for (const id of [a, b, own]) expect(disk.models[id]).toBeGreaterThan(0);
    const sub2 = disk.substrates.find((x) => x.id === s2.id)!;
    expect(sub2).toMatchObject({ models: 2, projects: 0, builds: 0 });
    expect(sub2.bytes).toBeGreaterThan(0);
    expect(disk.projectBytes).toBe(
      Object.values(disk.models).reduce((x, y) => x + y, 0) + disk.substrates.reduce((x, y) => x + y.bytes, 0),
    );
    expect(disk.workspaceBytes).toBeGreaterThan(disk.projectBytes);

    // Another model still uses the substrate: only the model's own folder goes.
    const first = await app.call('models.delete', { id: a });
    expect(first).toEqual({ ok: true, freedBytes: disk.models[a], substrateFreed: false });
    expect(existsSync(s2.file)).toBe(true);
    // The last user: the substrate's file and row go too.
    const last = await app.call('models.delete', { id: b });
    expect(last.substrateFreed).toBe(true);
    expect(last.freedBytes).toBe(disk.models[b]! + sub2.bytes);
    expect(existsSync(s2.file)).toBe(false);
    expect(app.workspace.substrates.get(s2.id)).toBeUndefined();
    // The project's own substrate stays with its last model gone, and cannot be deleted while chosen.
    await app.call('models.delete', { id: own });
    expect(existsSync(app.workspace.paths.substrateFile(s.substrateId))).toBe(true);
    await expect(app.call('substrates.delete', { id: s.substrateId })).rejects.toThrow(/project\(s\) "seeded" use it/);
  });

  it('names substrates distinctly, with the user label first', async () => {
    const list = await app.call('substrates.list', { projectId: s.projectId });
    const names = list.map((x) => x.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toMatch(/^random · 16-d · [\d,]+ tokens · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    // Two tables alike in kind, dim, vocabulary and minute: told apart by their ids.
    const twin = registerSecondSubstrate();
    app.workspace.models.create({
      projectId: s.projectId,
      kind: 'trained',
      name: 'on the twin',
      depth: 1,
      tokenizerId: s.tokenizerId,
      substrateId: twin.id,
    });
    const both = (await app.call('substrates.list', { projectId: s.projectId })).map((x) => x.name);
    expect(both).toHaveLength(2);
    expect(new Set(both).size).toBe(2);
    for (const n of both)
      expect(n).toMatch(/^random · 16-d · [\d,]+ tokens · \d{4}-\d\d-\d\d \d\d:\d\d UTC( · [0-9a-f]{8})?$/);
    const labelled = await app.call('substrates.setLabel', {
      projectId: s.projectId,
      id: s.substrateId,
      label: 'faq baseline',
    });
    expect(labelled.name).toMatch(/^faq baseline \(random · 16-d · /);
    expect(
      (await app.call('substrates.list', { projectId: s.projectId })).find((x) => x.id === s.substrateId)!.label,
    ).toBe('faq baseline');
  });

  it('keeps datasets’ token counts when a later build makes a new tokenizer, and says why it did', async () => {
    const build = async (ngrams: number) => {
      const { runId } = await app.call('substrates.build', {
        projectId: s.projectId,
        kind: 'random',
        dim: 16,
        grid: 16,
        ngrams,
        seed: 3,
      });
      const run = await waitForRun(app, runId, undefined, 120_000);
      expect(run.error).toBeNull();
      return run;
    };
    await build(30);
    const counted = (await app.call('datasets.list', { projectId: s.projectId })).find((d) => d.id === s.datasetId)!;
    expect(counted.tokens).toBeGreaterThan(0);

    // A new training dataset: the next build makes a new tokenizer (the training data changed).
    const ws = app.workspace;
    const id = newId('ds');
    const body = 'Новый текст о пакетах Debian. '.repeat(200);
    writeFileAtomic(ws.paths.datasetText(id), body);
    const sha = sha256Hex(body);
    ws.datasets.create({
      id,
      projectId: s.projectId,
      name: 'ru notes',
      sourcePath: ws.paths.toStored(ws.paths.datasetText(id)),
      textPath: ws.paths.toStored(ws.paths.datasetText(id)),
      format: 'txt',
      split: 'train',
      sha256: sha,
      textSha256: sha,
      bytes: Buffer.byteLength(body),
      characters: body.length,
      records: 1,
    });
    const second = await build(30);
    expect(second.progress.message).toMatch(
      /built a new tokenizer: the training data changed since the last one \(\+ ru notes\)/,
    );
    expect(second.progress.message).toMatch(/1 dataset\(s\) keep their token counts/);

    const after = (await app.call('datasets.list', { projectId: s.projectId })).find((d) => d.id === s.datasetId)!;
    expect(after.tokens).toBe(counted.tokens);
    expect(after.tokenCounts).toHaveLength(2);
    expect(after.tokenCounts![0]!.tokens).toBe(counted.tokens);
    expect(after.tokenCounts![1]!.tokens).not.toBe(counted.tokens);
    const fresh = (await app.call('datasets.list', { projectId: s.projectId })).find((d) => d.id === id)!;
    expect(fresh.tokens).toBeGreaterThan(0);
  });
});
