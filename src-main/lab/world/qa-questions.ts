// Question wording for the QA sets, per question type and language. Questions whose answer is a
// person's name ("Who lives in Paris?") can only be answered by copying from the paragraph.
import { article } from './grammar/en';
import { adjective, past } from './grammar/ru';
import { siblingWords } from './templates/relations';
import type { City, Colour, Lang, Person, Profession, Role, Thing } from './types';

export type QaType =
  | 'whoLives'
  | 'whereLives'
  | 'whoJob'
  | 'whatJob'
  | 'whoOwns'
  | 'whatColour'
  | 'howMany'
  | 'whatYear'
  | 'whoSibling'
  | 'whoFriend';

/** The sentence role whose span answers each type. */
export const ANSWER_ROLE: Record<QaType, Role> = {
  whoLives: 'who',
  whereLives: 'city',
  whoJob: 'who',
  whatJob: 'prof',
  whoOwns: 'who',
  whatColour: 'colour',
  howMany: 'count',
  whatYear: 'year',
  whoSibling: 'who',
  whoFriend: 'who',
};

/** Everything a question may mention. `q` is the person a relation question asks about; `p` the one it names. */
export interface QuestionData {
  p?: Person;
  q?: Person;
  city?: City;
  prof?: Profession;
  colour?: Colour;
  thing?: Thing;
  /** Sex used in gendered wording when the asker cannot know it (an unanswerable "who" question). */
  sex?: 'm' | 'f';
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`question needs ${what}`);
  return v;
}

export function questionText(type: QaType, lang: Lang, d: QuestionData): string {
  switch (type) {
    case 'whoLives': {
      const c = need(d.city, 'city');
      return { en: `Who lives in ${c.en}?`, ru: `Кто живёт ${c.ru.loc}?`, zh: `谁住在${c.zh}？` }[lang];
    }
    case 'whereLives': {
      const p = need(d.p, 'p');
      return { en: `Where does ${p.name.en} live?`, ru: `Где живёт ${p.name.ru.nom}?`, zh: `${p.name.zh}住在哪里？` }[
        lang
      ];
    }
    case 'whoJob': {
      const pr = need(d.prof, 'prof');
      const sex = d.p?.sex ?? d.sex ?? 'm';
      return {
        en: `Who works as ${article(pr.en)} ${pr.en}?`,
        ru: `Кто работает ${pr.ru[sex].ins}?`,
        zh: `谁是${pr.zh}？`,
      }[lang];
    }
    case 'whatJob': {
      const p = need(d.p, 'p');
      return {
        en: `What is ${p.name.en}'s job?`,
        ru: `Кем работает ${p.name.ru.nom}?`,
        zh: `${p.name.zh}的职业是什么？`,
      }[lang];
    }
    case 'whoOwns': {
      const t = need(d.thing, 'thing');
      const c = need(d.colour, 'colour');
      const ruAdj = adjective(c.ru, t.ru.gender, 'ins', t.ru.animate);
      return {
        en: `Who owns the ${c.en} ${t.en}?`,
        ru: `Кто владеет ${ruAdj} ${t.ru.ins}?`,
        zh: `谁有${c.zh}的${t.zh}？`,
      }[lang];
    }
    case 'whatColour': {
      const p = need(d.p, 'p');
      const t = need(d.thing, 'thing');
      return {
        en: `What colour is ${p.name.en}'s ${t.en}?`,
        ru: `Какого цвета ${t.ru.nom} у ${p.name.ru.gen}?`,
        zh: `${p.name.zh}的${t.zh}是什么颜色的？`,
      }[lang];
    }
    case 'howMany': {
      const p = need(d.p, 'p');
      const t = need(d.thing, 'thing');
      return {
        en: `How many ${t.enPlural} does ${p.name.en} have?`,
        ru: `Сколько ${t.ru.genPl} у ${p.name.ru.gen}?`,
        zh: `${p.name.zh}有多少${t.mw}${t.zh}？`,
      }[lang];
    }
    case 'whatYear': {
      const p = need(d.p, 'p');
      return {
        en: `In which year was ${p.name.en} born?`,
        ru: `В каком году ${past('родился', p.sex)} ${p.name.ru.nom}?`,
        zh: `${p.name.zh}是哪一年出生的？`,
      }[lang];
    }
    case 'whoSibling': {
      const p = need(d.p, 'p');
      const q = need(d.q, 'q');
      const w = siblingWords(p, q);
      // "Как зовут сестру Ивана?": the sibling noun is accusative after "зовут".
      const ruAcc = p.sex === 'f' ? 'сестру' : 'брата';
      return {
        en: `Who is ${q.name.en}'s ${w.en}?`,
        ru: `Как зовут ${ruAcc} ${q.name.ru.gen}?`,
        zh: `${q.name.zh}的${w.zh}是谁？`,
      }[lang];
    }
    case 'whoFriend': {
      const q = need(d.q, 'q');
      return {
        en: `Who is ${q.name.en}'s friend?`,
        ru: `Кто дружит с ${q.name.ru.ins}?`,
        zh: `谁是${q.name.zh}的朋友？`,
      }[lang];
    }
  }
}
