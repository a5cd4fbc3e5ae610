// Benchmark files through the dispatcher and the import job: recognised and counted as benchmarks (never extracted as
// text), refused with the file/line/field at fault, kept out of training, vocabularies and the wrong tasks; and
// a dataset's languages set by hand, validated, persisted and reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
let projectId: string;
beforeAll(async () => {
  app = startTestApp();
  projectId = (await app.call('projects.create', { name: 'Benchmarks' })).id;
});
afterAll(() => app.dispose());

const PAIRS =
  'Debian is a free operating system.\tDebian — свободная операционная система.\nThe package is installed.\tПакет установлен.\n';
const MMLU =
  '"Which command lists files, in order?",ls,cd,rm,mv,A\nWhat does dpkg manage?,files,packages,users,networks,B\n';
const ARC = [
  '{"id": "q1", "question": {"stem": "Which is a planet?", "choices": [{"label": "A", "text": "Mars"}, {"label": "B", "text": "the Moon"}]}, "answerKey": "A"}',
  '{"id": "q2", "question": {"stem": "Which is a gas?", "choices": [{"label": "A", "text": "iron"}, {"label": "B", "text": "oxygen"}]}, "answerKey": "B"}',
  '{"id": "q3", "question": {"stem": "Which is liquid at room temperature?", "choices": [{"label": "A", "text": "water"}, {"label": "B", "text": "salt"}]}, "answerKey": "A"}',
].join('\n');
const SQUAD = JSON.stringify({
  version: 'v2.0',
  data: [
    {
      title: 'Debian',
      paragraphs: [
        {
          context: 'Debian was announced in 1993 by Ian Murdock.',
          qas: [
            {
              id: 'a',
              question: 'Who announced Debian?',
              answers: [{ text: 'Ian Murdock', answer_start: 32 }],
              is_impossible: false,
            },
            { id: 'b', question: 'Who wrote Linux?', answers: [], is_impossible: true },
          ],
        },
      ],
    },
  ],
});

async function upload(fileName: string, body: string, extra: Record<string, unknown> = {}) {
  const { runId } = await app.call('datasets.import', {
    projectId,
    upload: { fileName, base64: Buffer.from(body).toString('base64') },
    ...extra,
  });
  return waitForRun(app, runId);
}
const byName = async (name: string) => (await app.call('datasets.list', { projectId })).find((d) => d.name === name)!;

describe('benchmark datasets', () => {
  it('recognises a headless TSV of pairs, an MMLU CSV, an ARC JSONL and a SQuAD v2 JSON', async () => {
    for (const [file, body] of [
      ['en-ru.tsv', PAIRS],
      ['physics_test.csv', MMLU],
      ['arc.jsonl', ARC],
      ['dev-v2.0.json', SQUAD],
    ] as const) {
      const r = await upload(file, body);
      expect(r.status, r.error ?? '').toBe('done');
    }
    expect(await byName('en-ru')).toMatchObject({
      kind: 'benchmark',
      split: 'test',
      format: 'tsv',
      benchmark: { task: 'bleu', format: 'pairs-tsv', items: 2, pair: 'en-ru' },
    });
    expect((await byName('en-ru')).languages.slice().sort()).toEqual(['en', 'ru']);
    expect(await byName('physics_test')).toMatchObject({
      kind: 'benchmark',
      format: 'csv',
      benchmark: { task: 'mc', format: 'mmlu-csv', items: 2, pair: null },
    });
    expect(await byName('arc')).toMatchObject({ benchmark: { task: 'mc', format: 'mc-jsonl', items: 3 }, field: null });
    expect(await byName('dev-v2.0')).toMatchObject({
      format: 'json',
      benchmark: { task: 'qa', format: 'squad-json', items: 2 },
    });
    // The preview shows the benchmark's items as parsed: the first MMLU question, not a "header".
    expect((await app.call('datasets.preview', { id: (await byName('physics_test')).id, lines: 1 })).lines).toEqual([
      '1. Which command lists files, in order?',
      '   A) ls   B) cd   C) rm   D) mv',
      '   answer: A',
    ]);
  });

  it('refuses a broken benchmark naming the file as uploaded, the line and the field; nothing is recorded', async () => {
    const before = (await app.call('datasets.list', { projectId })).length;
    const r = await upload('bad_test.csv', `${MMLU}Which is odd?,1,2,3,4,E\n`);
    expect(r.status).toBe('failed');
    expect(r.error).toContain('bad_test.csv:3: field "answer" (column 6) must be one of A, B, C, D, got "E"');
    expect(r.error).not.toMatch(/uploads/);
    const forced = await upload('story.txt', 'Once upon a time.\n', { kind: 'benchmark' });
    expect(forced.status).toBe('failed');
    expect(forced.error).toMatch(/story\.txt is not a benchmark file Espalier recognises/);
    expect((await app.call('datasets.list', { projectId })).length).toBe(before);
  });

  it('imports a pairs file as text when asked to', async () => {
    const r = await upload('pairs-as-text.tsv', 'text\nDebian is free.\n', { kind: 'text', field: 'text' });
    expect(r.status, r.error ?? '').toBe('done');
    expect(await byName('pairs-as-text')).toMatchObject({ kind: 'text', benchmark: null, format: 'csv' });
  });

  it('keeps benchmarks out of training, vocabularies, training splits and other tasks', async () => {
    const bench = await byName('en-ru');
    const train = await app.raw('runs.startTrain', {
      projectId,
      name: 'x',
      datasetIds: [bench.id],
      substrateId: 'sub_nope',
    });
    expect(train.error?.message).toMatch(/"en-ru" is a benchmark \(bleu\).*never training text/);
    expect((await app.raw('datasets.setSplit', { id: bench.id, split: 'train' })).error?.message).toMatch(
      /is a benchmark/,
    );
    // Only the text dataset is training text here; with it on the test split, there is nothing to build from.
    await app.call('datasets.setSplit', { id: (await byName('pairs-as-text')).id, split: 'test' });
    expect((await app.raw('substrates.build', { projectId, kind: 'random', dim: 8 })).error?.message).toMatch(
      /no training dataset/,
    );
    const wrongTask = await app.raw('evals.start', {
      projectId,
      modelIds: ['mdl_any'],
      datasetId: bench.id,
      task: 'mc',
      protocol: 'loglik',
    });
    expect(wrongTask.error?.message).toBe(
      '"en-ru" is a benchmark for task bleu, not mc: evaluate it with task bleu, or choose another dataset',
    );
    const ppl = await app.raw('evals.start', {
      projectId,
      modelIds: ['mdl_any'],
      datasetId: (await byName('dev-v2.0')).id,
      task: 'ppl',
      protocol: 'loglik',
    });
    expect(ppl.error?.message).toMatch(/is a benchmark for task qa, not ppl/);
  });
});

describe('dataset languages', () => {
  it('a person sets the languages (validated), they persist, and reset returns the detected mix', async () => {
    const d = await byName('physics_test');
    expect(d).toMatchObject({ languages: ['en'], languagesSetByUser: false, language: 'en' });
    const set = await app.call('datasets.setLanguages', { id: d.id, languages: ['zh', 'en'] });
    expect(set).toMatchObject({ languages: ['zh', 'en'], language: 'zh + en', languagesSetByUser: true });
    expect(await byName('physics_test')).toMatchObject({ languages: ['zh', 'en'], languagesSetByUser: true });
    expect((await app.raw('datasets.setLanguages', { id: d.id, languages: ['Chinese!'] })).error).toMatchObject({
      code: 'invalid-request',
      field: 'languages.0',
    });
    expect((await app.raw('datasets.setLanguages', { id: d.id, languages: ['en', 'en'] })).error).toMatchObject({
      code: 'invalid-request',
      field: 'languages',
    });
    expect((await app.raw('datasets.setLanguages', { id: d.id, languages: [] })).error).toMatchObject({
      code: 'invalid-request',
    });
    expect((await app.raw('datasets.setLanguages', { id: 'ds_nope', languages: ['en'] })).error?.code).toBe(
      'not-found',
    );
    const reset = await app.call('datasets.setLanguages', { id: d.id, languages: null });
    expect(reset).toMatchObject({ languages: ['en'], languagesSetByUser: false });
  });
});
