// Benchmark detection and validation on files written here: each format is recognised and counted, corpora are
// left to the text importer, and broken files are refused naming the file, the line and the field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectBenchmark, readHead } from './benchmark-detect';
import { importBenchmark } from './benchmark-import';
import { squadSample } from '../../../test/support/squad-sample';

const dir = mkdtempSync(join(tmpdir(), 'espalier-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const detect = (p: string, field?: string) => detectBenchmark(p, readHead(p), field);
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the import to fail');
}

const PAIRS = [
  'The package manager installs software.\tМенеджер пакетов устанавливает программы.',
  'Debian is a free operating system.\tDebian — свободная операционная система.',
  'Where can I get the installation images?\tГде можно получить установочные образы?',
].join('\n');

const MMLU = [
  '"Which command installs a package, given its name?",apt install,ls,"cat, then echo",pwd,A',
  'What does dpkg manage?,files,packages,users,networks,B',
  'How many bits are in a byte?,2,4,16,8,D',
].join('\r\n');

const ARC = [
  {
    id: 'Mercury_7175875',
    question: {
      stem: 'An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect?',
      choices: [
        { label: 'A', text: 'Planetary density will decrease.' },
        { label: 'B', text: 'Planetary years will become longer.' },
        { label: 'C', text: 'Planetary days will become shorter.' },
        { label: 'D', text: 'Planetary gravity will become stronger.' },
      ],
    },
    answerKey: 'C',
  },
  {
    id: 'Mercury_SC_401653',
    question: 'Which object is the best conductor of electricity?',
    choices: {
      text: ['a wax crayon', 'a plastic spoon', 'a rubber eraser', 'an iron nail'],
      label: ['1', '2', '3', '4'],
    },
    answerKey: '4',
  },
]
  .map((o) => JSON.stringify(o))
  .join('\n');

const SQUAD = JSON.stringify(squadSample({ plausible: true }), null, 2);

describe('benchmark detection', () => {
  it('recognises each benchmark layout', () => {
    expect(detect(file('en-ru.tsv', PAIRS))).toBe('pairs-tsv');
    expect(detect(file('physics_test.csv', MMLU))).toBe('mmlu-csv');
    expect(detect(file('with-header.csv', `question,A,B,C,D,answer\n${MMLU}`))).toBe('mmlu-csv');
    expect(detect(file('arc.jsonl', ARC))).toBe('mc-jsonl');
    expect(detect(file('dev-v2.0.json', SQUAD))).toBe('squad-json');
    expect(detect(file('pairs.jsonl', '{"src": "Hello", "ref": "Привет"}\n'))).toBe('pairs-jsonl');
    expect(detect(file('opus.en-ru-test.jsonl', '{"translation": {"en": "Hello", "ru": "Привет"}}\n'))).toBe(
      'pairs-jsonl',
    );
  });

  it('leaves text corpora to the text importer', () => {
    expect(detect(file('corpus.csv', 'id,text\n1,"Debian is free."\n2,Packages.\n'))).toBeNull();
    expect(detect(file('corpus.tsv', 'id\ttext\n1\tDebian is free.\n2\tPackages.\n'))).toBeNull();
    expect(detect(file('corpus.jsonl', '{"text": "Debian is free."}\n{"text": "Packages."}\n'))).toBeNull();
    expect(detect(file('notes.txt', 'Debian\tis free.\n'))).toBeNull();
    // Naming the text column asks for a corpus, whatever the file looks like.
    expect(detect(file('en-ru-as-text.tsv', PAIRS), '0')).toBeNull();
  });

  it('one broken row among the first does not turn a benchmark into a corpus', () => {
    expect(detect(file('broken_test.csv', `${MMLU}\nWhich is odd?,1,2,3,4,E\n`))).toBe('mmlu-csv');
    expect(detect(file('broken-en-ru.tsv', `${PAIRS}\nno tab here\n`))).toBe('pairs-tsv');
  });
});

describe('benchmark import', () => {
  it('a headerless TSV of pairs: bleu, 3 items, en-ru from both the name and the scripts', async () => {
    const s = await importBenchmark({ file: file('en-ru.tsv', PAIRS) });
    expect(s).toMatchObject({
      kind: 'benchmark',
      format: 'pairs-tsv',
      task: 'bleu',
      items: 3,
      pair: 'en-ru',
      language: 'en',
    });
    expect(Object.keys(s.languages).sort()).toEqual(['en', 'ru']);
    const unnamed = await importBenchmark({ file: file('pairs.tsv', PAIRS) });
    expect(unnamed.pair).toBe('en-ru');
  });

  it('MMLU without a header keeps its first question; with a header the header is skipped', async () => {
    const plain = await importBenchmark({ file: file('physics_test.csv', MMLU) });
    expect(plain).toMatchObject({ format: 'mmlu-csv', task: 'mc', items: 3, language: 'en', pair: null });
    const headed = await importBenchmark({ file: file('with-header.csv', `question,A,B,C,D,answer\n${MMLU}`) });
    expect(headed.items).toBe(3);
  });

  it('ARC JSONL (both choice shapes) and SQuAD v2 JSON', async () => {
    expect(await importBenchmark({ file: file('arc.jsonl', ARC) })).toMatchObject({
      format: 'mc-jsonl',
      task: 'mc',
      items: 2,
    });
    expect(await importBenchmark({ file: file('dev-v2.0.json', SQUAD) })).toMatchObject({
      format: 'squad-json',
      task: 'qa',
      items: 3,
    });
  });

  it('malformed files name the file (as the user named it), the line and the field', async () => {
    const mmlu = file('bad_test.csv', `${MMLU}\nWhich is odd?,1,2,3,4,E\n`);
    expect(await errorOf(importBenchmark({ file: mmlu }))).toBe(
      `bad_test.csv:4: field "answer" (column 6) must be one of A, B, C, D, got "E"`,
    );
    const tsv = file('bad-en-ru.tsv', `${PAIRS}\nno tab here\n`);
    expect(await errorOf(importBenchmark({ file: tsv }))).toBe(
      `bad-en-ru.tsv:4: expected 2 tab-separated fields (src<TAB>ref), found 1`,
    );
    const arc = file('bad-arc.jsonl', `${ARC}\n{"question": "Which gas do plants take in?", "answerKey": "A"}\n`);
    expect(await errorOf(importBenchmark({ file: arc }))).toBe(`bad-arc.jsonl:3: field "choices" is missing`);
    const squad = file('bad-v2.json', SQUAD.replace('"question": "When was Debian announced?"', '"question": 1993'));
    // Line 23 holds the second question's "question" key in the pretty-printed file.
    expect(await errorOf(importBenchmark({ file: squad }))).toMatch(
      new RegExp(`^bad-v2\\.json:23: data\\[0\\]\\.paragraphs\\[0\\]\\.qas\\[1\\]: field "question" must be a string$`),
    );
  });

  it('errors give the name the user knows instead of the stored path', async () => {
    const stored = file('upload-1.tsv', `${PAIRS}\na\tb\tc\n`);
    expect(await errorOf(importBenchmark({ file: stored, format: 'pairs-tsv', displayName: 'en-ru.tsv' }))).toBe(
      'en-ru.tsv:4: expected 2 tab-separated fields (src<TAB>ref), found 3',
    );
  });

  it('refuses a file that is no benchmark, saying which layouts are', async () => {
    const msg = await errorOf(importBenchmark({ file: file('story.csv', 'text\nOnce upon a time.\n') }));
    expect(msg).toMatch(/^story\.csv is not a benchmark file Espalier recognises; expected one of: MMLU CSV/);
    expect(await errorOf(importBenchmark({ file: file('empty.tsv', '') }))).toBe(
      'empty.tsv is empty; there is nothing to import',
    );
  });
});
