// Issue 28 item 12: a text preview shows a real sample (short lines continue until the characters asked for),
// and a benchmark preview shows its items parsed (question, choices, answer; context; source → reference),
// never the raw JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitForRun, type TestApp } from '../../test/support/app';

let app: TestApp;
let projectId: string;
beforeAll(async () => {
  app = startTestApp();
  projectId = (await app.call('projects.create', { name: 'Vorschau' })).id;
});
afterAll(() => app.dispose());

async function upload(fileName: string, body: string) {
  const { runId } = await app.call('datasets.import', {
    projectId,
    upload: { fileName, base64: Buffer.from(body).toString('base64') },
  });
  const r = await waitForRun(app, runId);
  expect(r.status, r.error ?? '').toBe('done');
  return (await app.call('datasets.list', { projectId })).find((d) => fileName.startsWith(d.name))!;
}

const GEDICHT = Array.from({ length: 80 }, (_, i) => `Zeile ${i + 1}: Der Wind weht über das Feld.`).join('\n');
const SQUAD_JA = JSON.stringify({
  version: 'v2.0',
  data: [
    {
      title: '富士山',
      paragraphs: [
        {
          context: '富士山は日本で最も高い山で、標高は三千七百七十六メートルです。',
          qas: [
            {
              id: 'q1',
              question: '日本で最も高い山は何ですか？',
              answers: [{ text: '富士山', answer_start: 0 }],
              is_impossible: false,
            },
            { id: 'q2', question: '富士山の色は何ですか？', answers: [], is_impossible: true },
          ],
        },
      ],
    },
  ],
});
const ARC_UK = [
  '{"id": "u1", "question": {"stem": "Яка планета найближча до Сонця?", "choices": [{"label": "A", "text": "Меркурій"}, {"label": "B", "text": "Марс"}]}, "answerKey": "A"}',
  '{"id": "u2", "question": {"stem": "Що є газом?", "choices": [{"label": "A", "text": "залізо"}, {"label": "B", "text": "кисень"}]}, "answerKey": "B"}',
].join('\n');

describe('dataset previews', () => {
  it('a text of short lines shows about the characters asked for, not a dozen lines', async () => {
    const d = await upload('gedicht.txt', GEDICHT);
    const twelve = (await app.call('datasets.preview', { id: d.id, lines: 12 })).lines;
    expect(twelve).toHaveLength(12);
    const sample = (await app.call('datasets.preview', { id: d.id, lines: 12, chars: 1500 })).lines;
    expect(sample.join('').length).toBeGreaterThanOrEqual(1500);
    expect(sample.length).toBeLessThan(80);
    expect(sample[0]).toBe('Zeile 1: Der Wind weht über das Feld.');
  });

  it('a SQuAD file and an ARC file show their items parsed', async () => {
    const squad = await upload('fuji-v2.0.json', SQUAD_JA);
    expect((await app.call('datasets.preview', { id: squad.id, lines: 5 })).lines).toEqual([
      '1. 日本で最も高い山は何ですか？',
      '   answer: 富士山',
      '   context: 富士山は日本で最も高い山で、標高は三千七百七十六メートルです。',
      '',
      '2. 富士山の色は何ですか？',
      '   unanswerable',
      '   context: 富士山は日本で最も高い山で、標高は三千七百七十六メートルです。',
    ]);
    const arc = await upload('arc-uk.jsonl', ARC_UK);
    const lines = (await app.call('datasets.preview', { id: arc.id, lines: 1 })).lines;
    expect(lines).toEqual(['1. Яка планета найближча до Сонця?', '   A) Меркурій   B) Марс', '   answer: A']);
    expect(lines.join('\n')).not.toMatch(/[{}"]/);
  });
});
