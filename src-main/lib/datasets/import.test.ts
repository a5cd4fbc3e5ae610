// Dataset import end to end: real corpora, every format, the refusals users will meet, and the statistics.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTokenizer } from '../../engine/tokenizer/index';
import { corpusFile, corpusText } from '../../../test/helpers/fixtures';
import { writeParquet } from '../../../test/helpers/parquet-writer';
import { importDataset } from './import';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}
const sha = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('plain text from the shared corpora', () => {
  const cases = [
    ['en.txt', 'en'],
    ['ru.txt', 'ru'],
    ['zh.txt', 'zh'],
    ['zh-lines.txt', 'zh'],
  ] as const;
  for (const [name, lang] of cases) {
    it(`${name}: language ${lang}, exact counts and hashes, same result for small chunks`, async () => {
      const path = corpusFile(name);
      const raw = readFileSync(path);
      const text = raw.toString('utf8');
      const progress: number[] = [];
      const r = await importDataset({
        file: path,
        chunkBytes: 16 * 1024,
        onProgress: (p) => progress.push(p.bytesRead),
      });
      expect(r.text).toBe(text);
      expect(r.stats).toMatchObject({
        format: 'txt',
        field: null,
        bytes: raw.length,
        sha256: sha(raw),
        textSha256: sha(raw),
        textBytes: raw.length,
        language: lang,
        skipped: 0,
      });
      expect(r.stats.characters).toBe([...text].length);
      expect(r.stats.lines).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
      expect(r.stats.scripts['Common']).toBeGreaterThan(0);
      expect(Object.values(r.stats.scripts).reduce((a, b) => a + b, 0)).toBe(r.stats.characters);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(raw.length);
    });
  }

  it('reports the language mix: the Russian text is mostly Cyrillic with English passages', async () => {
    const r = await importDataset({ file: corpusFile('ru.txt') });
    expect(r.stats.languages['ru']).toBeGreaterThan(0.5);
    expect(r.stats.languages['en']).toBeGreaterThan(0.2);
    expect(r.stats.languages['zh']).toBeUndefined();
  });

  it('counts tokens with a tokenizer, equal to encoding the whole text at once', async () => {
    const en = corpusText('en.txt');
    const zh = corpusText('zh.txt');
    const tok = buildTokenizer([en.slice(0, 40_000), zh.slice(0, 20_000)], { ngrams: 300 });
    for (const [name, text] of [
      ['en.txt', en],
      ['zh.txt', zh],
    ] as const) {
      const r = await importDataset({ file: corpusFile(name), tokenizer: tok, chunkBytes: 8192 });
      expect(r.stats.tokens).toBe(tok.encode(text).length);
    }
  });

  it('writes the text to a destination atomically instead of returning it', async () => {
    const dest = join(dir, 'out', 'ru.txt');
    const r = await importDataset({ file: corpusFile('ru.txt'), destination: dest, chunkBytes: 4096 });
    expect(r.text).toBeUndefined();
    expect(r.destination).toBe(dest);
    const written = readFileSync(dest);
    expect(sha(written)).toBe(r.stats.textSha256);
    expect(written.length).toBe(r.stats.textBytes);
    expect(readdirSync(join(dir, 'out'))).toEqual(['ru.txt']);
  });

  it('normalises CRLF to LF, also across chunk boundaries, and drops a byte-order mark', async () => {
    const p = file(
      'crlf.txt',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('one\r\ntwo\r\nthree\rfour\r\n')]),
    );
    for (const chunkBytes of [1, 2, 3, 5, 1024]) {
      const r = await importDataset({ file: p, chunkBytes });
      expect(r.text).toBe('one\ntwo\nthree\rfour\n');
      expect(r.stats.lines).toBe(3);
    }
  });

  it('stops when aborted and leaves no partial destination', async () => {
    const ctrl = new AbortController();
    const dest = join(dir, 'aborted', 'x.txt');
    const run = importDataset({
      file: corpusFile('en.txt'),
      destination: dest,
      chunkBytes: 4096,
      signal: ctrl.signal,
      onProgress: () => ctrl.abort(),
    });
    await expect(run).rejects.toThrow();
    expect(readdirSync(join(dir, 'aborted'))).toEqual([]);
  });
});

describe('refusals', () => {
  it('an empty file, a whitespace-only file and a missing file, naming the file', async () => {
    const empty = file('empty.txt', '');
    await expect(importDataset({ file: empty })).rejects.toThrow(`${empty} is empty; there is nothing to import`);
    const blank = file('blank.txt', ' \n\t\n');
    await expect(importDataset({ file: blank })).rejects.toThrow(`${blank} has only whitespace`);
    await expect(importDataset({ file: join(dir, 'nope.txt') })).rejects.toThrow(/nope\.txt: no such file/);
  });

  it('binary files: NUL bytes (with offset), control characters, known signatures', async () => {
    const nul = file(
      'nul.txt',
      Buffer.concat([Buffer.from('text '.repeat(100)), Buffer.from([0]), Buffer.from('more')]),
    );
    await expect(importDataset({ file: nul })).rejects.toThrow(
      `${nul} looks like a binary file: it has a NUL byte at byte offset 500`,
    );
    const ctl = file('ctl.txt', Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))));
    await expect(importDataset({ file: ctl })).rejects.toThrow(
      /ctl\.txt looks like a binary file: 34% of its first 400 bytes are control characters/,
    );
    const png = file('image.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await expect(importDataset({ file: png })).rejects.toThrow(/image\.txt looks like a binary file/);
    const gz = file('data.txt', Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
    await expect(importDataset({ file: gz })).rejects.toThrow(/data\.txt is gzip-compressed; decompress it first/);
    const u16 = file('u16.txt', Buffer.from('\uFEFFhello', 'utf16le'));
    await expect(importDataset({ file: u16 })).rejects.toThrow(/u16\.txt is UTF-16 text; re-save it as UTF-8/);
  });

  it('invalid UTF-8 with the exact byte offset and line, for any chunk size', async () => {
    const head = Buffer.from('first line\nвторая строка\n第三行 ');
    const p = file('bad-utf8.txt', Buffer.concat([head, Buffer.from([0xe4, 0xb8]), Buffer.from(' tail\n')]));
    for (const chunkBytes of [1, 7, 64 * 1024]) {
      await expect(importDataset({ file: p, chunkBytes })).rejects.toThrow(
        `${p}: invalid UTF-8 at byte offset ${head.length} (line 3)`,
      );
    }
  });

  it('an unknown extension without an explicit format', async () => {
    const p = file('notes.rtf', 'x');
    await expect(importDataset({ file: p })).rejects.toThrow(/cannot tell the format from the extension "\.rtf"/);
    expect((await importDataset({ file: p, format: 'txt' })).text).toBe('x');
  });
});

describe('JSONL', () => {
  const lines = [
    '{"text": "Hello", "lang": "en"}',
    '',
    '{"text": "Привет\\nмир", "lang": "ru"}',
    '{"meta": {"body": "nested"}, "text": "你好"}',
  ];

  it('extracts the chosen field, separating records with a blank line; dotted paths reach nested fields', async () => {
    const p = file('data.jsonl', `${lines.join('\r\n')}\n`);
    const r = await importDataset({ file: p, chunkBytes: 5 });
    expect(r.text).toBe('Hello\n\nПривет\nмир\n\n你好');
    expect(r.stats).toMatchObject({ format: 'jsonl', field: 'text', records: 3, language: 'ru' });
    const langs = await importDataset({ file: p, field: 'lang', recordSeparator: '\n', skipMissing: true });
    expect(langs.text).toBe('en\nru');
    expect(langs.stats).toMatchObject({ records: 2, skipped: 1, language: 'en' });
    const nested = file('nested.jsonl', '{"meta": {"body": "deep"}}\n');
    expect((await importDataset({ file: nested, field: 'meta.body' })).text).toBe('deep');
  });

  it('names the line and field when the field is missing, null or not a string', async () => {
    const missing = file('missing.jsonl', `${lines[0]}\n{"body": "x", "id": 2}\n`);
    await expect(importDataset({ file: missing })).rejects.toThrow(
      `${missing}:2: field "text" is missing (this line has: body, id)`,
    );
    const isNull = file('null.jsonl', `${lines[0]}\n\n{"text": null}\n`);
    await expect(importDataset({ file: isNull })).rejects.toThrow(`${isNull}:3: field "text" is null`);
    const num = file('num.jsonl', `{"text": 42}\n`);
    await expect(importDataset({ file: num })).rejects.toThrow(`${num}:1: field "text" is a number, expected a string`);
    const r = await importDataset({ file: isNull, skipMissing: true });
    expect(r.stats).toMatchObject({ records: 1, skipped: 1 });
  });

  it('names the line of invalid JSON and of a non-object line', async () => {
    const bad = file('bad.jsonl', `${lines[0]}\n{"text": "unterminated}\n`);
    await expect(importDataset({ file: bad })).rejects.toThrow(
      new RegExp(`bad\\.jsonl:2: invalid JSON \\(.+\\); each line must be one JSON object`),
    );
    const arr = file('arr.jsonl', `["a"]\n`);
    await expect(importDataset({ file: arr })).rejects.toThrow(`${arr}:1: expected a JSON object, got an array`);
  });
});

describe('CSV', () => {
  it('extracts a column by name or index with quoted newlines', async () => {
    const p = file('data.csv', 'id,text\n1,"a, b"\n2,"multi\nline ""quoted"""\n');
    expect((await importDataset({ file: p, chunkBytes: 3 })).text).toBe('a, b\n\nmulti\nline "quoted"');
    const r = await importDataset({ file: p, field: 0 });
    expect(r.text).toBe('1\n\n2');
    expect(r.stats).toMatchObject({ field: 'id', records: 2 });
    const tsv = file('data.tsv', 'text\tn\nhello\t1\n');
    expect((await importDataset({ file: tsv })).text).toBe('hello');
  });

  it('reports the line of a malformed record', async () => {
    const p = file('malformed.csv', 'id,text\n1,ok\n2,"fine"\n3,"bro"ken\n');
    await expect(importDataset({ file: p })).rejects.toThrow(`${p}:4: field 2: unexpected "k" after its closing quote`);
    const q = file('short.csv', 'id,text\n1,ok\n2\n');
    await expect(importDataset({ file: q })).rejects.toThrow(`${q}:3: record has 1 field(s), but the header has 2`);
  });
});

describe('Parquet', () => {
  const texts = ['The Debian project', 'Проект Debian', '德比安计划', 'growing 🌳 trees'];

  it('extracts the chosen string column across row groups, with progress', async () => {
    const p = file(
      'data.parquet',
      writeParquet(
        [
          { name: 'id', type: 'int64', values: [1n, 2n, 3n, 4n] },
          { name: 'text', type: 'string', values: texts },
        ],
        3,
      ),
    );
    const progress: number[] = [];
    const r = await importDataset({ file: p, onProgress: (x) => progress.push(x.records) });
    expect(r.text).toBe(texts.join('\n\n'));
    expect(r.stats).toMatchObject({ format: 'parquet', field: 'text', records: 4, sha256: sha(readFileSync(p)) });
    expect(progress).toEqual([3, 4, 4]);
    expect((await importDataset({ file: p, field: 1, recordSeparator: '\n' })).text).toBe(texts.join('\n'));
  });

  it('picks the only string column by default; nulls fail unless skipped', async () => {
    const p = file(
      'nulls.parquet',
      writeParquet([
        { name: 'n', type: 'int64', values: [1n, 2n, 3n] },
        { name: 'body', type: 'string', optional: true, values: ['a', null, 'b'] },
      ]),
    );
    await expect(importDataset({ file: p })).rejects.toThrow(`${p}: row 2, column "body" is null`);
    const r = await importDataset({ file: p, skipMissing: true });
    expect(r.text).toBe('a\n\nb');
    expect(r.stats).toMatchObject({ records: 2, skipped: 1, field: 'body' });
  });

  it('refuses a non-text column or a missing one, listing the columns', async () => {
    const p = file(
      'cols.parquet',
      writeParquet([
        { name: 'n', type: 'int64', values: [1n] },
        { name: 'text', type: 'string', values: ['x'] },
      ]),
    );
    await expect(importDataset({ file: p, field: 'n' })).rejects.toThrow(
      `${p}: column "n" holds INT64 values, not text; choose a text column: "n" (INT64), "text" (BYTE_ARRAY)`,
    );
    await expect(importDataset({ file: p, field: 'body' })).rejects.toThrow(
      /no column "body"; the file has: "n" \(INT64\), "text" \(BYTE_ARRAY\)/,
    );
  });

  it('reports the row of a value that is not UTF-8, and refuses a file that is not Parquet', async () => {
    const p = file(
      'bad.parquet',
      writeParquet([{ name: 'text', type: 'string', values: ['ok', new Uint8Array([0x61, 0xff])] }]),
    );
    await expect(importDataset({ file: p })).rejects.toThrow(
      `${p}: row 2, column "text": the value is not valid UTF-8`,
    );
    const fake = file('fake.parquet', 'just some text, not parquet at all');
    await expect(importDataset({ file: fake })).rejects.toThrow(/fake\.parquet: not a readable Parquet file/);
  });
});

describe('into a workspace', () => {
  it('imports a file to paths.datasetText(id) and records it in the store', async () => {
    const { Workspace, newId } = await import('../../store/index');
    const { datasetRecord } = await import('./record');
    const ws = Workspace.open(join(dir, 'ws'));
    try {
      const project = ws.projects.create({ name: 'p' });
      const id = newId('ds');
      const dest = ws.paths.datasetText(id);
      const { stats } = await importDataset({ file: corpusFile('zh.txt'), destination: dest });
      const d = ws.datasets.create(
        datasetRecord(stats, {
          id,
          projectId: project.id,
          name: 'faq-zh',
          split: 'val',
          textPath: ws.paths.toStored(dest),
        }),
      );
      expect(d).toMatchObject({
        id,
        format: 'txt',
        split: 'val',
        language: 'zh',
        textPath: `datasets/${id}.txt`,
        sha256: stats.sha256,
        characters: stats.characters,
      });
      expect(readFileSync(ws.paths.fromStored(d.textPath!), 'utf8')).toBe(corpusText('zh.txt'));
    } finally {
      ws.close();
    }
  });
});
