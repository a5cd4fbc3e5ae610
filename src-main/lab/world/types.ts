// The demo world's data model: lexicon entries, people and the facts that relate them.
// Facts hold their entries directly (not indices) so that a test can build one by hand and render it.

export type Lang = 'en' | 'ru' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'ru', 'zh'];

export type Sex = 'm' | 'f';
/** Russian grammatical gender; neuter exists for things only. */
export type RuGender = 'm' | 'f' | 'n';
export type RuCase = 'nom' | 'gen' | 'dat' | 'acc' | 'ins' | 'prep';
export type RuCases = Record<RuCase, string>;

export interface PersonName {
  en: string;
  ru: RuCases;
  zh: string;
}

/** Which expert's corpus tells this person's story: both, or only one (so the two experts know different things). */
export type Coverage = 'both' | 'en-ru' | 'en-zh';
export type Split = 'train' | 'heldout';

export interface Person {
  id: number;
  name: PersonName;
  sex: Sex;
  /** Birth year; kept on the person because sibling words (older/younger; 姐姐/妹妹) depend on it. */
  year: number;
  split: Split;
  coverage: Coverage;
}

export interface Country {
  en: string;
  /** `loc` is the whole locative phrase, preposition included ("во Франции"). */
  ru: { nom: string; gen: string; loc: string };
  zh: string;
}

export interface City {
  en: string;
  ru: { nom: string; gen: string; loc: string; gender: RuGender };
  zh: string;
  country: Country;
  capital: boolean;
}

export interface Profession {
  en: string;
  ru: { m: { nom: string; ins: string }; f: { nom: string; ins: string } };
  zh: string;
}

/** A Russian adjective given by stem and type: hard (красн-ый) or soft (син-ий). */
export interface Colour {
  en: string;
  ru: { stem: string; soft: boolean };
  zh: string;
}

export interface Thing {
  en: string;
  enPlural: string;
  ru: RuCases & { genPl: string; gender: RuGender; animate: boolean };
  zh: string;
  /** Chinese measure word (个, 只, 辆, 本 …). */
  mw: string;
  /** Colours that make sense for it (horses are not purple); absent: any. */
  colours?: readonly string[];
}

export type Fact =
  | { id: number; kind: 'livesIn'; p: Person; city: City }
  | { id: number; kind: 'job'; p: Person; prof: Profession }
  | { id: number; kind: 'owns'; p: Person; colour: Colour; thing: Thing }
  | { id: number; kind: 'count'; p: Person; n: number; thing: Thing }
  | { id: number; kind: 'bornYear'; p: Person; year: number }
  | { id: number; kind: 'bornIn'; p: Person; city: City }
  | { id: number; kind: 'sibling'; p: Person; q: Person }
  | { id: number; kind: 'friend'; p: Person; q: Person }
  | { id: number; kind: 'cityIn'; city: City };

export type FactKind = Fact['kind'];
/** A fact before its id is assigned (Omit distributed over the union). */
export type FactDraft = Fact extends infer F ? (F extends Fact ? Omit<F, 'id'> : never) : never;
export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

/** Named pieces of a sentence, located so that QA answers are exact spans. */
export type Role = 'who' | 'other' | 'city' | 'prof' | 'colour' | 'count' | 'year' | 'country';

export interface Sentence {
  text: string;
  /** [start, end) in UTF-16 code units of `text`, first occurrence of each role. */
  spans: Partial<Record<Role, [number, number]>>;
  factIds: number[];
  variant: number;
}
