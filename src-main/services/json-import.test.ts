// Issue 28 item 2: a .json upload imports as training text with the format and field the form chose (it was
// refused with "cannot tell the format from the extension .json"); a SQuAD file still imports as a benchmark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
let projectId: string;
beforeAll(async () => {
  app = startTestApp();
  projectId = (await app.call('projects.create', { name: 'JSON' })).id;
});
afterAll(() => app.dispose());

const upload = (fileName: string, body: string) => ({ fileName, base64: Buffer.from(body).toString('base64') });
const POEMS = JSON.stringify({
  data: [
    { title: 'Erlkönig', body: 'Wer reitet so spät durch Nacht und Wind?' },
    { title: 'Heidenröslein', body: 'Sah ein Knab ein Röslein stehn' },
  ],
});

describe('.json as training text', () => {
  it('imports with the chosen JSON format and field', async () => {
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: upload('gedichte.json', POEMS),
      kind: 'auto',
      format: 'json',
      field: 'body',
    });
    const r = await waitForRun(app, runId);
    expect(r.status, r.error ?? '').toBe('done');
    const d = (await app.call('datasets.list', { projectId })).find((x) => x.name === 'gedichte')!;
    expect(d).toMatchObject({ kind: 'text', format: 'json', field: 'body', split: 'train' });
    expect((await app.call('datasets.preview', { id: d.id, lines: 5 })).lines).toEqual([
      'Wer reitet so spät durch Nacht und Wind?',
      '',
      'Sah ein Knab ein Röslein stehn',
    ]);
  });

  it('reads it as plain text when plain text was chosen', async () => {
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: upload('roh.json', POEMS),
      kind: 'text',
      format: 'txt',
      name: 'roh',
    });
    const r = await waitForRun(app, runId);
    expect(r.status, r.error ?? '').toBe('done');
    expect((await app.call('datasets.list', { projectId })).find((x) => x.name === 'roh')).toMatchObject({
      format: 'txt',
    });
  });

  it('says which record lacks the field', async () => {
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: upload('gedichte2.json', POEMS),
      kind: 'text',
      format: 'json',
      field: 'text',
    });
    const r = await waitForRun(app, runId);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(
      /gedichte2\.json(:\d+)?: record 1 \(data\[0\]\): field "text" is missing \(this record has: title, body\)/,
    );
  });
});
