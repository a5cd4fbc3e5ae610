// Error messages in the user's terms: workspace paths become the user's file names, record ids become names —
// by the pure rewrite, and through the real app (a refused delete, a failed upload import in a worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, startTestApp, waitForRun, type TestApp } from '../../test/support/app';
import { userMessage, type Names } from './user-names';

const ROOT = '/home/ana/espalier-ws';
const names: Names = {
  root: ROOT,
  nameOf: (id) => ({ mdl_r6rghjswsgd3: 'ru-grown', ds_abcdefghijkm: 'en-ru train', run_pqrstuvwxyz2: 'grow ru' })[id],
  files: new Map([[`${ROOT}/datasets/uploads/ds_zzzzzzzzzzzz/my notes.txt`, 'my notes.txt']]),
};

describe('userMessage', () => {
  it('names uploads by the picked file, keeping the line number', () => {
    expect(userMessage(`${ROOT}/datasets/uploads/ds_abcdefghijkm/table.csv:3: unclosed quote`, names)).toBe(
      'table.csv:3: unclosed quote',
    );
    expect(userMessage(`${ROOT}/datasets/uploads/ds_zzzzzzzzzzzz/my notes.txt looks like a binary file`, names)).toBe(
      'my notes.txt looks like a binary file',
    );
  });

  it('names model and dataset folders by their records, and other workspace files relative to it', () => {
    expect(userMessage(`${ROOT}/models/mdl_r6rghjswsgd3/config.json: missing "dModel"`, names)).toBe(
      'config.json of model “ru-grown”: missing "dModel"',
    );
    expect(userMessage(`cannot read ${ROOT}/datasets/ds_abcdefghijkm.txt`, names)).toBe(
      'cannot read dataset “en-ru train”',
    );
    expect(userMessage(`no space left writing ${ROOT}/substrates/ab12.safetensors`, names)).toBe(
      'no space left writing substrates/ab12.safetensors in the workspace',
    );
  });

  it('replaces ids by names, with the kind where the message does not say it', () => {
    expect(userMessage('cannot delete model mdl_r6rghjswsgd3: it is an expert of merged model(s) "m"', names)).toBe(
      'cannot delete model “ru-grown”: it is an expert of merged model(s) "m"',
    );
    expect(userMessage('model "mdl_r6rghjswsgd3" does not exist', names)).toBe('model “ru-grown” does not exist');
    expect(userMessage('mdl_r6rghjswsgd3 and ds_abcdefghijkm differ', names)).toBe(
      'model “ru-grown” and dataset “en-ru train” differ',
    );
    expect(userMessage('run run_pqrstuvwxyz2 is done; it cannot become running', names)).toBe(
      'run “grow ru” is done; it cannot become running',
    );
    // An id nothing is called by any more (deleted) stays, so the message still says something.
    expect(userMessage('model "mdl_2222222222aa" does not exist', names)).toBe(
      'model "mdl_2222222222aa" does not exist',
    );
  });
});

describe('errors through the app', () => {
  let app: TestApp;
  beforeAll(() => {
    app = startTestApp();
  });
  afterAll(() => app.dispose());

  it('a refused delete names the model, not its id', async () => {
    const s = seedProject(app, 'names');
    const mk = (name: string) =>
      app.workspace.models.create({
        projectId: s.projectId,
        kind: 'trained',
        name,
        depth: 1,
        tokenizerId: s.tokenizerId,
        substrateId: s.substrateId,
      });
    const a = mk('ru-grown');
    const b = mk('zh-expert');
    app.workspace.models.createMerge({
      projectId: s.projectId,
      name: 'ru+zh',
      experts: [{ modelId: a.id }, { modelId: b.id }],
    });
    const err = (await app.raw('models.delete', { id: a.id })).error!;
    expect(err.message).toBe(
      'cannot delete model “ru-grown”: it is an expert of merged model(s) "ru+zh"; delete those first',
    );
    expect(err.message).not.toContain(a.id);
  });

  it('a failed upload import names the uploaded file, not its place in the workspace', async () => {
    const { id: projectId } = await app.call('projects.create', { name: 'uploads' });
    const bytes = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0,
    ]);
    const { runId } = await app.call('datasets.import', {
      projectId,
      upload: { fileName: 'my scan.txt', base64: bytes.toString('base64') },
    });
    const r = await waitForRun(app, runId);
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^my scan\.txt looks like a binary file/);
    expect(r.error).not.toMatch(/uploads|ds_|espalier-app-/);
  });
});
