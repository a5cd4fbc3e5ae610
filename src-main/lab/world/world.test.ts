// The generated world as a whole: deterministic bytes, sizes, exact QA spans, well-formed multiple
// choice, aligned translations, and no held-out person leaking into training text.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../engine/util/hash';
import { parseCsv as parseCsvRecords } from '../../engine/io/csv';

const parseCsv = (text: string) => parseCsvRecords(text, 'mc.csv').map((r) => r.fields);
import { generateWorld, type World } from './generate';
import { MC_LETTERS, qaPrompt, translationPrompt } from './prompts';
import { renderFact, variantsFor } from './templates/index';
import type { Fact } from './types';
import { worldManifest, writeWorld } from './write';

let quick: World;
beforeAll(() => {
  quick = generateWorld({ seed: 11, scale: 'quick' });
});

/** A whole-word match that understands Cyrillic (JS \b does not). */
function hasWord(text: string, word: string): boolean {
  return new RegExp(`(?<![\\p{L}])${word}(?![\\p{L}])`, 'u').test(text);
}

/** The Chinese sentences of a text, whole (so a short name inside a longer one does not match). */
function zhSentences(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    for (const piece of line.replace(/^ZH: /, '').split(/(?<=。)/)) out.add(piece.replace(/^(另外，|此外，|而且)/, ''));
  }
  return out;
}

describe('determinism', () => {
  it('gives the same bytes for the same seed and different bytes for another', () => {
    const again = generateWorld({ seed: 11, scale: 'quick' });
    expect(worldManifest(again).id).toBe(worldManifest(quick).id);
    expect(again.corpora['en-ru'].train).toBe(quick.corpora['en-ru'].train);
    const other = generateWorld({ seed: 12, scale: 'quick' });
    const a = worldManifest(quick);
    const b = worldManifest(other);
    expect(b.id).not.toBe(a.id);
    // Every file differs, not only one of them.
    for (let i = 0; i < a.files.length; i++) expect(b.files[i]!.sha256).not.toBe(a.files[i]!.sha256);
  });
});

describe('sizes', () => {
  it('quick corpora are 150–300 KB with a held-out part', () => {
    for (const c of Object.values(quick.corpora)) {
      const n = Buffer.byteLength(c.train);
      expect(n).toBeGreaterThan(150_000);
      expect(n).toBeLessThan(300_000);
      expect(Buffer.byteLength(c.heldOut)).toBeGreaterThan(20_000);
    }
  });
  it('default corpora are at least 1 MB each', () => {
    const w = generateWorld({ seed: 3 });
    for (const c of Object.values(w.corpora)) {
      expect(Buffer.byteLength(c.train)).toBeGreaterThanOrEqual(1 << 20);
      expect(Buffer.byteLength(c.heldOut)).toBeGreaterThan(100_000);
    }
    expect(w.stats.mc.items).toBe(400);
    expect(w.stats.translations['en-ru']).toBe(300);
  });
  it('honours explicit sizes over the preset', () => {
    const w = generateWorld({
      seed: 5,
      scale: 'quick',
      corpusBytes: 40_000,
      qaParagraphs: 4,
      mcItems: 8,
      translationPairs: 10,
    });
    expect(Buffer.byteLength(w.corpora['en-zh'].train)).toBeLessThan(45_000);
    expect(w.stats.qa.ru.paragraphs).toBe(4);
    expect(w.stats.mc.items).toBe(8);
    expect(w.stats.translations['en-zh']).toBe(10);
  });
});

describe('corpora', () => {
  it('never name a held-out person in training text, and do name them in held-out text', () => {
    const held = quick.meta.model.people.filter((p) => p.split === 'heldout');
    expect(held.length).toBeGreaterThan(5);
    for (const name of ['en-ru', 'en-zh'] as const) {
      const { train, heldOut } = quick.corpora[name];
      for (const p of held) {
        expect(hasWord(train, p.name.en)).toBe(false);
        for (const form of Object.values(p.name.ru)) expect(hasWord(train, form)).toBe(false);
      }
      // Chinese has no word boundaries (a short name can sit inside a longer one), so check whole sentences.
      const sentences = zhSentences(train);
      const told = (f: Fact) => variantsFor(f).some((variant) => sentences.has(renderFact(f, 'zh', { variant }).text));
      for (const f of quick.meta.model.facts) {
        if ('p' in f && f.p.split === 'heldout') expect(told(f)).toBe(false);
      }
      if (name === 'en-zh') {
        // The same check does find what training does tell.
        const known = quick.meta.model.facts.filter(
          (f) => 'p' in f && f.p.split === 'train' && f.p.coverage !== 'en-ru',
        );
        expect(known.filter(told).length).toBeGreaterThan(known.length / 2);
      }
      const covered = held.filter((p) => p.coverage === 'both' || p.coverage === name);
      expect(covered.some((p) => hasWord(heldOut, p.name.en))).toBe(true);
    }
  });
  it('keep each expert to its own people and its own second language', () => {
    const people = quick.meta.model.people.filter((p) => p.split === 'train');
    const ruOnly = people.filter((p) => p.coverage === 'en-ru');
    const zhOnly = people.filter((p) => p.coverage === 'en-zh');
    for (const p of ruOnly) expect(hasWord(quick.corpora['en-zh'].train, p.name.en)).toBe(false);
    for (const p of zhOnly) expect(hasWord(quick.corpora['en-ru'].train, p.name.en)).toBe(false);
    expect(/[\u4e00-\u9fff]/.test(quick.corpora['en-ru'].train)).toBe(false);
    expect(/[а-яё]/i.test(quick.corpora['en-zh'].train)).toBe(false);
    expect(quick.corpora['en-ru'].train).toMatch(/^EN: .+\nRU: .+$/m);
    expect(quick.corpora['en-zh'].train).toMatch(/^EN: .+\nZH: .+$/m);
  });
  it('contain drills in the exact prompt layouts the evaluations use', () => {
    const t = quick.corpora['en-ru'].train;
    expect(t).toMatch(/\nQuestion: .+\?\nAnswer: \S/);
    expect(t).toMatch(/\nВопрос: .+\?\nОтвет: \S/);
    expect(t).toMatch(/Question: .+\nA\. .+\nB\. .+\nC\. .+\nD\. .+\nAnswer: [ABCD]/);
    expect(quick.corpora['en-zh'].train).toMatch(/\n问题：.+？\n答案：\S/);
    expect(qaPrompt('zh', '上下文', '谁？')).toBe('上下文\n问题：谁？\n答案：');
    expect(translationPrompt('ru', 'Hi.')).toBe('EN: Hi.\nRU:');
  });
});

describe('QA (SQuAD v2)', () => {
  it('has answers that are exact spans of the context, and empty answers when impossible', () => {
    for (const lang of ['en', 'ru', 'zh'] as const) {
      const ds = quick.qa[lang];
      expect(ds.version).toBe('v2.0');
      const ids = new Set<string>();
      let impossible = 0;
      let answerable = 0;
      let short = 0;
      for (const art of ds.data) {
        expect(typeof art.title).toBe('string');
        for (const p of art.paragraphs) {
          for (const q of p.qas) {
            expect(ids.has(q.id)).toBe(false);
            ids.add(q.id);
            if (q.is_impossible) {
              impossible++;
              expect(q.answers).toEqual([]);
              continue;
            }
            answerable++;
            expect(q.answers).toHaveLength(1);
            const a = q.answers[0]!;
            expect(a.text.length).toBeGreaterThan(0);
            expect(p.context.slice(a.answer_start, a.answer_start + a.text.length)).toBe(a.text);
            if (a.text.length <= 8) short++;
          }
        }
      }
      expect(impossible).toBeGreaterThan(answerable * 0.1);
      expect(short).toBeGreaterThan(answerable * 0.8);
    }
  });
  it('asks name-copying questions about people who are not in the world', () => {
    const world = new Set(quick.meta.model.people.map((p) => p.name.en));
    const who = quick.qa.en.data
      .flatMap((a) => a.paragraphs.flatMap((p) => p.qas))
      .filter((q) => /-who[A-Z]/.test(q.id) && !q.is_impossible);
    expect(who.length).toBeGreaterThan(40);
    for (const q of who) expect(world.has(q.answers[0]!.text)).toBe(false);
    // Who-lives, who-works, who-owns and relation questions all occur.
    for (const t of ['whoLives', 'whoJob', 'whoOwns']) expect(who.some((q) => q.id.endsWith(t))).toBe(true);
  });
  it('asks the same questions in the same order in every language', () => {
    const shape = (lang: 'en' | 'ru' | 'zh') =>
      quick.qa[lang].data.flatMap((a) =>
        a.paragraphs.map((p) => p.qas.map((q) => `${q.id.split('-').slice(2).join('-')}:${q.is_impossible}`)),
      );
    expect(shape('ru')).toEqual(shape('en'));
    expect(shape('zh')).toEqual(shape('en'));
  });
});

describe('multiple choice (MMLU CSV)', () => {
  it('parses to six fields a row, the answer letter naming the true fact among distinct options', () => {
    const rows = parseCsv(quick.mcCsv);
    const items = quick.meta.mc;
    expect(rows).toHaveLength(items.length);
    const facts = quick.meta.model.facts;
    const letters: Record<string, number> = { A: 0, B: 0, C: 0, D: 0 };
    rows.forEach((row, i) => {
      expect(row).toHaveLength(6);
      const it = items[i]!;
      expect(row[0]).toBe(it.question);
      const options = row.slice(1, 5);
      expect(new Set(options).size).toBe(4);
      const idx = MC_LETTERS.indexOf(row[5] as 'A');
      expect(idx).toBeGreaterThanOrEqual(0);
      letters[row[5]!]!++;
      expect(options[idx]).toBe(trueValue(facts[it.factId]!));
    });
    const counts = Object.values(letters);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
  it('asks only about facts the training corpora teach', () => {
    for (const it of quick.meta.mc) {
      const f = quick.meta.model.facts[it.factId]!;
      if ('p' in f) expect(f.p.split).toBe('train');
    }
  });
});

function trueValue(f: Fact): string {
  switch (f.kind) {
    case 'livesIn':
    case 'bornIn':
      return f.city.en;
    case 'job':
      return f.prof.en;
    case 'owns':
      return f.colour.en;
    case 'bornYear':
      return String(f.year);
    case 'count':
      return String(f.n);
    case 'sibling':
      return f.p.name.en;
    case 'cityIn':
      return f.city.country.en;
    default:
      throw new Error(`unexpected MC fact ${f.kind}`);
  }
}

describe('translation pairs', () => {
  it('align: both sides render the same held-out fact with the same variant', () => {
    for (const [name, target] of [
      ['en-ru', 'ru'],
      ['en-zh', 'zh'],
    ] as const) {
      const lines = quick.translations[name].trimEnd().split('\n');
      const items = quick.meta.translationItems[name];
      expect(lines).toHaveLength(items.length);
      expect(new Set(items.map((i) => i.src)).size).toBe(items.length);
      lines.forEach((line, i) => {
        const [src, ref, extra] = line.split('\t');
        expect(extra).toBeUndefined();
        const it = items[i]!;
        expect([src, ref]).toEqual([it.src, it.ref]);
        const f = quick.meta.model.facts[it.factIds[0]!]!;
        expect('p' in f && f.p.split).toBe('heldout');
        expect(renderFact(f, 'en', { variant: it.variant, words: it.words }).text).toBe(src);
        expect(renderFact(f, target, { variant: it.variant, words: it.words }).text).toBe(ref);
        if ('p' in f) {
          expect(src).toContain(f.p.name.en);
          if (target === 'zh') expect(ref).toContain(f.p.name.zh);
          else expect(Object.values(f.p.name.ru).some((form) => hasWord(ref!, form))).toBe(true);
        }
      });
    }
  });
});

describe('writeWorld', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'espalier-world-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('writes every file and a manifest whose sizes and SHA-256s match the disk', async () => {
    const m = writeWorld(dir, quick);
    const onDisk = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(m);
    expect(m.files.map((f) => f.name)).toEqual([
      'en-ru.train.txt',
      'en-ru.val.txt',
      'en-zh.train.txt',
      'en-zh.val.txt',
      'qa.en.json',
      'qa.ru.json',
      'qa.zh.json',
      'mc.csv',
      'mc.meta.jsonl',
      'translate.en-ru.tsv',
      'translate.en-zh.tsv',
    ]);
    for (const f of m.files) {
      expect(existsSync(join(dir, f.name))).toBe(true);
      expect(readFileSync(join(dir, f.name)).length).toBe(f.bytes);
      expect(await sha256File(join(dir, f.name))).toBe(f.sha256);
    }
    expect(JSON.parse(readFileSync(join(dir, 'qa.ru.json'), 'utf8'))).toEqual(quick.qa.ru);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const meta = readFileSync(join(dir, 'mc.meta.jsonl'), 'utf8').trimEnd().split('\n');
    expect(meta).toHaveLength(quick.meta.mc.length);
  });
});

describe('options', () => {
  it('builds a tiny world and rejects sizes that would break it, naming the size', () => {
    const w = generateWorld({
      seed: 2,
      scale: 'quick',
      people: 24,
      corpusBytes: 10_000,
      qaParagraphs: 2,
      mcItems: 20,
      translationPairs: 5,
    });
    expect(w.stats.people.total).toBe(24);
    expect(parseCsv(w.mcCsv).length).toBe(w.meta.mc.length);
    expect(() => generateWorld({ seed: 1, people: 3 })).toThrow(/world size people must be an integer from 24/);
    expect(() => generateWorld({ seed: 1, heldOutPeople: 0.9 })).toThrow(/heldOutPeople/);
  });
});
