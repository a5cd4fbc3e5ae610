// What every template needs: how to mention a person (by name or by pronoun) in each language,
// how to write a count, and the shape of a template variant.
import { numberWord as enWord } from '../grammar/en';
import { countForm, numberWord as ruWord, PRONOUN } from '../grammar/ru';
import { countWord as zhWord } from '../grammar/zh';
import { slot, type Part } from '../sentence';
import type { Fact, Person, Role, RuCase, Thing } from '../types';

/** A mention of a person: by name, or by pronoun once the paragraph has introduced them. */
export interface Ref {
  person: Person;
  pronoun: boolean;
}

export interface Ctx {
  p: Ref;
  /** Counts 1–12 as words ("three cats") rather than digits. */
  words: boolean;
}

/**
 * One way of saying a fact, in all three languages; the three are translations of each other,
 * so a parallel pair uses one variant for both sides.
 */
export interface Variant<F extends Fact> {
  en(f: F, c: Ctx): Part[];
  ru(f: F, c: Ctx): Part[];
  zh(f: F, c: Ctx): Part[];
  /** Whether the subject may be a pronoun (false where the word order would turn awkward). */
  pronoun: boolean;
}

// ---- English ----

/** Subject: "Anna" (a `who` slot) or "she". */
export function enSubj(r: Ref, role: Role = 'who'): Part {
  if (r.pronoun) return r.person.sex === 'f' ? 'she' : 'he';
  return slot(role, r.person.name.en);
}

/** Possessive determiner: "Anna's" or "her". */
export function enPoss(r: Ref, role: Role = 'who'): Part[] {
  if (r.pronoun) return [r.person.sex === 'f' ? 'her' : 'his'];
  return [slot(role, r.person.name.en), "'s"];
}

export function enCount(n: number, t: Thing, words: boolean): Part[] {
  const num = words && n <= 12 ? enWord(n) : String(n);
  return [slot('count', num), ` ${n === 1 ? t.en : t.enPlural}`];
}

// ---- Russian ----

/** A person in a case; only the nominative name is a `who` slot (a QA answer is the name itself). */
export function ruP(r: Ref, c: RuCase, opts: { afterPrep?: boolean; role?: Role } = {}): Part {
  if (r.pronoun) return PRONOUN[r.person.sex][opts.afterPrep ? 'after' : 'plain'][c];
  const form = r.person.name.ru[c];
  return c === 'nom' ? slot(opts.role ?? 'who', form) : form;
}

/** Copula dash between subject and nominal predicate: "Анна — врач", but "она врач". */
export function ruDash(r: Ref): string {
  return r.pronoun ? ' ' : ' — ';
}

export function ruCount(n: number, t: Thing, words: boolean): Part[] {
  const num = words && n <= 12 ? ruWord(n, t.ru.gender) : String(n);
  const form = countForm(n);
  return [slot('count', num), ` ${form === 'genPl' ? t.ru.genPl : t.ru[form]}`];
}

// ---- Chinese ----

export function zhP(r: Ref, role: Role = 'who'): Part {
  if (r.pronoun) return r.person.sex === 'f' ? '她' : '他';
  return slot(role, r.person.name.zh);
}

export function zhCount(n: number, t: Thing, words: boolean): Part[] {
  return [slot('count', words && n <= 12 ? zhWord(n) : String(n)), `${t.mw}${t.zh}`];
}

/** A second person, always by name (relations mention both people). */
export function nameRef(person: Person): Ref {
  return { person, pronoun: false };
}
