// Script counting and the language guess drawn from it.
import { describe, expect, it } from 'vitest';
import { guessLanguage, ScriptCounter } from './scripts';

function scriptsOf(text: string): Record<string, number> {
  const c = new ScriptCounter();
  c.add(text);
  return c.toRecord();
}

describe('scripts and language guess', () => {
  it('counts code points per script, astral ones once', () => {
    expect(scriptsOf('Ab1 Жё 中文 𠀀!')).toEqual({ Latin: 2, Cyrillic: 2, Han: 3, Common: 5 });
    const c = new ScriptCounter();
    c.add('a\nb\n');
    expect([c.codePoints, c.newlines]).toEqual([4, 2]);
  });

  it('guesses en / ru / zh / other from the mix', () => {
    expect(guessLanguage(scriptsOf('The quick brown fox')).language).toBe('en');
    expect(guessLanguage(scriptsOf('Съешь же ещё этих мягких булок, apt-get')).language).toBe('ru');
    expect(guessLanguage(scriptsOf('我能吞下玻璃而不伤身体 apt')).language).toBe('zh');
    expect(guessLanguage(scriptsOf('私はガラスを食べられます')).language).toBe('other');
    expect(guessLanguage(scriptsOf('Καλημέρα κόσμε')).language).toBe('other');
    expect(guessLanguage(scriptsOf('1234 !?')).language).toBeNull();
    // Shares are of words: 25 Latin letters ≈ 5.2 words, 75 Han characters ≈ 46.9.
    expect(guessLanguage({ Latin: 25, Han: 75, Common: 10 }).languages).toEqual({ en: 0.1, zh: 0.9 });
  });
});
