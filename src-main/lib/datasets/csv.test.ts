// RFC 4180 CSV: quoted delimiters, doubled quotes, newlines in fields, CRLF; errors name the line.
import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvOptions } from './csv';

function parse(text: string, opts: CsvOptions = {}, chunk = text.length || 1): { values: string[]; parser: CsvParser } {
  const values: string[] = [];
  const parser = new CsvParser('data.csv', opts, (v) => values.push(v));
  for (let i = 0; i < text.length; i += chunk) parser.write(text.slice(i, i + chunk));
  parser.end();
  return { values, parser };
}

const SAMPLE = 'id,text,lang\r\n1,"Hello, world",en\r\n2,"She said ""hi""\r\nand left",en\r\n3,Привет,ru\r\n4,,zh\r\n';

describe('CsvParser', () => {
  it('handles quoted commas, doubled quotes, quoted CRLF newlines and empty fields, for any chunking', () => {
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const { values, parser } = parse(SAMPLE, { column: 'text' }, chunk);
      expect(values).toEqual(['Hello, world', 'She said "hi"\r\nand left', 'Привет', '']);
      expect(parser.columns).toEqual(['id', 'text', 'lang']);
      expect(parser.records).toBe(4);
      expect(parser.lines).toBe(7);
    }
  });

  it('chooses the column by name (case-insensitive fallback), by index, or "text" by default', () => {
    expect(parse(SAMPLE, { column: 'LANG' }).values).toEqual(['en', 'en', 'ru', 'zh']);
    expect(parse(SAMPLE, { column: 0 }).values).toEqual(['1', '2', '3', '4']);
    expect(parse(SAMPLE, { column: '2' }).values).toEqual(['en', 'en', 'ru', 'zh']);
    expect(parse(SAMPLE).values[0]).toBe('Hello, world');
    expect(parse('body\nonly column\n').values).toEqual(['only column']);
    expect(parse('a;b\n1;2', { delimiter: ';', column: 'b' }).values).toEqual(['2']);
    expect(parse('x\ty\n1\t2\n', { delimiter: '\t', header: false, column: 1 }).values).toEqual(['y', '2']);
  });

  it('accepts LF, a missing final newline and blank lines between records', () => {
    expect(parse('text\nA\n\nB', { column: 'text' }).values).toEqual(['A', 'B']);
  });

  it('reports a field-count mismatch at the line where the record starts', () => {
    const text = 'id,text\n1,"two\nlines"\n2,ok,extra\n';
    expect(() => parse(text)).toThrow('data.csv:4: record has 3 field(s), but the header has 2');
  });

  it('keeps a quote inside an unquoted field literally (as Python csv and pandas read it), and reports junk after a closing quote', () => {
    expect(parse('id,text\n1,ok\n2,bad "quote"\n').values).toEqual(['ok', 'bad "quote"']);
    expect(() => parse('id,text\n1,"closed"junk\n')).toThrow(
      /data\.csv:2: field 2: unexpected "j" after its closing quote/,
    );
  });

  it('reports an unterminated quote at the line where it opened', () => {
    expect(() => parse('id,text\n1,fine\n2,"never\nclosed\n')).toThrow(
      'data.csv:3: field 2: a quoted field opened here is never closed',
    );
  });

  it('names the columns when the chosen one is missing or out of range', () => {
    expect(() => parse(SAMPLE, { column: 'body' })).toThrow(
      'data.csv: no column "body"; the header has: "id", "text", "lang"',
    );
    expect(() => parse(SAMPLE, { column: 9 })).toThrow(
      /column index 9 is out of range: records have 3 column\(s\), numbered from 0/,
    );
    expect(() => parse('a,b\n', { header: false, column: 'a' })).toThrow(
      /without a header row, choose the column by its 0-based index/,
    );
  });
});
