// The import form's field guess: a .tsv header is split on tabs (a comma split offered "A<TAB>B" as one column).
import { describe, expect, it } from 'vitest';
import { csvHeader, sniffFields } from './sniff';

describe('sniffFields', () => {
  it('splits a TSV header on tabs and a CSV header on commas, honouring quotes', () => {
    expect(sniffFields('csv', 'id\ttext\n1\tDebian is free.\n', '\t')).toEqual(['id', 'text']);
    expect(sniffFields('csv', 'id,"text, body"\n1,x\n')).toEqual(['id', 'text, body']);
    expect(csvHeader('a\tb,c', '\t')).toEqual(['a', 'b,c']);
  });
});
