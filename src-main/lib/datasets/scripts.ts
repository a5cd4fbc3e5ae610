// Which writing systems a text uses (Unicode Script property) and a language guess (en / ru / zh / other) from the mix.

/** Scripts counted by name; letters of any other script count as "Other", everything else (digits, punctuation) as "Common". */
export const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Arabic',
  'Hebrew',
  'Devanagari',
  'Bengali',
  'Tamil',
  'Thai',
  'Armenian',
  'Georgian',
  'Ethiopic',
] as const;

const NAMES: readonly string[] = [...SCRIPTS, 'Other', 'Common'];
const OTHER = SCRIPTS.length;
const COMMON = SCRIPTS.length + 1;
const PATTERNS = SCRIPTS.map((s) => new RegExp(`^\\p{Script=${s}}$`, 'u'));
const LETTER = /^\p{L}$/u;

// Regex tests per character would dominate on a 100 MB file; each code point is classified once.
const bmpCache = new Int8Array(0x10000).fill(-1);
const astralCache = new Map<number, number>();

function classifySlow(cp: number): number {
  const ch = String.fromCodePoint(cp);
  for (let i = 0; i < PATTERNS.length; i++) if (PATTERNS[i]!.test(ch)) return i;
  return LETTER.test(ch) ? OTHER : COMMON;
}

export function scriptIndex(cp: number): number {
  if (cp < 0x10000) {
    let v = bmpCache[cp]!;
    if (v < 0) {
      v = classifySlow(cp);
      bmpCache[cp] = v;
    }
    return v;
  }
  let v = astralCache.get(cp);
  if (v === undefined) {
    v = classifySlow(cp);
    astralCache.set(cp, v);
  }
  return v;
}

/** Counts code points per script, in total, and line feeds. */
export class ScriptCounter {
  readonly counts = new Float64Array(NAMES.length);
  codePoints = 0;
  newlines = 0;

  add(text: string): void {
    const counts = this.counts;
    let n = 0;
    let nl = 0;
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      n++;
      // ASCII fast path: the bulk of most corpora.
      if (cp === 10) nl++;
      if (cp < 0x80) counts[(cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a ? 0 : COMMON]!++;
      else counts[scriptIndex(cp)]!++;
    }
    this.codePoints += n;
    this.newlines += nl;
  }

  /** Non-zero counts by script name (Common included, so the counts add up to the code points). */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    this.counts.forEach((n, i) => {
      if (n > 0) out[NAMES[i]!] = n;
    });
    return out;
  }
}

export type LanguageGuess = 'en' | 'ru' | 'zh' | 'other';

/**
 * Letters per word, to weigh scripts by words rather than letters: a Chinese word is one or two Han characters,
 * an English one about five Latin letters, so letter counts would label a Chinese manual full of commands "en".
 * Latin and Cyrillic are measured on the Debian FAQ (en: 126 809 letters / 26 364 words; ru: 81 519 / 13 127);
 * 1.6 Han characters per word is the usual figure for segmented modern Chinese; other scripts count as Latin.
 */
export const LETTERS_PER_WORD: Readonly<Record<string, number>> = {
  Latin: 4.8,
  Cyrillic: 6.2,
  Han: 1.6,
  Hiragana: 2,
  Katakana: 3,
};
const DEFAULT_LETTERS_PER_WORD = 4.8;

/** A language makes the label ("zh + en") when it holds at least this share of the words. */
export const MIXED_MIN_SHARE = 0.1;

/**
 * A guess from the script mix, not a language identifier: Latin letters are taken for English,
 * Cyrillic for Russian, Han for Chinese (unless kana show it is Japanese). Shares are of estimated words
 * (LETTERS_PER_WORD); `language` is the largest.
 */
export function guessLanguage(scripts: Record<string, number>): {
  language: LanguageGuess | null;
  languages: Record<string, number>;
} {
  const n = (s: string) => scripts[s] ?? 0;
  const kana = n('Hiragana') + n('Katakana');
  const han = n('Han');
  // Japanese text mixes Han with a substantial share of kana; Chinese has none.
  const japanese = kana > 0.1 * (han + kana);
  const words = (script: string) => n(script) / (LETTERS_PER_WORD[script] ?? DEFAULT_LETTERS_PER_WORD);
  const buckets: Record<LanguageGuess, number> = {
    en: words('Latin'),
    ru: words('Cyrillic'),
    zh: japanese ? 0 : words('Han'),
    other: 0,
  };
  for (const script of Object.keys(scripts)) {
    if (script === 'Common' || script === 'Latin' || script === 'Cyrillic' || (script === 'Han' && !japanese)) continue;
    buckets.other += words(script);
  }
  const total = buckets.en + buckets.ru + buckets.zh + buckets.other;
  if (total === 0) return { language: null, languages: {} };
  let best: LanguageGuess = 'en';
  const languages: Record<string, number> = {};
  for (const lang of ['en', 'ru', 'zh', 'other'] as const) {
    if (buckets[lang] > 0) languages[lang] = Math.round((buckets[lang] / total) * 1e4) / 1e4;
    if (buckets[lang] > buckets[best]) best = lang;
  }
  return { language: best, languages };
}

/** The languages a mix is labelled with, largest share first: ["zh", "en"] for a Chinese manual full of commands. */
export function mixedLanguages(shares: Record<string, number>, minShare = MIXED_MIN_SHARE): string[] {
  const entries = Object.entries(shares).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const kept = entries.filter(([, s]) => s >= minShare).map(([l]) => l);
  // A mix of many small shares still gets a label: its largest language.
  return kept.length > 0 ? kept : entries.slice(0, 1).map(([l]) => l);
}
