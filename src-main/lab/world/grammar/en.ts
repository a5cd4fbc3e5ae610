// English helpers: indefinite article, number words and singular/plural choice.

const WORDS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

/** "a" or "an" by the next word's first letter; enough for this lexicon (no "hour", no "university"). */
export function article(next: string): string {
  return /^[aeiou]/i.test(next) ? 'an' : 'a';
}

export function numberWord(n: number): string {
  const w = WORDS[n];
  if (!w) throw new Error(`numberWord: no English word for ${n}`);
  return w;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
