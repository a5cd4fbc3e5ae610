// Projects and datasets through the dispatcher: CRUD, real corpora imported by the 'import' job in a worker,
// uploads, previews, and files the importer refuses (binary, malformed CSV) with the main side's message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';
import { corpusFile, corpusText, type CorpusName } from '../../test/helpers/fixtures';

let app: TestApp;
beforeAll(() => {
  app = startTestApp();
});
afterAll(() => app.dispose());

describe('projects', () => {
  it('creates, lists, renames and deletes projects; names are unique; bad requests name the field', async () => {
    const p = await app.call('projects.create', { name: 'Alpha' });
    expect(p).toMatchObject({ name: 'Alpha', description: '', substrateId: null, tokenizerId: null });
    expect((await app.call('projects.list', {})).map((x) => x.name)).toContain('Alpha');
    expect((await app.raw('projects.create', { name: 'Alpha' })).error).toMatchObject({
      code: 'user-error',
      message: expect.stringMatching(/already exists/),
    });
    expect((await app.raw('projects.create', { name: '' })).error).toMatchObject({
      code: 'invalid-request',
      field: 'name',
    });
    expect((await app.raw('projects.rename', { id: 'prj_nope', name: 'x' })).error?.code).toBe('not-found');
    expect(await app.call('projects.rename', { id: p.id, name: 'Beta' })).toMatchObject({ id: p.id, name: 'Beta' });
    expect((await app.raw('projects.setSubstrate', { id: p.id, substrateId: 'nope' })).error?.code).toBe('not-found');
    expect(await app.call('projects.delete', { id: p.id })).toEqual({ ok: true });
    expect((await app.call('projects.list', {})).find((x) => x.id === p.id)).toBeUndefined();
  });
});

describe('datasets', () => {
  let projectId: string;
  beforeAll(async () => {
    projectId = (await app.call('projects.create', { name: 'Corpora' })).id;
  });

  it('imports the real EN/RU/ZH corpora through the import job, with statistics and datasets.changed events', async () => {
    const files = ['en.txt', 'ru.txt', 'zh.txt'];
    const runIds = [];
    for (const f of files)
      runIds.push((await app.call('datasets.import', { projectId, path: corpusFile(f as CorpusName) })).runId);
    for (const id of runIds) {
      const r = await waitForRun(app, id);
      expect(r.status, r.error ?? '').toBe('done');
      expect(r.progress.fraction).toBe(1);
    }
    const list = await app.call('datasets.list', { projectId });
    expect(list.map((d) => d.name)).toEqual(['en', 'ru', 'zh']);
    // The Russian and Chinese texts carry English passages: they show as mixes.
    expect(list.map((d) => d.language)).toEqual(['en', 'ru + en', 'zh + en']);
    expect(list[1]!.scripts['Cyrillic']).toBeGreaterThan(1000);
    expect(list[2]!.scripts['Han']).toBeGreaterThan(1000);
    for (const d of list)
      expect(d).toMatchObject({
        split: 'train',
        format: 'txt',
        bytes: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    expect(app.seen.filter((e) => e.channel === 'datasets.changed').length).toBeGreaterThanOrEqual(3);

    const preview = await app.call('datasets.preview', { id: list[0]!.id, lines: 3 });
    expect(preview.lines).toHaveLength(3);
    expect(preview.lines).toEqual(corpusText('en.txt').split('\n').slice(0, 3));
    expect(await app.call('datasets.setSplit', { id: list[0]!.id, split: 'val' })).toMatchObject({ split: 'val' });
    expect(await app.call('datasets.delete', { id: list[2]!.id })).toEqual({ ok: true });
    expect((await app.call('datasets.list', { projectId })).map((d) => d.id)).not.toContain(list[2]!.id);
  });

  it('imports an uploaded JSONL file (browser mode) with a chosen field', async () => {
    const body = ['{"text": "first record", "n": 1}', '{"text": "second record", "n": 2}'].join('\n');
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: { fileName: 'notes.jsonl', base64: Buffer.from(body).toString('base64') },
      field: 'text',
      split: 'test',
    });
    const r = await waitForRun(app, runId);
    expect(r.status, r.error ?? '').toBe('done');
    const d = (await app.call('datasets.list', { projectId })).find((x) => x.name === 'notes')!;
    expect(d).toMatchObject({
      format: 'jsonl',
      field: 'text',
      split: 'test',
      characters: 'first record\n\nsecond record'.length,
    });
    expect((await app.call('datasets.preview', { id: d.id, lines: 5 })).lines).toEqual([
      'first record',
      '',
      'second record',
    ]);
  });

  it('refuses a binary file and a malformed CSV with the importer message, and nothing is recorded', async () => {
    const bin = join(app.dir, 'image.txt');
    writeFileSync(
      bin,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]),
    );
    const csv = join(app.dir, 'table.csv');
    writeFileSync(csv, 'text,label\n"hello",1\n"broken, 2\nok,3\n');
    const before = (await app.call('datasets.list', { projectId })).length;
    const a = await waitForRun(app, (await app.call('datasets.import', { projectId, path: bin })).runId);
    expect(a.status).toBe('failed');
    expect(a.error).toMatch(/image\.txt.*binary/i);
    const b = await waitForRun(app, (await app.call('datasets.import', { projectId, path: csv })).runId);
    expect(b.status).toBe('failed');
    expect(b.error).toMatch(/table\.csv/);
    expect((await app.call('datasets.list', { projectId })).length).toBe(before);
  });

  it('refuses at once what main can check: a missing file, an unknown extension, both path and upload', async () => {
    expect((await app.raw('datasets.import', { projectId, path: join(app.dir, 'nope.txt') })).error?.message).toMatch(
      /no such file/,
    );
    const odd = join(app.dir, 'data.xyz');
    writeFileSync(odd, 'text');
    expect((await app.raw('datasets.import', { projectId, path: odd })).error?.message).toMatch(
      /cannot tell the format/,
    );
    const both = await app.raw('datasets.import', { projectId, path: odd, upload: { fileName: 'a.txt', base64: '' } });
    expect(both.error).toMatchObject({ code: 'invalid-request' });
  });
});
