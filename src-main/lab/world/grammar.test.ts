// Exact spot checks of the three grammars on hand-built facts: Russian case, gender, animacy and
// numeral agreement; Chinese measure words and sibling age; English articles and agreement.
import { describe, expect, it } from 'vitest';
import { countForm, declineName } from './grammar/ru';
import { countWord } from './grammar/zh';
import { makeName } from './lexicon/names';
import { cityByEn } from './lexicon/places';
import { professionByEn } from './lexicon/professions';
import { colourByEn, COUNTABLE, OWNABLE, thingByEn } from './lexicon/things';
import { renderFact, type RenderOptions } from './templates/index';
import type { Fact, FactDraft, Lang, Person, Sex } from './types';

function person(en: string, ru: string, zh: string, sex: Sex, year: number): Person {
  return { id: 0, name: makeName(en, ru, zh, sex), sex, year, split: 'train', coverage: 'both' };
}
const lorina = person('Lorina', 'Лорина', '洛丽娜', 'f', 1980);
const kamir = person('Kamir', 'Камир', '卡米尔', 'm', 1985);
const milania = person('Milania', 'Милания', '米拉妮娅', 'f', 1990);

function say(f: FactDraft, lang: Lang, o: RenderOptions = {}): string {
  return renderFact({ ...f, id: 0 } as Fact, lang, o).text;
}
const ru = (f: FactDraft, o: RenderOptions = {}) => say(f, 'ru', o);
const zh = (f: FactDraft, o: RenderOptions = {}) => say(f, 'zh', o);
const en = (f: FactDraft, o: RenderOptions = {}) => say(f, 'en', o);

describe('Russian names', () => {
  it('declines female -а, -ка (spelling rule), -ия and male consonant names', () => {
    expect(declineName('Лорина', 'f')).toEqual({
      nom: 'Лорина',
      gen: 'Лорины',
      dat: 'Лорине',
      acc: 'Лорину',
      ins: 'Лориной',
      prep: 'Лорине',
    });
    expect(declineName('Лика', 'f')).toMatchObject({ gen: 'Лики', ins: 'Ликой' });
    expect(declineName('Милания', 'f')).toEqual({
      nom: 'Милания',
      gen: 'Милании',
      dat: 'Милании',
      acc: 'Миланию',
      ins: 'Миланией',
      prep: 'Милании',
    });
    expect(declineName('Камир', 'm')).toEqual({
      nom: 'Камир',
      gen: 'Камира',
      dat: 'Камиру',
      acc: 'Камира',
      ins: 'Камиром',
      prep: 'Камире',
    });
  });
});

describe('Russian templates', () => {
  const moscow = cityByEn('Moscow');
  const kazan = cityByEn('Kazan');
  it('puts places in the prepositional (and "во" before Франция), agreeing "который" with the city', () => {
    expect(ru({ kind: 'livesIn', p: lorina, city: moscow }, { variant: 0 })).toBe('Лорина живёт в Москве.');
    expect(ru({ kind: 'livesIn', p: lorina, city: moscow }, { variant: 1 })).toBe('Лорина — жительница Москвы.');
    expect(ru({ kind: 'livesIn', p: kamir, city: kazan }, { variant: 1 })).toBe('Камир — житель Казани.');
    expect(ru({ kind: 'livesIn', p: kamir, city: kazan }, { variant: 3 })).toBe(
      'Камир живёт в Казани, которая находится в России.',
    );
    expect(ru({ kind: 'livesIn', p: kamir, city: cityByEn('Paris') }, { variant: 3 })).toBe(
      'Камир живёт в Париже, который находится во Франции.',
    );
    expect(ru({ kind: 'livesIn', p: kamir, city: cityByEn('Tokyo') }, { variant: 2, pronoun: true })).toBe(
      'Его дом находится в Токио.',
    );
    expect(ru({ kind: 'cityIn', city: cityByEn('Lyon') }, { variant: 0 })).toBe('Лион — город во Франции.');
  });
  it('uses the instrumental after "работает" and feminine nouns where Russian has them', () => {
    expect(ru({ kind: 'job', p: lorina, prof: professionByEn('teacher') }, { variant: 0 })).toBe(
      'Лорина работает учительницей.',
    );
    expect(ru({ kind: 'job', p: lorina, prof: professionByEn('teacher') }, { variant: 1 })).toBe(
      'Лорина — учительница.',
    );
    expect(ru({ kind: 'job', p: lorina, prof: professionByEn('doctor') }, { variant: 1, pronoun: true })).toBe(
      'Она врач.',
    );
    expect(ru({ kind: 'job', p: kamir, prof: professionByEn('judge') }, { variant: 0 })).toBe('Камир работает судьёй.');
    expect(ru({ kind: 'job', p: kamir, prof: professionByEn('singer') }, { variant: 2 })).toBe(
      'По профессии Камир — певец.',
    );
  });
  it('agrees colour adjectives in gender, case and animacy', () => {
    const white = colourByEn('white');
    const green = colourByEn('green');
    const blue = colourByEn('blue');
    const red = colourByEn('red');
    expect(ru({ kind: 'owns', p: lorina, thing: thingByEn('horse'), colour: white }, { variant: 3 })).toBe(
      'В прошлом году Лорина купила белую лошадь.',
    );
    expect(ru({ kind: 'owns', p: kamir, thing: thingByEn('parrot'), colour: green }, { variant: 3 })).toBe(
      'В прошлом году Камир купил зелёного попугая.',
    );
    expect(ru({ kind: 'owns', p: kamir, thing: thingByEn('umbrella'), colour: blue }, { variant: 3 })).toBe(
      'В прошлом году Камир купил синий зонт.',
    );
    expect(ru({ kind: 'owns', p: kamir, thing: thingByEn('armchair'), colour: blue }, { variant: 1 })).toBe(
      'У Камира есть синее кресло.',
    );
    expect(
      ru({ kind: 'owns', p: kamir, thing: thingByEn('armchair'), colour: blue }, { variant: 1, pronoun: true }),
    ).toBe('У него есть синее кресло.');
    expect(ru({ kind: 'owns', p: lorina, thing: thingByEn('car'), colour: blue }, { variant: 0 })).toBe(
      'Лорина владеет синей машиной.',
    );
    expect(ru({ kind: 'owns', p: lorina, thing: thingByEn('bicycle'), colour: red }, { variant: 2 })).toBe(
      'Красный велосипед принадлежит Лорине.',
    );
    expect(
      ru({ kind: 'owns', p: lorina, thing: thingByEn('bicycle'), colour: red }, { variant: 2, pronoun: true }),
    ).toBe('Красный велосипед принадлежит ей.');
    expect(ru({ kind: 'owns', p: kamir, thing: thingByEn('car'), colour: blue }, { variant: 4, pronoun: true })).toBe(
      'Машина у него синяя.',
    );
    expect(ru({ kind: 'owns', p: milania, thing: thingByEn('horse'), colour: white }, { variant: 0 })).toBe(
      'Милания владеет белой лошадью.',
    );
  });
  it('agrees nouns with numerals: 1 / 2–4 / 5+ (and 11–14, 21, 22), with gendered один/одна/одно, два/две', () => {
    const cat = thingByEn('cat');
    const book = thingByEn('book');
    const pencil = thingByEn('pencil');
    const mirror = thingByEn('mirror');
    const c = (n: number, thing = cat, words = true) =>
      ru({ kind: 'count', p: lorina, thing, n }, { variant: 0, words });
    expect(c(1)).toBe('У Лорины одна кошка.');
    expect(c(2)).toBe('У Лорины две кошки.');
    expect(c(5)).toBe('У Лорины пять кошек.');
    expect(c(2, pencil)).toBe('У Лорины два карандаша.');
    expect(c(1, pencil)).toBe('У Лорины один карандаш.');
    expect(c(1, mirror)).toBe('У Лорины одно зеркало.');
    expect(c(3, mirror)).toBe('У Лорины три зеркала.');
    expect(c(5, mirror, false)).toBe('У Лорины 5 зеркал.');
    expect(c(21, book, false)).toBe('У Лорины 21 книга.');
    expect(c(22, book, false)).toBe('У Лорины 22 книги.');
    expect(c(11, book, false)).toBe('У Лорины 11 книг.');
    expect(c(14, book, false)).toBe('У Лорины 14 книг.');
    expect(c(12, book)).toBe('У Лорины двенадцать книг.');
    expect(ru({ kind: 'count', p: lorina, thing: cat, n: 3 }, { variant: 1, words: true, pronoun: true })).toBe(
      'В её доме три кошки.',
    );
    expect(countForm(111)).toBe('genPl');
    expect(countForm(101)).toBe('nom');
  });
  it('puts the past tense in the subject’s gender', () => {
    expect(ru({ kind: 'bornYear', p: lorina, year: 1987 }, { variant: 0 })).toBe('Лорина родилась в 1987 году.');
    expect(ru({ kind: 'bornYear', p: kamir, year: 1987 }, { variant: 0 })).toBe('Камир родился в 1987 году.');
    expect(ru({ kind: 'bornYear', p: lorina, year: 1987 }, { variant: 1 })).toBe(
      'Лорина появилась на свет в 1987 году.',
    );
    expect(ru({ kind: 'bornIn', p: lorina, city: kazan }, { variant: 0 })).toBe('Лорина родилась в Казани.');
    expect(ru({ kind: 'bornIn', p: lorina, city: kazan }, { variant: 1 })).toBe('Лорина родом из Казани.');
    expect(ru({ kind: 'owns', p: lorina, thing: thingByEn('hat'), colour: colourByEn('black') }, { variant: 3 })).toBe(
      'В прошлом году Лорина купила чёрную шляпу.',
    );
  });
  it('declines the second person of a relation (instrumental, accusative, genitive)', () => {
    expect(ru({ kind: 'friend', p: lorina, q: kamir }, { variant: 0 })).toBe('Лорина дружит с Камиром.');
    expect(ru({ kind: 'friend', p: kamir, q: lorina }, { variant: 2 })).toBe(
      'Камир часто навещает свою подругу Лорину.',
    );
    expect(ru({ kind: 'friend', p: lorina, q: kamir }, { variant: 2 })).toBe(
      'Лорина часто навещает своего друга Камира.',
    );
    expect(ru({ kind: 'friend', p: lorina, q: milania }, { variant: 1 })).toBe('Лорина и Милания — подруги.');
    expect(ru({ kind: 'friend', p: lorina, q: kamir }, { variant: 1 })).toBe('Лорина и Камир — друзья.');
    expect(ru({ kind: 'sibling', p: lorina, q: kamir }, { variant: 1 })).toBe('Лорина — старшая сестра Камира.');
    expect(ru({ kind: 'sibling', p: kamir, q: lorina }, { variant: 0, pronoun: true })).toBe('Он брат Лорины.');
    expect(ru({ kind: 'sibling', p: kamir, q: milania }, { variant: 2 })).toBe('У Милании есть брат по имени Камир.');
  });
});

describe('Chinese templates', () => {
  it('uses the measure word of each thing', () => {
    const red = colourByEn('red');
    expect(zh({ kind: 'owns', p: lorina, thing: thingByEn('car'), colour: red }, { variant: 1 })).toBe(
      '洛丽娜有一辆红色的汽车。',
    );
    expect(
      zh({ kind: 'owns', p: lorina, thing: thingByEn('horse'), colour: colourByEn('white') }, { variant: 1 }),
    ).toBe('洛丽娜有一匹白色的马。');
    expect(zh({ kind: 'owns', p: lorina, thing: thingByEn('scarf'), colour: red }, { variant: 2 })).toBe(
      '那条红色的围巾是洛丽娜的。',
    );
    expect(zh({ kind: 'count', p: lorina, thing: thingByEn('book'), n: 3 }, { variant: 0, words: true })).toBe(
      '洛丽娜有三本书。',
    );
    expect(zh({ kind: 'count', p: lorina, thing: thingByEn('cat'), n: 2 }, { variant: 0, words: true })).toBe(
      '洛丽娜有两只猫。',
    );
    expect(zh({ kind: 'count', p: lorina, thing: thingByEn('fish'), n: 12 }, { variant: 2, words: true })).toBe(
      '洛丽娜一共有十二条鱼。',
    );
    expect(zh({ kind: 'count', p: lorina, thing: thingByEn('book'), n: 21 }, { variant: 0 })).toBe('洛丽娜有21本书。');
    const expected: Record<string, string> = {
      car: '辆',
      bicycle: '辆',
      horse: '匹',
      book: '本',
      cat: '只',
      fish: '条',
      umbrella: '把',
      lamp: '盏',
      boat: '艘',
      hat: '顶',
      cactus: '盆',
      mirror: '面',
    };
    for (const [thing, mw] of Object.entries(expected)) expect(thingByEn(thing).mw).toBe(mw);
    for (const t of [...OWNABLE, ...COUNTABLE]) {
      expect(zh({ kind: 'count', p: lorina, thing: t, n: 4 }, { variant: 0 })).toBe(`洛丽娜有4${t.mw}${t.zh}。`);
    }
  });
  it('writes numbers before measure words with 两 for two', () => {
    expect([1, 2, 10, 11, 12, 20, 21, 99].map(countWord)).toEqual([
      '一',
      '两',
      '十',
      '十一',
      '十二',
      '二十',
      '二十一',
      '九十九',
    ]);
  });
  it('chooses older/younger sibling words from the birth years', () => {
    expect(zh({ kind: 'sibling', p: lorina, q: kamir }, { variant: 0 })).toBe('洛丽娜是卡米尔的姐姐。');
    expect(zh({ kind: 'sibling', p: kamir, q: lorina }, { variant: 0 })).toBe('卡米尔是洛丽娜的弟弟。');
    expect(zh({ kind: 'sibling', p: lorina, q: kamir }, { variant: 1 })).toBe('卡米尔的姐姐是洛丽娜。');
    expect(zh({ kind: 'sibling', p: kamir, q: milania }, { variant: 0 })).toBe('卡米尔是米拉妮娅的哥哥。');
  });
});

describe('English templates', () => {
  it('chooses a/an and agrees number', () => {
    expect(en({ kind: 'job', p: kamir, prof: professionByEn('engineer') }, { variant: 0 })).toBe(
      'Kamir works as an engineer.',
    );
    expect(en({ kind: 'owns', p: lorina, thing: thingByEn('bag'), colour: colourByEn('orange') }, { variant: 1 })).toBe(
      'Lorina has an orange bag.',
    );
    expect(en({ kind: 'count', p: lorina, thing: thingByEn('cat'), n: 1 }, { variant: 1, words: true })).toBe(
      "There is one cat in Lorina's house.",
    );
    expect(en({ kind: 'count', p: lorina, thing: thingByEn('cat'), n: 3 }, { variant: 1, pronoun: true })).toBe(
      'There are 3 cats in her house.',
    );
    expect(en({ kind: 'count', p: lorina, thing: thingByEn('fish'), n: 2 }, { variant: 0, words: true })).toBe(
      'Lorina has two fish.',
    );
    expect(en({ kind: 'sibling', p: lorina, q: kamir }, { variant: 1 })).toBe('Lorina is the older sister of Kamir.');
    expect(en({ kind: 'bornYear', p: kamir, year: 1999 }, { variant: 2, pronoun: true })).toBe(
      'His year of birth is 1999.',
    );
  });
});

describe('spans', () => {
  it('locate the named roles in the text', () => {
    const s = renderFact({ id: 0, kind: 'livesIn', p: lorina, city: cityByEn('Vienna') }, 'ru', { variant: 0 });
    expect(s.text.slice(...s.spans.who!)).toBe('Лорина');
    expect(s.text.slice(...s.spans.city!)).toBe('в Вене');
    const z = renderFact({ id: 0, kind: 'owns', p: kamir, thing: thingByEn('car'), colour: colourByEn('red') }, 'zh', {
      variant: 4,
    });
    expect(z.text.slice(...z.spans.colour!)).toBe('红色');
  });
});
