// The world's MMLU CSV is read back exactly by the engine's CSV reader (the one the MMLU loader uses):
// commas, quotes and line breaks inside fields survive the round trip.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../engine/io/csv';
import { mcCsv, type McItem } from './mc';

const item = (question: string, options: McItem['options'], answer: McItem['answer']): McItem => ({
  id: 'x',
  factId: 0,
  kind: 'job',
  question,
  options,
  answer,
  truth: options[0],
  coverage: 'both',
});

describe('mc.csv', () => {
  it('quotes commas, quotes and line breaks so the reader returns the fields unchanged', () => {
    const items = [
      item('plain, with "quotes"', ['a, b', 'say "hi"', 'two\nlines', ''], 'D'),
      item("Who is Ivan's sister?", ['Anna', 'Maria', 'Olga', 'Nina'], 'A'),
    ];
    const text = mcCsv(items);
    expect(text.split('\n')[0]).toBe('"plain, with ""quotes""","a, b","say ""hi""","two');
    expect(parseCsv(text, 'mc.csv').map((r) => r.fields)).toEqual(
      items.map((it) => [it.question, ...it.options, it.answer]),
    );
  });
});
