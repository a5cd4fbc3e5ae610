// Parallel text for translation: TSV `src<TAB>ref` or JSONL {src, ref} (or OPUS-style {translation: {en, ru}}).
import { atLine, UserError } from '../../common/errors';
import type { LanguagePair, ParallelItem } from './data-types';
import { readUtf8, splitLines } from './read-text';

const NAMES: Record<string, string> = {
  ar: 'Arabic',
  bg: 'Bulgarian',
  cs: 'Czech',
  da: 'Danish',
  de: 'German',
  el: 'Greek',
  en: 'English',
  es: 'Spanish',
  et: 'Estonian',
  fi: 'Finnish',
  fr: 'French',
  he: 'Hebrew',
  hi: 'Hindi',
  hu: 'Hungarian',
  id: 'Indonesian',
  it: 'Italian',
  ja: 'Japanese',
  kk: 'Kazakh',
  ko: 'Korean',
  lt: 'Lithuanian',
  lv: 'Latvian',
  nl: 'Dutch',
  no: 'Norwegian',
  pl: 'Polish',
  pt: 'Portuguese',
  ro: 'Romanian',
  ru: 'Russian',
  sk: 'Slovak',
  sl: 'Slovenian',
  sr: 'Serbian',
  sv: 'Swedish',
  th: 'Thai',
  tr: 'Turkish',
  uk: 'Ukrainian',
  vi: 'Vietnamese',
  zh: 'Chinese',
};

/** "ru" → "Russian" (for the prompt); unknown codes are used as given. */
export function languageName(code: string): string {
  return NAMES[code.toLowerCase().split(/[_]/)[0]!] ?? code;
}

/** Parses "en-ru" (codes may carry a region with an underscore: "zh_cn"). */
export function parsePair(s: string): LanguagePair {
  const m = /^([A-Za-z]{2,3}(?:_[A-Za-z0-9]+)?)-([A-Za-z]{2,3}(?:_[A-Za-z0-9]+)?)$/.exec(s.trim());
  if (!m) throw new UserError(`language pair "${s}" is not of the form SRC-TGT, e.g. en-ru`);
  return { src: m[1]!.toLowerCase(), tgt: m[2]!.toLowerCase() };
}

/** Finds a pair such as "en-ru" in a file name (OPUS-100 names its files opus.en-ru-test.*). */
export function pairFromFileName(file: string): LanguagePair | undefined {
  const m = /(?:^|[^A-Za-z])([a-z]{2})-([a-z]{2})(?:[^A-Za-z]|$)/.exec(file.split(/[\\/]/).pop() ?? '');
  return m ? { src: m[1]!, tgt: m[2]! } : undefined;
}

function loadTsv(file: string): ParallelItem[] {
  const items: ParallelItem[] = [];
  for (const { line, text } of splitLines(readUtf8(file))) {
    if (text.trim() === '') continue;
    const f = text.split('\t');
    if (f.length !== 2) throw atLine(file, line, `expected 2 tab-separated fields (src<TAB>ref), found ${f.length}`);
    if (f[0]!.trim() === '') throw atLine(file, line, 'field "src" (column 1) is empty');
    if (f[1]!.trim() === '') throw atLine(file, line, 'field "ref" (column 2) is empty');
    items.push({ file, line, src: f[0]!, ref: f[1]! });
  }
  return items;
}

function loadJsonl(file: string, pair: LanguagePair | undefined): ParallelItem[] {
  const items: ParallelItem[] = [];
  for (const { line, text } of splitLines(readUtf8(file))) {
    if (text.trim() === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch (err) {
      throw atLine(file, line, `invalid JSON (${(err as Error).message}); each line must be one object {"src", "ref"}`);
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o))
      throw atLine(file, line, 'expected a JSON object {"src", "ref"}');
    let rec = o as Record<string, unknown>;
    let srcKey = 'src';
    let refKey = 'ref';
    const tr = rec['translation'];
    if (rec['src'] === undefined && typeof tr === 'object' && tr !== null) {
      if (!pair)
        throw atLine(
          file,
          line,
          'field "translation" needs the language pair (e.g. --pair en-ru) to know which side is the source',
        );
      rec = tr as Record<string, unknown>;
      [srcKey, refKey] = [pair.src, pair.tgt];
    }
    for (const k of [srcKey, refKey]) {
      const v = rec[k];
      const where = rec === o ? k : `translation.${k}`;
      if (typeof v !== 'string')
        throw atLine(file, line, `field "${where}" ${v === undefined ? 'is missing' : 'must be a string'}`);
      if (v.trim() === '') throw atLine(file, line, `field "${where}" is empty`);
    }
    items.push({ file, line, src: rec[srcKey] as string, ref: rec[refKey] as string });
  }
  return items;
}

/** `.jsonl`/`.json` files are read as JSON lines, anything else as TSV. */
export function loadParallel(file: string, pair?: LanguagePair): ParallelItem[] {
  return /\.jsonl?$/i.test(file) ? loadJsonl(file, pair) : loadTsv(file);
}
