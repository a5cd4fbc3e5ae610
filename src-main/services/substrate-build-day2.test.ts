// Issue 28 item 9: in browser mode a font (or matrix) is uploaded with the build request and kept in the workspace
// (typed host paths stay refused there), and the vocabulary is built from the training texts the user ticked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
let projectId: string;
const ids: Record<string, string> = {};
beforeAll(async () => {
  app = startTestApp({ hostPaths: 'refuse' });
  projectId = (await app.call('projects.create', { name: 'Vokabular' })).id;
  for (const [name, text] of [
    ['deutsch', 'Der Zug fährt um acht Uhr ab.\n'.repeat(40)],
    ['english', 'The train leaves at eight.\n'.repeat(40)],
  ] as const) {
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: { fileName: `${name}.txt`, base64: Buffer.from(text).toString('base64') },
    });
    expect((await waitForRun(app, runId)).status).toBe('done');
  }
  for (const d of await app.call('datasets.list', { projectId })) ids[d.name] = d.id;
});
afterAll(() => app.dispose());

describe('substrate build from the browser', () => {
  it('builds the vocabulary from the chosen training texts only', async () => {
    const { runId } = await app.call('substrates.build', {
      projectId,
      kind: 'random',
      dim: 16,
      ngrams: 20,
      vocabularyDatasetIds: [ids['deutsch']!],
    });
    const run = await waitForRun(app, runId, undefined, 120_000);
    expect(run.status, run.error ?? '').toBe('done');
    expect(app.workspace.runs.get(runId)!.params['datasetIds']).toEqual([ids['deutsch']]);
    const tok = app.workspace.tokenizers.list().at(-1)!;
    expect(tok.metadata['datasetIds']).toEqual([ids['deutsch']]);
    // Only the German text was counted: its dataset got the token count, the English one none.
    const list = await app.call('datasets.list', { projectId });
    expect(list.find((d) => d.name === 'deutsch')!.tokens).toBeGreaterThan(0);
    expect(list.find((d) => d.name === 'english')!.tokens).toBeNull();
  }, 180_000);

  it('refuses a dataset that is not a training text of the project', async () => {
    const r = await app.raw('substrates.build', {
      projectId,
      kind: 'random',
      dim: 16,
      ngrams: 20,
      vocabularyDatasetIds: ['ds_nonexistent1'],
    });
    expect(r.error?.message).toMatch(/vocabularyDatasetIds: .* is not a training text of this project/);
  });

  it('takes an uploaded font where a host path is refused, and keeps it in the workspace', async () => {
    const hex = '0041:0000000018242442427E424242420000\n0061:0000000000003C42023E4242463A0000\n';
    expect(
      (
        await app.raw('substrates.build', {
          projectId,
          kind: 'glyph',
          dim: 16,
          grid: 16,
          ngrams: 0,
          fontPath: '/usr/share/fonts/x.hex',
        })
      ).error?.message,
    ).toMatch(/host file paths are not accepted from the browser/);
    const { runId } = await app.call('substrates.build', {
      projectId,
      kind: 'glyph',
      dim: 16,
      grid: 16,
      ngrams: 0,
      fontUpload: { fileName: 'mini font.hex', base64: Buffer.from(hex).toString('base64') },
    });
    const fontPath = String(app.workspace.runs.get(runId)!.params['fontPath']);
    expect(fontPath.startsWith(app.workspace.paths.substratesDir)).toBe(true);
    expect(fontPath.endsWith('mini_font.hex')).toBe(true);
    expect(existsSync(fontPath) && readFileSync(fontPath, 'utf8')).toBe(hex);
    expect(app.workspace.runs.get(runId)!.params['fontUpload']).toBeUndefined();
    await waitForRun(app, runId, undefined, 120_000);
  }, 180_000);
});
