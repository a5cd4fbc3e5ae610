// Issue 28 item 14: a text dataset imported after the project's tokenizer was built is counted with it during
// the import, so the Datasets view shows its tokens rather than "—"; a benchmark is never counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, waitForRun, type Seeded, type TestApp } from '../../test/support/app';
import { loadTokenizer } from '../engine/tokenizer';
import { tokenizerFile } from './catalog';

let app: TestApp;
let s: Seeded;
beforeAll(() => {
  app = startTestApp();
  s = seedProject(app, 'tokens later');
});
afterAll(() => app.dispose());

const GERMAN = 'Der Fluss fließt ruhig durch das Tal.\nAm Abend singen die Vögel im Wald.\n'.repeat(30);

describe('tokens of a dataset imported after the tokenizer', () => {
  it('are counted with the project’s tokenizer as part of the import', async () => {
    const { runId } = await app.call('datasets.import', {
      projectId: s.projectId,
      upload: { fileName: 'fluss.txt', base64: Buffer.from(GERMAN).toString('base64') },
    });
    const run = await waitForRun(app, runId);
    expect(run.status, run.error ?? '').toBe('done');
    const d = (await app.call('datasets.list', { projectId: s.projectId })).find((x) => x.name === 'fluss')!;
    const expected = loadTokenizer(tokenizerFile(app.workspace, s.tokenizerId)).encode(GERMAN).length;
    expect(d.tokens).toBe(expected);
    expect(d.tokenCounts?.map((c) => [c.tokenizerId, c.tokens])).toEqual([[s.tokenizerId, expected]]);
  });
});
