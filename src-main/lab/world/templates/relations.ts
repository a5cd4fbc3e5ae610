// Templates for relations between people (siblings, friends) and for place facts (city in country).
// Sibling words carry age: Chinese must choose 姐姐/妹妹/哥哥/弟弟, so the birth years decide.
import { slot } from '../sentence';
import type { FactOf, Person } from '../types';
import { enSubj, nameRef, ruDash, ruP, zhP, type Variant } from './common';

type Sibling = FactOf<'sibling'>;
type Friend = FactOf<'friend'>;
type CityIn = FactOf<'cityIn'>;

/** The words for "p is q's sibling"; p is older when born earlier (siblings never share a year here). */
export function siblingWords(
  p: Person,
  q: Person,
): { en: string; enAge: string; ru: string; ruAge: string; zh: string } {
  const older = p.year < q.year;
  const f = p.sex === 'f';
  return {
    en: f ? 'sister' : 'brother',
    enAge: older ? 'older' : 'younger',
    ru: f ? 'сестра' : 'брат',
    ruAge: older ? (f ? 'старшая' : 'старший') : f ? 'младшая' : 'младший',
    zh: older ? (f ? '姐姐' : '哥哥') : f ? '妹妹' : '弟弟',
  };
}

export const SIBLING: Variant<Sibling>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' is ', slot('other', f.q.name.en), `'s ${siblingWords(f.p, f.q).en}.`],
    ru: (f, c) => [ruP(c.p, 'nom'), ruDash(c.p), `${siblingWords(f.p, f.q).ru} ${f.q.name.ru.gen}.`],
    zh: (f, c) => [zhP(c.p), '是', slot('other', f.q.name.zh), `的${siblingWords(f.p, f.q).zh}。`],
  },
  {
    pronoun: true,
    en: (f, c) => {
      const w = siblingWords(f.p, f.q);
      return [enSubj(c.p), ` is the ${w.enAge} ${w.en} of `, slot('other', f.q.name.en), '.'];
    },
    ru: (f, c) => {
      const w = siblingWords(f.p, f.q);
      return [ruP(c.p, 'nom'), ruDash(c.p), `${w.ruAge} ${w.ru} ${f.q.name.ru.gen}.`];
    },
    zh: (f, c) => [slot('other', f.q.name.zh), `的${siblingWords(f.p, f.q).zh}是`, zhP(c.p), '。'],
  },
  {
    pronoun: false,
    en: (f, c) => [slot('other', f.q.name.en), ` has a ${siblingWords(f.p, f.q).en} named `, enSubj(c.p), '.'],
    ru: (f, c) => [`у ${f.q.name.ru.gen} есть ${siblingWords(f.p, f.q).ru} по имени `, ruP(c.p, 'nom'), '.'],
    zh: (f, c) => [slot('other', f.q.name.zh), `有一个${siblingWords(f.p, f.q).zh}，名叫`, zhP(c.p), '。'],
  },
];

export const FRIEND: Variant<Friend>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' is a friend of ', slot('other', f.q.name.en), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ` дружит с ${f.q.name.ru.ins}.`],
    zh: (f, c) => [zhP(c.p), '是', slot('other', f.q.name.zh), '的朋友。'],
  },
  {
    pronoun: false,
    en: (f, c) => [enSubj(c.p), ' and ', slot('other', f.q.name.en), ' are friends.'],
    // Two women are "подруги"; any pair with a man is "друзья".
    ru: (f, c) => [
      ruP(c.p, 'nom'),
      ' и ',
      ruP(nameRef(f.q), 'nom', { role: 'other' }),
      f.p.sex === 'f' && f.q.sex === 'f' ? ' — подруги.' : ' — друзья.',
    ],
    zh: (f, c) => [zhP(c.p), '和', slot('other', f.q.name.zh), '是好朋友。'],
  },
  {
    pronoun: true,
    en: (f, c) => [
      enSubj(c.p),
      ` often visits ${f.p.sex === 'f' ? 'her' : 'his'} friend `,
      slot('other', f.q.name.en),
      '.',
    ],
    // свой agrees with the friend (своего друга / свою подругу); the name is accusative.
    ru: (f, c) => [
      ruP(c.p, 'nom'),
      ` часто навещает ${f.q.sex === 'f' ? 'свою подругу' : 'своего друга'} ${f.q.name.ru.acc}.`,
    ],
    zh: (f, c) => [zhP(c.p), '经常去看望朋友', slot('other', f.q.name.zh), '。'],
  },
];

export const CITY_IN: (Variant<CityIn> & { capitalOnly?: boolean })[] = [
  {
    pronoun: false,
    en: (f) => [slot('city', f.city.en), ' is a city in ', slot('country', f.city.country.en), '.'],
    ru: (f) => [slot('city', f.city.ru.nom), ' — город ', f.city.country.ru.loc, '.'],
    zh: (f) => [slot('city', f.city.zh), '是', slot('country', f.city.country.zh), '的一座城市。'],
  },
  {
    pronoun: false,
    en: (f) => [slot('city', f.city.en), ' is located in ', slot('country', f.city.country.en), '.'],
    ru: (f) => [slot('city', f.city.ru.nom), ' находится ', f.city.country.ru.loc, '.'],
    zh: (f) => [slot('city', f.city.zh), '位于', slot('country', f.city.country.zh), '。'],
  },
  {
    pronoun: false,
    capitalOnly: true,
    en: (f) => [slot('city', f.city.en), ' is the capital of ', slot('country', f.city.country.en), '.'],
    ru: (f) => [slot('city', f.city.ru.nom), ' — столица ', slot('country', f.city.country.ru.gen), '.'],
    zh: (f) => [slot('city', f.city.zh), '是', slot('country', f.city.country.zh), '的首都。'],
  },
];
