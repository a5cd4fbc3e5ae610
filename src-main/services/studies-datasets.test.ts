// A study on the project's own datasets (issue 28 item 1), through the real worker: datasets named by id (as a
// browser client sends them, after uploading the files), bad ids refused naming their field, one corpus held out
// by its own dataset and the other by the fixed hold-out; its models stay out of the pickers until promoted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudySpecInput } from '../../src-shared/study';
import { isStudyModel, type StudyDetail } from '../../src-shared/study-records';
import { corpusText } from '../../test/helpers/fixtures';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
let projectId: string;
beforeAll(async () => {
  app = startTestApp();
  projectId = (await app.call('projects.create', { name: 'study on datasets' })).id;
});
afterAll(async () => {
  await app.dispose();
});

async function upload(fileName: string, text: string): Promise<string> {
  const { runId } = await app.call('datasets.import', {
    projectId,
    upload: { fileName, base64: Buffer.from(text).toString('base64') },
  });
  const run = await waitForRun(app, runId);
  expect(run.status, run.error ?? '').toBe('done');
  return (await app.call('datasets.list', { projectId })).find(
    (d) => d.name === fileName.replace(/\.txt$/, '') || d.name === fileName,
  )!.id;
}

function spec(datasets: { train: string; heldOut?: string }[], name = 'own data'): StudySpecInput {
  return {
    name,
    seeds: [1],
    data: { kind: 'datasets', datasets },
    model: {
      dim: 16,
      heads: 2,
      contextLength: 16,
      depth: 1,
      stepsPerStage: 4,
      batchSize: 2,
      lr: 0.01,
      evalWindows: 2,
      evalTokens: 64,
      ngrams: 0,
    },
    arms: [
      { name: 'single', substrate: 'random', embedding: 'frozen', schedule: 'monolithic' },
      { name: 'merge', substrate: 'random', embedding: 'frozen', schedule: 'monolithic', merge: 'logits' },
    ],
    control: 'single',
  };
}

async function waitForStudy(id: string, pred: (s: StudyDetail) => boolean, timeoutMs = 300_000): Promise<StudyDetail> {
  const t0 = Date.now();
  for (;;) {
    const s = await app.call('studies.get', { id });
    if (pred(s)) return s;
    if (s.status === 'failed') throw new Error(`study failed: ${s.error}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`study ${id} did not finish in ${timeoutMs} ms (${s.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a study on the project datasets', () => {
  it('runs on two uploaded corpora (one with its held-out dataset, one by the fixed hold-out); models kept out of the pickers until promoted', async () => {
    const ru = corpusText('debian-faq.ru.txt').slice(0, 12_000);
    const zh = corpusText('fortunes-zh.song100.txt');
    const ruId = await upload('ru-faq.txt', ru);
    const zhId = await upload('zh-song.txt', zh.slice(0, 6_000));
    const zhVal = await upload('zh-song-val.txt', zh.slice(6_000, 9_000));

    const missing = await app.raw('studies.create', { projectId, spec: spec([{ train: ruId }, { train: 'ds_nope' }]) });
    expect(missing.ok).toBe(false);
    expect(missing.error!.message).toMatch(/spec\.data\.datasets\[1\]\.train: no dataset with id "ds_nope"/);
    const self = await app.raw('studies.create', {
      projectId,
      spec: spec([{ train: ruId, heldOut: ruId }, { train: zhId }]),
    });
    expect(self.error!.message).toMatch(/spec\.data\.datasets\[0\]\.heldOut: is the training dataset itself/);
    const one = await app.raw('studies.create', { projectId, spec: spec([{ train: ruId }]) });
    expect(one.error!.message).toMatch(/a merge arm needs exactly two corpora/);

    const created = await app.call('studies.create', {
      projectId,
      spec: spec([{ train: ruId }, { train: zhId, heldOut: zhVal }]),
    });
    expect(created.spec.data).toEqual({
      kind: 'datasets',
      datasets: [{ train: ruId }, { train: zhId, heldOut: zhVal }],
    });
    await app.call('studies.start', { id: created.id });
    const done = await waitForStudy(created.id, (s) => s.status === 'done');
    expect(done.arms.map((a) => a.run)).toEqual(['single · seed 1', 'merge · seed 1']);
    // Each corpus is scored by its dataset's name; the merge reads its experts on their own corpus.
    const merge = done.arms.find((a) => a.arm === 'merge')!;
    expect(Object.keys(merge.metrics)).toEqual(
      expect.arrayContaining(['expert A own nll', 'expert B own nll', 'normalised merge gain', 'merge nll probs']),
    );
    const single = done.arms.find((a) => a.arm === 'single')!;
    expect(Object.keys(single.metrics)).toEqual(expect.arrayContaining(['heldout nll ru-faq', 'heldout nll zh-song']));

    const models = (await app.call('models.list', { projectId })).filter((m) => m.provenance['studyId'] === created.id);
    expect(models.length).toBeGreaterThanOrEqual(3);
    expect(models.every(isStudyModel)).toBe(true);
    await app.call('studies.promote', { modelId: models[0]!.id, promoted: true });
    const after = (await app.call('models.list', { projectId })).filter((m) => m.provenance['studyId'] === created.id);
    expect(after.filter((m) => !isStudyModel(m)).map((m) => m.id)).toEqual([models[0]!.id]);
    const other = (await app.call('models.list', { projectId })).find((m) => m.provenance['kind'] !== 'study');
    expect(other).toBeUndefined();
    expect((await app.raw('studies.promote', { modelId: 'mdl_nope', promoted: true })).ok).toBe(false);
  }, 600_000);
});
