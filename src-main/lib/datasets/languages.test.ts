// Language detection on the test corpora (test/helpers/fixtures): English; Russian and Chinese that carry English
// passages; Chinese in short lines; and an en-ru mix.
import { describe, expect, it } from 'vitest';
import { corpusText } from '../../../test/helpers/fixtures';
import { guessLanguage, mixedLanguages, ScriptCounter } from './scripts';

function detect(text: string): { language: string | null; languages: Record<string, number>; label: string[] } {
  const c = new ScriptCounter();
  c.add(text);
  const g = guessLanguage(c.toRecord());
  return { ...g, label: mixedLanguages(g.languages) };
}

/** Every other paragraph from the English text, the rest from the Russian one: a bilingual file. */
function enRuMix(): string {
  const en = corpusText('en.txt').split('\n\n');
  const ru = corpusText('ru.txt').split('\n\n');
  const out: string[] = [];
  for (let i = 0; i < 400; i++) out.push(en[i % en.length]!, ru[i % ru.length]!);
  return out.join('\n\n');
}

describe('language detection on the test corpora', () => {
  it('the English text is English only', () => {
    const d = detect(corpusText('en.txt'));
    expect(d.language).toBe('en');
    expect(d.label).toEqual(['en']);
  });

  it('the Chinese text is Chinese with English passages, not "en"', () => {
    const d = detect(corpusText('zh.txt'));
    expect(d.language).toBe('zh');
    expect(d.label).toEqual(['zh', 'en']);
    // Han characters are fewer words each than Latin letters: words, not letters, decide.
    expect(d.languages['zh']).toBeGreaterThan(0.7);
    expect(d.languages['en']).toBeGreaterThan(0.1);
  });

  it('the Russian text is Russian with English passages', () => {
    const d = detect(corpusText('ru.txt'));
    expect(d.language).toBe('ru');
    expect(d.label).toEqual(['ru', 'en']);
  });

  it('Chinese in short lines is Chinese only', () => {
    const d = detect(corpusText('zh-lines.txt'));
    expect(d.label).toEqual(['zh']);
  });

  it('an en-ru mix shows both languages with their shares', () => {
    const d = detect(enRuMix());
    expect(d.label.slice().sort()).toEqual(['en', 'ru']);
    expect(d.languages['en']).toBeGreaterThan(0.2);
    expect(d.languages['ru']).toBeGreaterThan(0.2);
    expect(d.languages['en']! + d.languages['ru']!).toBeCloseTo(1, 3);
    expect(d.languages['zh']).toBeUndefined();
  });

  it('labels small shares out, but never leaves a mix without a label', () => {
    expect(mixedLanguages({ en: 0.05, ru: 0.95 })).toEqual(['ru']);
    expect(mixedLanguages({ en: 0.09, ru: 0.09, zh: 0.08, other: 0.74 })).toEqual(['other']);
    expect(mixedLanguages({ a: 0.05, b: 0.04 })).toEqual(['a']);
    expect(mixedLanguages({})).toEqual([]);
  });
});
