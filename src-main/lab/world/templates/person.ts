// Templates for facts about one person: where they live, their job, when and where they were born.
// Each variant is one sentence in EN, RU and ZH that translate each other.
import { article } from '../grammar/en';
import { past, PRONOUN, which } from '../grammar/ru';
import { slot } from '../sentence';
import type { FactOf } from '../types';
import { enPoss, enSubj, ruDash, ruP, zhP, type Variant } from './common';

type Lives = FactOf<'livesIn'>;
type Job = FactOf<'job'>;
type Year = FactOf<'bornYear'>;
type Born = FactOf<'bornIn'>;

// RU `city` slots are always the locative phrase ("в Париже"): that is the natural answer to "Где?".
export const LIVES_IN: Variant<Lives>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' lives in ', slot('city', f.city.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ' живёт ', slot('city', f.city.ru.loc), '.'],
    zh: (f, c) => [zhP(c.p), '住在', slot('city', f.city.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' is a resident of ', slot('city', f.city.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ruDash(c.p), f.p.sex === 'f' ? 'жительница ' : 'житель ', f.city.ru.gen, '.'],
    zh: (f, c) => [zhP(c.p), '是', slot('city', f.city.zh), '的居民。'],
  },
  {
    pronoun: true,
    en: (f, c) => [...enPoss(c.p), ' home is in ', slot('city', f.city.en), '.'],
    ru: (f, c) =>
      c.p.pronoun
        ? [PRONOUN[f.p.sex].poss, ' дом находится ', slot('city', f.city.ru.loc), '.']
        : ['дом ', ruP(c.p, 'gen'), ' находится ', slot('city', f.city.ru.loc), '.'],
    zh: (f, c) => [zhP(c.p), '的家在', slot('city', f.city.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [
      enSubj(c.p),
      ' lives in ',
      slot('city', f.city.en),
      ', which is in ',
      slot('country', f.city.country.en),
      '.',
    ],
    ru: (f, c) => [
      ruP(c.p, 'nom'),
      ' живёт ',
      slot('city', f.city.ru.loc),
      ', ',
      which(f.city.ru.gender),
      ' находится ',
      f.city.country.ru.loc,
      '.',
    ],
    zh: (f, c) => [zhP(c.p), '住在', slot('country', f.city.country.zh), '的', slot('city', f.city.zh), '。'],
  },
];

// RU `prof` slots are the instrumental ("работает врачом"), the natural answer to "Кем работает?".
export const JOB: Variant<Job>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ` works as ${article(f.prof.en)} `, slot('prof', f.prof.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ' работает ', slot('prof', f.prof.ru[f.p.sex].ins), '.'],
    zh: (f, c) => [zhP(c.p), '是一名', slot('prof', f.prof.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ` is ${article(f.prof.en)} `, slot('prof', f.prof.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ruDash(c.p), f.prof.ru[f.p.sex].nom, '.'],
    zh: (f, c) => [zhP(c.p), '是', slot('prof', f.prof.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => ['by profession, ', enSubj(c.p), ` is ${article(f.prof.en)} `, slot('prof', f.prof.en), '.'],
    ru: (f, c) => ['по профессии ', ruP(c.p, 'nom'), ruDash(c.p), f.prof.ru[f.p.sex].nom, '.'],
    zh: (f, c) => [zhP(c.p), '的职业是', slot('prof', f.prof.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ` has worked as ${article(f.prof.en)} `, slot('prof', f.prof.en), ' for many years.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ' уже много лет работает ', slot('prof', f.prof.ru[f.p.sex].ins), '.'],
    zh: (f, c) => [zhP(c.p), '当', slot('prof', f.prof.zh), '已经很多年了。'],
  },
];

export const BORN_YEAR: Variant<Year>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' was born in ', slot('year', String(f.year)), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ` ${past('родился', f.p.sex)} в `, slot('year', String(f.year)), ' году.'],
    zh: (f, c) => [zhP(c.p), '出生于', slot('year', String(f.year)), '年。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' was born in the year ', slot('year', String(f.year)), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ` ${past('появился', f.p.sex)} на свет в `, slot('year', String(f.year)), ' году.'],
    zh: (f, c) => [zhP(c.p), '是', slot('year', String(f.year)), '年出生的。'],
  },
  {
    pronoun: true,
    en: (f, c) => [...enPoss(c.p), ' year of birth is ', slot('year', String(f.year)), '.'],
    ru: (f, c) =>
      c.p.pronoun
        ? [PRONOUN[f.p.sex].poss, ' год рождения — ', slot('year', String(f.year)), '.']
        : ['год рождения ', ruP(c.p, 'gen'), ' — ', slot('year', String(f.year)), '.'],
    zh: (f, c) => [zhP(c.p), '的出生年份是', slot('year', String(f.year)), '年。'],
  },
];

export const BORN_IN: Variant<Born>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' was born in ', slot('city', f.city.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ` ${past('родился', f.p.sex)} `, slot('city', f.city.ru.loc), '.'],
    zh: (f, c) => [zhP(c.p), '出生在', slot('city', f.city.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' comes from ', slot('city', f.city.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ' родом из ', f.city.ru.gen, '.'],
    zh: (f, c) => [zhP(c.p), '来自', slot('city', f.city.zh), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [...enPoss(c.p), ' hometown is ', slot('city', f.city.en), '.'],
    ru: (f, c) =>
      c.p.pronoun
        ? [PRONOUN[f.p.sex].poss, ' родной город — ', f.city.ru.nom, '.']
        : ['родной город ', ruP(c.p, 'gen'), ' — ', f.city.ru.nom, '.'],
    zh: (f, c) => [zhP(c.p), '的家乡是', slot('city', f.city.zh), '。'],
  },
];
