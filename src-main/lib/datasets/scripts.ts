// Which writing systems a text uses (Unicode Script property) and a language guess (en / ru / zh / other) from the mix.

/** Scripts counted by name; letters of any other script count as "Other", everything else (digits, punctuation) as "Common". */
export const SCRIPTS = [
  'Latin', 'Cyrillic', 'Greek', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Arabic', 'Hebrew',
  'Devanagari', 'Bengali', 'Tamil', 'Thai', 'Armenian', 'Georgian', 'Ethiopic',
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
 * A guess from the script mix, not a language identifier: Latin letters are taken for English,
 * Cyrillic for Russian, Han for Chinese (unless kana show it is Japanese). Shares are of letters.
 */
export function guessLanguage(scripts: Record<string, number>): { language: LanguageGuess | null; languages: Record<string, number> } {
  const n = (s: string) => scripts[s] ?? 0;
  const kana = n('Hiragana') + n('Katakana');
  const han = n('Han');
  // Japanese text mixes Han with a substantial share of kana; Chinese has none.
  const japanese = kana > 0.1 * (han + kana);
  const buckets: Record<LanguageGuess, number> = { en: n('Latin'), ru: n('Cyrillic'), zh: japanese ? 0 : han, other: 0 };
  for (const [script, count] of Object.entries(scripts)) {
    if (script === 'Common' || script === 'Latin' || script === 'Cyrillic' || (script === 'Han' && !japanese)) continue;
    buckets.other += count;
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
