// Test inputs that need nothing outside the repository: English, Russian and Chinese text from the seeded demo world
// (src-main/lab/world, identical on every machine), a file that is not a font, and GNU Unifont 15.0.01 wherever
// Espalier itself finds it (a system install, or the pinned copy `espalier font install` keeps in its data folder).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../../src-main/lab/world/index';
import { defaultFontSearch, findSystemUnifont } from '../../src-main/engine/substrate/discover';
import { UNIFONT_FILE, UNIFONT_HEX_SHA256, UNIFONT_VERSION } from '../../src-main/engine/substrate/font-install';
import { appFontDir } from '../../src-main/engine/util/app-data';

/**
 * The corpora, by the file name tests see. Sizes follow the real-world texts the suite used before (≈180k
 * characters of English and of Russian, ≈88k of Chinese, ≈11k of short Chinese lines), so slices by offset still land
 * in text. The `debian-faq.*` / `fortunes-zh.*` names are the former names, kept as aliases for tests written
 * against them; they now return the same demo-world text as their new names.
 */
const TARGET_CHARS = { 'en.txt': 180_000, 'ru.txt': 185_000, 'zh.txt': 88_000, 'zh-lines.txt': 11_300 } as const;
type CanonicalName = keyof typeof TARGET_CHARS;
const ALIASES = {
  'debian-faq.en.txt': 'en.txt',
  'debian-faq.ru.txt': 'ru.txt',
  'debian-faq.zh-cn.txt': 'zh.txt',
  'fortunes-zh.song100.txt': 'zh-lines.txt',
} as const satisfies Record<string, CanonicalName>;
export type CorpusName = CanonicalName | keyof typeof ALIASES;
export const CORPUS_NAMES = Object.keys(TARGET_CHARS) as CanonicalName[];

const CYRILLIC = /[\u0400-\u04ff]/;
const HAN = /[\u4e00-\u9fff]/;
const LATIN = /[A-Za-z]/;
/** Parallel passages tag their lines (`EN: …` / `RU: …`); the fixtures keep the sentences, not the tags. */
const TAGGED = /^(EN|RU|ZH): /;

/** One seeded world, generated once per process (≈1 s): a fixed seed, so every run and machine sees the same text. */
let paragraphs: string[] | null = null;
function worldParagraphs(): string[] {
  if (paragraphs) return paragraphs;
  const w = generateWorld({ seed: 2507, scale: 'default', corpusBytes: 900_000 });
  const out: string[] = [];
  for (const c of Object.values(w.corpora)) {
    for (const p of c.train.split(/\n{2,}/)) out.push(p.trim().replace(new RegExp(TAGGED.source, 'gm'), ''));
  }
  for (const ds of Object.values(w.qa)) for (const a of ds.data) for (const p of a.paragraphs) out.push(p.context);
  paragraphs = out.filter((p) => p.length > 0);
  return paragraphs;
}

/** Paragraphs that `keep` takes, joined by blank lines until the target size (cut at a paragraph's end). */
function monolingual(keep: (p: string) => boolean, target: number): string {
  const parts: string[] = [];
  let n = 0;
  for (const p of worldParagraphs()) {
    if (!keep(p)) continue;
    parts.push(p);
    n += p.length + 2;
    if (n >= target) return parts.join('\n\n') + '\n';
  }
  throw new Error(
    `the demo world yields only ${n} characters of this language, fewer than the ${target} the fixture needs`,
  );
}

const ZH_DIGITS = '〇一二三四五六七八九';
const zhNumber = (n: number) => [...String(n)].map((d) => ZH_DIGITS[Number(d)]).join('');

/** Chinese in short lines, as verse is set: a numbered title, then one clause per line, stanzas apart. */
function zhLines(target: number): string {
  const clauses = readOnly('zh.txt')
    .split(/[。，\n]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 1 && !LATIN.test(s));
  const out: string[] = [];
  let n = 0;
  for (let i = 0, poem = 1; n < target; poem++) {
    const stanza = [`第${zhNumber(poem)}首`];
    for (let k = 0; k < 4; k++, i++) stanza.push(clauses[i % clauses.length]! + (k % 2 ? '。' : '，'));
    const s = stanza.join('\n');
    out.push(s);
    n += s.length + 2;
  }
  return out.join('\n\n') + '\n';
}

function build(name: CanonicalName): string {
  const target = TARGET_CHARS[name];
  switch (name) {
    case 'en.txt':
      return monolingual((p) => LATIN.test(p) && !CYRILLIC.test(p) && !HAN.test(p), target);
    // Like real Russian and Chinese documents, these carry some English: the world's bilingual passages.
    case 'ru.txt':
      return monolingual((p) => CYRILLIC.test(p) && !HAN.test(p), target);
    case 'zh.txt':
      return monolingual((p) => HAN.test(p) && !CYRILLIC.test(p), target);
    case 'zh-lines.txt':
      return zhLines(target);
  }
}

const texts = new Map<CanonicalName, string>();
function readOnly(name: CanonicalName): string {
  let t = texts.get(name);
  if (t === undefined) {
    t = build(name);
    texts.set(name, t);
  }
  return t;
}

const canonical = (name: CorpusName): CanonicalName =>
  name in ALIASES ? ALIASES[name as keyof typeof ALIASES] : (name as CanonicalName);

/** A corpus as text. */
export function corpusText(name: CorpusName): string {
  return readOnly(canonical(name));
}

let tmp: string | null = null;
/** A temporary folder of this process, removed when it exits. */
function tempDir(): string {
  if (tmp) return tmp;
  const d = mkdtempSync(join(tmpdir(), 'espalier-fixtures-'));
  process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  mkdirSync(d, { recursive: true });
  tmp = d;
  return d;
}

/** A temporary folder holding every corpus as a plain UTF-8 file under its (new) name; removed when the process exits. */
export function corporaDir(): string {
  const d = tempDir();
  for (const name of CORPUS_NAMES) if (!existsSync(join(d, name))) writeFileSync(join(d, name), corpusText(name));
  return d;
}

/** The path of one corpus as a plain UTF-8 file (for code under test that reads files), named as asked. */
export function corpusFile(name: CorpusName): string {
  const path = join(tempDir(), name);
  if (!existsSync(path)) writeFileSync(path, corpusText(name));
  return path;
}

/** A plain-text file that is certainly not a .hex font (prose, no `code:bitmap` lines). */
export function notAFontPath(): string {
  const path = join(tempDir(), 'not-a-font.txt');
  if (!existsSync(path)) writeFileSync(path, corpusText('en.txt').slice(0, 4000));
  return path;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let font: string | undefined;
/**
 * GNU Unifont 15.0.01 as a plain .hex file, or undefined: the one font discovery finds, if it is that release
 * (tests compare glyph rows and the pinned checksum), else the pinned copy in the app's font folder.
 */
export function findTestUnifont(): string | undefined {
  if (font) return font;
  const found = findSystemUnifont(defaultFontSearch());
  const pinned = join(appFontDir(), UNIFONT_FILE);
  for (const p of [found, pinned]) {
    if (p && /\.hex$/i.test(p) && existsSync(p) && sha256(p) === UNIFONT_HEX_SHA256) return (font = p);
  }
  return undefined;
}

/** GNU Unifont 15.0.01 (see findTestUnifont); missing, it fails saying how to fetch it. */
export function unifontPath(): string {
  const p = findTestUnifont();
  if (p) return p;
  throw new Error(
    `the tests need GNU Unifont ${UNIFONT_VERSION} as a plain .hex file and found none of that release ` +
      `(system: ${findSystemUnifont(defaultFontSearch()) ?? 'none'}; app folder: ${appFontDir()}): ` +
      `run \`npm run espalier -- font install --force\` (downloads and verifies it) or install your system's unifont package`,
  );
}
