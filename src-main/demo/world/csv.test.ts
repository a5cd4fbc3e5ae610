// RFC 4180 quoting round-trips through the parser.
import { describe, expect, it } from 'vitest';
import { csvRow, parseCsv } from './csv';

describe('csv', () => {
  it('quotes commas, quotes and line breaks and parses them back', () => {
    const rows = [
      ['plain', 'a, b', 'say "hi"', 'two\nlines', '', 'D'],
      ['Who is Ivan\'s sister?', 'Anna', 'Maria', 'Olga', 'Nina', 'A'],
    ];
    const text = rows.map(csvRow).join('\n') + '\n';
    expect(text.split('\n')[0]).toBe('plain,"a, b","say ""hi""","two');
    expect(parseCsv(text)).toEqual(rows);
    expect(parseCsv(text.replace(/\n/g, '\r\n').replace('two\r\nlines', 'two\nlines'))).toEqual(rows);
  });
});
