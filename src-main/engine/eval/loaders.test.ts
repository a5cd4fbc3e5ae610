// Every loader reads its format (quoting, layouts, labels) and rejects malformed input naming file, line and field.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors';
import { parseCsv } from '../io/csv';
import { parseJsonWithLines } from './json-lines';
import { loadMcJsonl } from './load-mc-jsonl';
import { loadMmlu } from './load-mmlu';
import { loadParallel, pairFromFileName, parsePair } from './load-parallel';
import { loadSquad } from './load-squad';
import { loadText } from './load-text';
import { datasetSha256 } from './run';

const dir = mkdtempSync(join(tmpdir(), 'espalier-eval-loaders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** Runs `fn`, expects a UserError, returns its message. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('CSV (RFC 4180)', () => {
  it('handles quoted commas, doubled quotes, embedded line breaks, CRLF and blank lines', () => {
    const recs = parseCsv('a,"b,c","say ""hi"""\r\n\r\n"two\nlines",x,\n"",y,z', 'f.csv');
    expect(recs).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'x', ''] },
      { line: 5, fields: ['', 'y', 'z'] },
    ]);
  });
  it('rejects an unclosed quote at the line where it opens, and text after a closing quote', () => {
    expect(errorOf(() => parseCsv('a,b\nc,"never\nclosed', 'f.csv'))).toBe(
      'f.csv:2: field 2: a quoted field opened here is never closed (missing ")',
    );
    expect(errorOf(() => parseCsv('a,b\n"x"y,z', 'f.csv'))).toMatch(
      /^f\.csv:2: field 1: unexpected "y" after its closing quote/,
    );
  });
});

describe('MMLU CSV', () => {
  const good = '"What is\n2+2?",3,4,"5, or so","say ""six""",B\nCapital of France?,Paris,Rome,Oslo,Bern,A\n';
  it('reads question, four options and the answer letter; the subject comes from the file name', () => {
    const items = loadMmlu(file('arith_test.csv', good));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      question: 'What is\n2+2?',
      choices: ['3', '4', '5, or so', 'say "six"'],
      answer: 1,
      subject: 'arith',
      line: 1,
      template: 'mmlu',
    });
    expect(items[1]).toMatchObject({ line: 3, answer: 0, labels: ['A', 'B', 'C', 'D'] });
  });
  it('reads a folder of subject files in name order', () => {
    const sub = join(dir, 'mmlu');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'b_test.csv'), 'q1,a,b,c,d,D\n');
    writeFileSync(join(sub, 'a_test.csv'), 'q2,a,b,c,d,C\n');
    writeFileSync(join(sub, 'notes.txt'), 'ignored');
    expect(loadMmlu(sub).map((i) => [i.subject, i.answer])).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
  });
  it('names the line of a record with the wrong number of fields (after a multi-line record)', () => {
    const f = file('bad1.csv', `${good}only,five,fields,here,A\n`);
    expect(errorOf(() => loadMmlu(f))).toBe(`${f}:4: expected 6 fields (question,A,B,C,D,answer), found 5`);
  });
  it('names the answer field', () => {
    const f = file('bad2.csv', 'q,a,b,c,d,A\nq,a,b,c,d,E\n');
    expect(errorOf(() => loadMmlu(f))).toBe(`${f}:2: field "answer" (column 6) must be one of A, B, C, D, got "E"`);
  });
  it('names an empty question', () => {
    const f = file('bad3.csv', ' ,a,b,c,d,A\n');
    expect(errorOf(() => loadMmlu(f))).toBe(`${f}:1: field "question" (column 1) is empty`);
  });
  it('rejects an empty folder and a missing path', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(errorOf(() => loadMmlu(empty))).toMatch(/holds no \.csv files/);
    expect(errorOf(() => loadMmlu(join(dir, 'nope')))).toMatch(/no such file or folder/);
  });
});

describe('multiple-choice JSONL', () => {
  it('accepts plain lists, ARC labels, the HF layout, official ARC/CSQA stems, and answers as index, label or text', () => {
    const f = file(
      'mc.jsonl',
      [
        '{"question": "q1", "choices": ["x", "y"], "answer": 1}',
        '',
        '{"question": "q2", "choices": [{"label": "1", "text": "a"}, {"label": "2", "text": "b"}], "answer": "2"}',
        '{"id": "arc-3", "question": "q3", "choices": {"text": ["a", "b", "c"], "label": ["A", "B", "C"]}, "answerKey": "C"}',
        '{"question": {"stem": "q4", "choices": [{"label": "A", "text": "s"}, {"label": "B", "text": "t"}]}, "answerKey": "A"}',
        '{"question": "q5", "choices": ["red", "blue"], "answer": "blue"}',
        '{"question": "q6", "choices": ["red", "blue"], "answer": "B"}',
      ].join('\n'),
    );
    const items = loadMcJsonl(f);
    expect(items.map((i) => [i.question, i.answer, i.line])).toEqual([
      ['q1', 1, 1],
      ['q2', 1, 3],
      ['q3', 2, 4],
      ['q4', 0, 5],
      ['q5', 1, 6],
      ['q6', 1, 7],
    ]);
    expect(items[1]!.labels).toEqual(['1', '2']);
    expect(items[2]!.id).toBe('arc-3');
    expect(items[0]!.template).toBe('lines');
  });
  it('accepts a JSON array of items and reports their lines', () => {
    const f = file(
      'mc-array.json',
      '[\n  {"question": "q", "choices": ["a", "b"], "answer": 0},\n  {"question": "r", "choices": ["a", "b"], "answer": 2}\n]',
    );
    expect(errorOf(() => loadMcJsonl(f))).toBe(
      `${f}:3: field "answer" index 2 is out of range (2 choices, counted from 0)`,
    );
  });
  it.each([
    ['{"question": "q", "choices": ["a", "b"], "answer": 0}\n{"question": "q", "choices": ["a"', 2, 'invalid JSON'],
    ['\n\n{"question": "q", "answer": 0}', 3, 'field "choices" is missing'],
    ['{"question": 5, "choices": ["a", "b"], "answer": 0}', 1, 'field "question" must be a string'],
    ['{"choices": ["a", "b"], "answer": 0}', 1, 'field "question" is missing'],
    ['{"question": "q", "choices": ["a"], "answer": 0}', 1, 'field "choices" needs at least 2 choices, found 1'],
    ['{"question": "q", "choices": ["a", "b"], "answer": 7}', 1, 'field "answer" index 7 is out of range'],
    [
      '{"question": "q", "choices": ["a", "b"], "answer": "Z"}',
      1,
      'field "answer" "Z" is neither a choice label (A, B) nor a choice text',
    ],
    ['{"question": "q", "choices": ["a", "b"]}', 1, 'field "answer" is missing'],
    [
      '{"question": "q", "choices": [{"label": "A", "text": "a"}, {"text": "b"}], "answer": "A"}',
      1,
      'field "choices[1].label" is missing',
    ],
    [
      '{"question": "q", "choices": [{"label": "A", "text": "a"}, {"label": "A", "text": "b"}], "answer": "A"}',
      1,
      'field "choices" labels must be distinct',
    ],
    ['[1, 2]\n', 1, 'expected a JSON object'],
  ])('rejects %j at line %s', (content, line, problem) => {
    const f = file('bad.jsonl', content);
    const msg = errorOf(() => loadMcJsonl(f));
    expect(msg.startsWith(`${f}:${line}: `)).toBe(true);
    expect(msg).toContain(problem);
  });
});

describe('SQuAD v2 JSON', () => {
  const squad = {
    version: 'v2.0',
    data: [
      {
        title: 'T',
        paragraphs: [
          {
            context: 'Denver won in 2016.',
            qas: [
              {
                id: 'q1',
                question: 'Who won?',
                answers: [
                  { text: 'Denver', answer_start: 0 },
                  { text: 'Denver', answer_start: 0 },
                ],
                is_impossible: false,
              },
              {
                id: 'q2',
                question: 'Who lost?',
                answers: [],
                plausible_answers: [{ text: 'Carolina', answer_start: 0 }],
                is_impossible: true,
              },
            ],
          },
        ],
      },
    ],
  };
  /** Pretty-printed like the official files; returns the text and the 1-based line of the n-th occurrence of `needle`. */
  function pretty(obj: unknown): { text: string; lineOf: (needle: string, nth?: number) => number } {
    const text = JSON.stringify(obj, null, 2);
    return {
      text,
      lineOf: (needle, nth = 0) => {
        let at = -1;
        for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
        return text.slice(0, at).split('\n').length;
      },
    };
  }

  it('reads answerable and unanswerable questions', () => {
    const items = loadSquad(file('squad.json', pretty(squad).text));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      id: 'q1',
      question: 'Who won?',
      answers: ['Denver', 'Denver'],
      impossible: false,
      context: 'Denver won in 2016.',
      title: 'T',
    });
    expect(items[1]).toMatchObject({ id: 'q2', answers: [], impossible: true });
  });
  it('names the line and path of a field with the wrong type', () => {
    const bad = structuredClone(squad);
    (bad.data[0]!.paragraphs[0]!.qas[1] as Record<string, unknown>)['question'] = 42;
    const p = pretty(bad);
    const f = file('squad-bad1.json', p.text);
    expect(errorOf(() => loadSquad(f))).toBe(
      `${f}:${p.lineOf('"question"', 1)}: data[0].paragraphs[0].qas[1]: field "question" must be a string`,
    );
  });
  it('names a missing field at its object', () => {
    const bad = structuredClone(squad);
    delete (bad.data[0]!.paragraphs[0] as Record<string, unknown>)['context'];
    const p = pretty(bad);
    const f = file('squad-bad2.json', p.text);
    expect(errorOf(() => loadSquad(f))).toBe(
      `${f}:${p.lineOf('{', 2)}: data[0].paragraphs[0]: field "context" is missing (expected a string)`,
    );
  });
  it('rejects an answerable question without answers and a bad answer_start', () => {
    const bad = structuredClone(squad);
    bad.data[0]!.paragraphs[0]!.qas[0]!.answers = [];
    const p = pretty(bad);
    const f = file('squad-bad3.json', p.text);
    expect(errorOf(() => loadSquad(f))).toBe(
      `${f}:${p.lineOf('"answers"')}: data[0].paragraphs[0].qas[0]: field "answers" is empty but "is_impossible" is false`,
    );
    const bad2 = structuredClone(squad);
    (bad2.data[0]!.paragraphs[0]!.qas[0]!.answers[1] as Record<string, unknown>)['answer_start'] = 'x';
    const p2 = pretty(bad2);
    const f2 = file('squad-bad4.json', p2.text);
    expect(errorOf(() => loadSquad(f2))).toBe(
      `${f2}:${p2.lineOf('"answer_start"', 1)}: data[0].paragraphs[0].qas[0].answers[1]: field "answer_start" must be a character offset (an integer ≥ 0)`,
    );
  });
  it('reports JSON syntax errors with their line', () => {
    const f = file('squad-syntax.json', '{\n  "data": [\n    {"title": "x",, }\n  ]\n}');
    expect(errorOf(() => loadSquad(f))).toMatch(
      new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: invalid JSON: expected a "key"`),
    );
    expect(errorOf(() => loadSquad(file('squad-top.json', '[]')))).toMatch(/:1: top level must be an object/);
  });
  it('json-lines parses what JSON.parse parses', () => {
    const text = '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {"c": {}} , "d": []}';
    expect(parseJsonWithLines(text, 'x').value).toEqual(JSON.parse(text));
  });
});

describe('parallel text', () => {
  it('reads TSV and JSONL (plain and OPUS translation objects)', () => {
    expect(loadParallel(file('p.tsv', 'Hello\tПривет\n\nBye\tПока\n')).map((i) => [i.src, i.ref, i.line])).toEqual([
      ['Hello', 'Привет', 1],
      ['Bye', 'Пока', 3],
    ]);
    const j = file('p.jsonl', '{"src": "a", "ref": "b"}\n{"translation": {"en": "c", "ru": "d"}}\n');
    expect(loadParallel(j, parsePair('en-ru')).map((i) => [i.src, i.ref])).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
  it.each([
    ['p1.tsv', 'a\tb\nno tab here\n', 2, 'expected 2 tab-separated fields (src<TAB>ref), found 1'],
    ['p2.tsv', 'a\tb\tc\n', 1, 'found 3'],
    ['p3.tsv', 'a\tb\nx\t \n', 2, 'field "ref" (column 2) is empty'],
    ['p4.jsonl', '{"src": "a", "ref": "b"}\n\n{"src": "a"}\n', 3, 'field "ref" is missing'],
    ['p5.jsonl', '{"src": 1, "ref": "b"}\n', 1, 'field "src" must be a string'],
    ['p6.jsonl', '{"src": "a", "ref": "b"}\n{oops\n', 2, 'invalid JSON'],
    ['p7.jsonl', '{"translation": {"en": "c"}}\n', 1, 'field "translation.ru" is missing'],
  ])('%s: line %s', (name, content, line, problem) => {
    const f = file(name, content);
    const msg = errorOf(() => loadParallel(f, parsePair('en-ru')));
    expect(msg.startsWith(`${f}:${line}: `)).toBe(true);
    expect(msg).toContain(problem);
  });
  it('parses language pairs, also from OPUS file names', () => {
    expect(parsePair('en-zh_cn')).toEqual({ src: 'en', tgt: 'zh_cn' });
    expect(() => parsePair('english')).toThrow(UserError);
    expect(pairFromFileName('/x/opus.en-ru-test.tsv')).toEqual({ src: 'en', tgt: 'ru' });
    expect(pairFromFileName('/x/data.tsv')).toBeUndefined();
  });
});

describe('plain text', () => {
  it('reads UTF-8 and rejects empty files and invalid bytes with their line', () => {
    expect(loadText(file('t.txt', '\ufeffhello\nworld'))).toBe('hello\nworld');
    expect(errorOf(() => loadText(file('t-empty.txt', ' \n')))).toMatch(/the file is empty/);
    const f = file(
      't-bad.txt',
      Buffer.concat([Buffer.from('ok\nstill ok\nbad '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
    );
    expect(errorOf(() => loadText(f))).toBe(`${f}:3: the file is not valid UTF-8 (save it as UTF-8)`);
  });
});

describe('dataset hash', () => {
  it('hashes files, and folders by their CSV names and contents', async () => {
    const a = file('h.txt', 'abc');
    expect(await datasetSha256(a)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const sub = join(dir, 'mmlu');
    const h1 = await datasetSha256(sub);
    writeFileSync(join(sub, 'c_test.csv'), 'q,a,b,c,d,A\n');
    expect(await datasetSha256(sub)).not.toBe(h1);
  });
});
