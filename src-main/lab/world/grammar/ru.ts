// Russian morphology for the templates used: name declension, colour adjectives, numerals and pronouns.
// Only the patterns the lexicon needs are covered; each is checked exactly in the tests.
import type { RuCase, RuCases, RuGender, Sex } from '../types';

// After these consonants Russian writes и, not ы (the "spelling rule": Лики, not Ликы).
const VELAR_SIBILANT = new Set(['г', 'к', 'х', 'ж', 'ш', 'ч', 'щ']);
// After these an unstressed -ой becomes -ей.
const HUSHING = new Set(['ж', 'ш', 'ч', 'щ', 'ц']);

/** Declines a given name: female -а / -ия, or male ending in a hard consonant. */
export function declineName(nom: string, sex: Sex): RuCases {
  if (sex === 'f') {
    if (nom.endsWith('ия')) {
      const s = nom.slice(0, -1);
      return { nom, gen: `${s}и`, dat: `${s}и`, acc: `${s}ю`, ins: `${s}ей`, prep: `${s}и` };
    }
    if (!nom.endsWith('а')) throw new Error(`declineName: unsupported female name "${nom}"`);
    const s = nom.slice(0, -1);
    const last = s.charAt(s.length - 1);
    return {
      nom,
      gen: `${s}${VELAR_SIBILANT.has(last) ? 'и' : 'ы'}`,
      dat: `${s}е`,
      acc: `${s}у`,
      ins: `${s}${HUSHING.has(last) ? 'ей' : 'ой'}`,
      prep: `${s}е`,
    };
  }
  if (/[аеёиоуыэюяйь]$/.test(nom)) throw new Error(`declineName: unsupported male name "${nom}"`);
  const hush = HUSHING.has(nom.charAt(nom.length - 1));
  return { nom, gen: `${nom}а`, dat: `${nom}у`, acc: `${nom}а`, ins: `${nom}${hush ? 'ем' : 'ом'}`, prep: `${nom}е` };
}

const HARD_ENDINGS: Record<RuGender, Record<RuCase, string>> = {
  m: { nom: 'ый', gen: 'ого', dat: 'ому', acc: 'ый', ins: 'ым', prep: 'ом' },
  f: { nom: 'ая', gen: 'ой', dat: 'ой', acc: 'ую', ins: 'ой', prep: 'ой' },
  n: { nom: 'ое', gen: 'ого', dat: 'ому', acc: 'ое', ins: 'ым', prep: 'ом' },
};
const SOFT_ENDINGS: Record<RuGender, Record<RuCase, string>> = {
  m: { nom: 'ий', gen: 'его', dat: 'ему', acc: 'ий', ins: 'им', prep: 'ем' },
  f: { nom: 'яя', gen: 'ей', dat: 'ей', acc: 'юю', ins: 'ей', prep: 'ей' },
  n: { nom: 'ее', gen: 'его', dat: 'ему', acc: 'ее', ins: 'им', prep: 'ем' },
};

/**
 * An adjective agreeing with a singular noun. The accusative of an animate masculine noun
 * takes the genitive form (купил зелёного попугая), an inanimate one the nominative.
 */
export function adjective(adj: { stem: string; soft: boolean }, gender: RuGender, c: RuCase, animate: boolean): string {
  const table = adj.soft ? SOFT_ENDINGS : HARD_ENDINGS;
  const useCase: RuCase = c === 'acc' && gender === 'm' && animate ? 'gen' : c;
  return adj.stem + table[gender][useCase];
}

/** Which noun form follows a cardinal: 1, 21 → nominative singular; 2–4, 22 → genitive singular; else genitive plural. */
export function countForm(n: number): 'nom' | 'gen' | 'genPl' {
  const last = n % 10;
  const lastTwo = n % 100;
  if (last === 1 && lastTwo !== 11) return 'nom';
  if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return 'gen';
  return 'genPl';
}

const WORDS = [
  '',
  '',
  '',
  'три',
  'четыре',
  'пять',
  'шесть',
  'семь',
  'восемь',
  'девять',
  'десять',
  'одиннадцать',
  'двенадцать',
];

/** A cardinal 1–12 in the nominative as a word; "один/одна/одно" and "два/две" agree with the noun. */
export function numberWord(n: number, gender: RuGender): string {
  if (n === 1) return gender === 'f' ? 'одна' : gender === 'n' ? 'одно' : 'один';
  if (n === 2) return gender === 'f' ? 'две' : 'два';
  const w = WORDS[n];
  if (!w) throw new Error(`numberWord: no Russian word for ${n}`);
  return w;
}

/** Personal pronoun forms; `after` are those used after a preposition (у неё, с ним). */
export const PRONOUN: Record<Sex, { plain: RuCases; after: RuCases; poss: string }> = {
  f: {
    plain: { nom: 'она', gen: 'её', dat: 'ей', acc: 'её', ins: 'ей', prep: 'ней' },
    after: { nom: 'она', gen: 'неё', dat: 'ней', acc: 'неё', ins: 'ней', prep: 'ней' },
    poss: 'её',
  },
  m: {
    plain: { nom: 'он', gen: 'его', dat: 'ему', acc: 'его', ins: 'им', prep: 'нём' },
    after: { nom: 'он', gen: 'него', dat: 'нему', acc: 'него', ins: 'ним', prep: 'нём' },
    poss: 'его',
  },
};

/** The past tense agrees with the subject's sex: родился / родилась. */
export function past(masc: string, sex: Sex): string {
  if (sex === 'm') return masc;
  // Reflexive verbs put the feminine -а before -сь (родился → родилась).
  if (masc.endsWith('ся')) return `${masc.slice(0, -3)}лась`;
  return `${masc}а`;
}

/** Relative pronoun agreeing with its antecedent: который / которая / которое. */
export function which(gender: RuGender): string {
  return gender === 'f' ? 'которая' : gender === 'n' ? 'которое' : 'который';
}
