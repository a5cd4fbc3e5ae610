// Issue 28 item 2: a .json file is training text too — an array of records (or an object holding one), the text
// from the chosen field; errors name the file, the line, the record and the field; the chosen format wins.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFromPath, importDataset } from './import';

const dir = mkdtempSync(join(tmpdir(), 'espalier-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string) => {
  const f = join(dir, name);
  writeFileSync(f, body);
  return f;
};

describe('JSON documents as text', () => {
  it('reads an array of records by the chosen field, nested fields included', async () => {
    const f = file(
      'haiku.json',
      JSON.stringify(
        [
          { id: 1, meta: { text: '古池や 蛙飛び込む 水の音' } },
          { id: 2, meta: { text: '閑さや 岩にしみ入る 蝉の声' } },
        ],
        null,
        2,
      ),
    );
    expect(formatFromPath(f)).toBe('json');
    const r = await importDataset({ file: f, field: 'meta.text' });
    expect(r.text).toBe('古池や 蛙飛び込む 水の音\n\n閑さや 岩にしみ入る 蝉の声');
    expect(r.stats).toMatchObject({ format: 'json', field: 'meta.text', records: 2 });
  });

  it('reads an object holding the records, and an array of strings', async () => {
    const held = await importDataset({
      file: file(
        'lieder.json',
        JSON.stringify({ version: 2, data: [{ text: 'Guten Morgen' }, { text: 'Gute Nacht' }] }),
      ),
    });
    expect(held.text).toBe('Guten Morgen\n\nGute Nacht');
    const strings = await importDataset({ file: file('strings.json', JSON.stringify(['Добрий ранок', 'Добраніч'])) });
    expect(strings.text).toBe('Добрий ранок\n\nДобраніч');
  });

  it('names the record, its line and the field at fault', async () => {
    const f = file('broken.json', '[\n  {"text": "eins"},\n  {"body": "zwei"}\n]');
    await expect(importDataset({ file: f, field: 'text' })).rejects.toThrow(
      `${f}:3: record 2 ([1]): field "text" is missing (this record has: body); choose another field`,
    );
    const bad = file('bad.json', '[\n  {"text": "eins"},\n  {"text": }\n]');
    await expect(importDataset({ file: bad })).rejects.toThrow(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: invalid JSON`),
    );
  });

  it('the chosen format wins: a .json read as plain text', async () => {
    const f = file('as-text.json', '{"text": "wörtlich"}');
    expect((await importDataset({ file: f, format: 'txt' })).text).toBe('{"text": "wörtlich"}');
  });
});
