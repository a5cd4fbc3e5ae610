// Templates for possessions: one coloured thing ("owns a red car") and counted things ("has three cats").
// Russian exercises four cases here: владеет + instrumental, у + genitive, принадлежит + dative, купил + accusative.
import { article } from '../grammar/en';
import { adjective, past, PRONOUN } from '../grammar/ru';
import { slot, type Part } from '../sentence';
import type { FactOf, RuCase } from '../types';
import { enCount, enPoss, enSubj, ruCount, ruP, zhCount, zhP, type Ctx, type Variant } from './common';

type Owns = FactOf<'owns'>;
type Count = FactOf<'count'>;

/** "red car" in a case, the adjective agreeing in gender (and animacy for the accusative). */
function ruThing(f: Owns, c: RuCase, colourSlot: boolean): Part[] {
  const t = f.thing.ru;
  const adj = adjective(f.colour.ru, t.gender, c, t.animate);
  return [colourSlot ? slot('colour', adj) : adj, ` ${t[c]}`];
}

function enThing(f: Owns): Part[] {
  return [`${article(f.colour.en)} `, slot('colour', f.colour.en), ` ${f.thing.en}`];
}

function zhThing(f: Owns): Part[] {
  return [`一${f.thing.mw}`, slot('colour', f.colour.zh), `的${f.thing.zh}`];
}

function enObj(c: Ctx): Part {
  if (c.p.pronoun) return c.p.person.sex === 'f' ? 'her' : 'him';
  return slot('who', c.p.person.name.en);
}

// RU `colour` slots are marked only where the adjective is nominative ("красная"), the natural answer to "Какого цвета?".
export const OWNS: Variant<Owns>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' owns ', ...enThing(f), '.'],
    ru: (f, c) => [ruP(c.p, 'nom'), ' владеет ', ...ruThing(f, 'ins', false), '.'],
    zh: (f, c) => [zhP(c.p), '拥有', ...zhThing(f), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' has ', ...enThing(f), '.'],
    ru: (f, c) => ['у ', ruP(c.p, 'gen', { afterPrep: true }), ' есть ', ...ruThing(f, 'nom', true), '.'],
    zh: (f, c) => [zhP(c.p), '有', ...zhThing(f), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => ['the ', slot('colour', f.colour.en), ` ${f.thing.en} belongs to `, enObj(c), '.'],
    ru: (f, c) => [...ruThing(f, 'nom', false), ' принадлежит ', ruP(c.p, 'dat'), '.'],
    zh: (f, c) => [`那${f.thing.mw}`, slot('colour', f.colour.zh), `的${f.thing.zh}是`, zhP(c.p), '的。'],
  },
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' bought ', ...enThing(f), ' last year.'],
    ru: (f, c) => ['в прошлом году ', ruP(c.p, 'nom'), ` ${past('купил', f.p.sex)} `, ...ruThing(f, 'acc', false), '.'],
    zh: (f, c) => [zhP(c.p), '去年买了', ...zhThing(f), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => [...enPoss(c.p), ` ${f.thing.en} is `, slot('colour', f.colour.en), '.'],
    ru: (f, c) => [
      `${f.thing.ru.nom} у `,
      ruP(c.p, 'gen', { afterPrep: true }),
      ' ',
      slot('colour', adjective(f.colour.ru, f.thing.ru.gender, 'nom', f.thing.ru.animate)),
      '.',
    ],
    zh: (f, c) => [zhP(c.p), `的${f.thing.zh}是`, slot('colour', f.colour.zh), '的。'],
  },
];

export const COUNT: Variant<Count>[] = [
  {
    pronoun: true,
    en: (f, c) => [enSubj(c.p), ' has ', ...enCount(f.n, f.thing, c.words), '.'],
    ru: (f, c) => ['у ', ruP(c.p, 'gen', { afterPrep: true }), ' ', ...ruCount(f.n, f.thing, c.words), '.'],
    zh: (f, c) => [zhP(c.p), '有', ...zhCount(f.n, f.thing, c.words), '。'],
  },
  {
    pronoun: true,
    // English agrees the verb with the count: "there is one cat", "there are three cats".
    en: (f, c) => [
      `there ${f.n === 1 ? 'is' : 'are'} `,
      ...enCount(f.n, f.thing, c.words),
      ' in ',
      ...enPoss(c.p),
      ' house.',
    ],
    ru: (f, c) => [
      ...(c.p.pronoun ? [`в ${PRONOUN[f.p.sex].poss} доме `] : ['в доме ', ruP(c.p, 'gen'), ' ']),
      ...ruCount(f.n, f.thing, c.words),
      '.',
    ],
    zh: (f, c) => [zhP(c.p), '家里有', ...zhCount(f.n, f.thing, c.words), '。'],
  },
  {
    pronoun: true,
    en: (f, c) => ['in total, ', enSubj(c.p), ' has ', ...enCount(f.n, f.thing, c.words), '.'],
    ru: (f, c) => ['всего у ', ruP(c.p, 'gen', { afterPrep: true }), ' ', ...ruCount(f.n, f.thing, c.words), '.'],
    zh: (f, c) => [zhP(c.p), '一共有', ...zhCount(f.n, f.thing, c.words), '。'],
  },
];
