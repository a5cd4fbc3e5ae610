// Reading-comprehension paragraphs in SQuAD v2 layout. Each paragraph describes a handful of
// freshly invented people (names never used in the world corpora), so its answers can only come
// from the paragraph itself; some questions have no answer there at all.
import type { Rng } from '../../engine/util/rng';
import { uniqueName } from './lexicon/names';
import { CITIES } from './lexicon/places';
import { PROFESSIONS } from './lexicon/professions';
import { COUNTABLE, coloursFor, COLOURS, OWNABLE } from './lexicon/things';
import { drawCount, pick, YEAR_MAX, YEAR_MIN } from './model';
import { ANSWER_ROLE, questionText, type QaType, type QuestionData } from './qa-questions';
import { renderFact } from './templates/index';
import type { Fact, Lang, Person, Sentence } from './types';

export interface SquadAnswer {
  text: string;
  answer_start: number;
}
export interface SquadQa {
  id: string;
  question: string;
  answers: SquadAnswer[];
  is_impossible: boolean;
}
export interface SquadParagraph {
  context: string;
  qas: SquadQa[];
}
export interface SquadDataset {
  version: 'v2.0';
  data: { title: string; paragraphs: SquadParagraph[] }[];
}

export interface QaItem {
  type: QaType;
  /** The fact that answers it; null when the paragraph holds no answer. */
  factId: number | null;
  question: string;
  answer: SquadAnswer | null;
}

export interface QaParagraph {
  context: string;
  items: QaItem[];
}

const KINDS = ['livesIn', 'job', 'owns', 'count', 'bornYear'] as const;

const TYPES_FOR: Record<Fact['kind'], QaType[]> = {
  livesIn: ['whoLives', 'whereLives'],
  job: ['whoJob', 'whatJob'],
  owns: ['whoOwns', 'whatColour'],
  count: ['howMany'],
  bornYear: ['whatYear'],
  sibling: ['whoSibling'],
  friend: ['whoFriend'],
  bornIn: [],
  cityIn: [],
};

interface Plan {
  people: Person[];
  facts: Fact[];
  /** Question type per targeted fact id. */
  targets: Map<number, QaType>;
  impossible: { type: QaType; data: QuestionData }[];
  words: Map<number, boolean>;
}

/** Draws the people, facts and questions of one paragraph (language-independent). */
function plan(rng: Rng, worldNames: ReadonlySet<string>): Plan {
  const local = new Set<string>();
  const k = 3 + rng.int(3);
  const people: Person[] = [];
  for (let i = 0; i < k; i++) {
    const sex = rng.int(2) === 0 ? 'f' : 'm';
    // No Chinese name inside another in the same paragraph (诺塞顿 / 塞顿): the text has no spaces.
    const name = uniqueName(
      rng,
      sex,
      local,
      worldNames,
      people.map((p) => p.name.zh),
    );
    people.push({
      id: i,
      name,
      sex,
      year: YEAR_MIN + rng.int(YEAR_MAX - YEAR_MIN + 1),
      split: 'heldout',
      coverage: 'both',
    });
  }
  // Values are unique within a paragraph so that every "who" question has exactly one answer.
  const cities = rng.shuffle([...CITIES]);
  const profs = rng.shuffle([...PROFESSIONS]);
  const owned = rng.shuffle([...OWNABLE]);
  const counted = rng.shuffle([...COUNTABLE]);
  const facts: Fact[] = [];
  const relations: Fact[] = [];
  let id = 0;
  if (rng.next() < 0.5) {
    const [a, b] = rng.shuffle([...people]);
    b!.year = a!.year + (1 + rng.int(8)) * (a!.year > YEAR_MIN + 10 ? -1 : 1);
    relations.push({ id: id++, kind: 'sibling', p: a!, q: b! });
  }
  if (rng.next() < 0.5) {
    const [a, b] = rng.shuffle([...people]);
    const sib = relations[0];
    const same = sib && 'q' in sib && ((sib.p === a && sib.q === b) || (sib.p === b && sib.q === a));
    if (!same) relations.push({ id: id++, kind: 'friend', p: a!, q: b! });
  }
  const blocks: Fact[][] = [];
  for (const p of rng.shuffle([...people])) {
    const kinds = rng.shuffle([...KINDS]).slice(0, 2 + rng.int(3));
    const block: Fact[] = [];
    for (const kind of kinds) {
      if (kind === 'livesIn') block.push({ id: id++, kind, p, city: cities.pop()! });
      else if (kind === 'job') block.push({ id: id++, kind, p, prof: profs.pop()! });
      else if (kind === 'owns') {
        const thing = owned.pop()!;
        block.push({ id: id++, kind, p, thing, colour: pick(rng, coloursFor(thing)) });
      } else if (kind === 'count') block.push({ id: id++, kind, p, thing: counted.pop()!, n: drawCount(rng) });
      else block.push({ id: id++, kind: 'bornYear', p, year: p.year });
    }
    blocks.push(block);
  }
  for (const f of blocks.flat()) facts.push(f);
  for (const r of relations) facts.splice(1 + rng.int(facts.length), 0, r);

  const targets = new Map<number, QaType>();
  const nAnswerable = Math.min(facts.length, 3 + rng.int(3));
  for (const f of rng.shuffle([...facts]).slice(0, nAnswerable)) {
    const types = TYPES_FOR[f.kind];
    // Name-copying questions come first when the fact allows one: they are what needs attention.
    targets.set(f.id, types.length > 1 && rng.next() < 0.6 ? types[0]! : pick(rng, types));
  }
  const words = new Map<number, boolean>(facts.map((f) => [f.id, rng.next() < 0.5]));
  return { people, facts, targets, impossible: planImpossible(rng, people, facts, worldNames, local), words };
}

/** Questions that look answerable but are not: an unused city or job, an absent person, a thing nobody has. */
function planImpossible(
  rng: Rng,
  people: Person[],
  facts: Fact[],
  worldNames: ReadonlySet<string>,
  local: Set<string>,
): Plan['impossible'] {
  const n = rng.next() < 0.7 ? 1 : rng.next() < 0.5 ? 2 : 0;
  const out: Plan['impossible'] = [];
  const usedCities = new Set(facts.flatMap((f) => (f.kind === 'livesIn' ? [f.city] : [])));
  const usedProfs = new Set(facts.flatMap((f) => (f.kind === 'job' ? [f.prof] : [])));
  for (let i = 0; i < n; i++) {
    const r = rng.int(6);
    if (r === 0)
      out.push({
        type: 'whoLives',
        data: {
          city: pick(
            rng,
            CITIES.filter((c) => !usedCities.has(c)),
          ),
        },
      });
    else if (r === 1)
      out.push({
        type: 'whoJob',
        data: {
          prof: pick(
            rng,
            PROFESSIONS.filter((p) => !usedProfs.has(p)),
          ),
          sex: rng.int(2) ? 'f' : 'm',
        },
      });
    else if (r === 2) {
      const sex = rng.int(2) === 0 ? 'f' : 'm';
      const absent: Person = {
        id: -1,
        name: uniqueName(
          rng,
          sex,
          local,
          worldNames,
          people.map((p) => p.name.zh),
        ),
        sex,
        year: YEAR_MIN,
        split: 'heldout',
        coverage: 'both',
      };
      out.push({ type: pick(rng, ['whereLives', 'whatJob', 'whatYear'] as const), data: { p: absent } });
    } else if (r === 3) {
      const p = pick(rng, people);
      const has = new Set(facts.flatMap((f) => (f.kind === 'owns' && f.p === p ? [f.thing] : [])));
      out.push({
        type: 'whatColour',
        data: {
          p,
          thing: pick(
            rng,
            OWNABLE.filter((t) => !has.has(t)),
          ),
        },
      });
    } else if (r === 4) {
      const p = pick(rng, people);
      const has = new Set(facts.flatMap((f) => (f.kind === 'count' && f.p === p ? [f.thing] : [])));
      out.push({
        type: 'howMany',
        data: {
          p,
          thing: pick(
            rng,
            COUNTABLE.filter((t) => !has.has(t)),
          ),
        },
      });
    } else {
      // Someone owns this kind of thing, but in another colour.
      const owns = facts.filter((f) => f.kind === 'owns');
      const f = owns.length ? pick(rng, owns) : undefined;
      if (!f || f.kind !== 'owns') continue;
      const other = coloursFor(f.thing).filter((c) => c !== f.colour);
      out.push({ type: 'whoOwns', data: { thing: f.thing, colour: pick(rng, other.length ? other : COLOURS) } });
    }
  }
  return out;
}

function questionData(type: QaType, f: Fact): QuestionData {
  switch (f.kind) {
    case 'livesIn':
      return { p: f.p, city: f.city };
    case 'job':
      return { p: f.p, prof: f.prof };
    case 'owns':
      return { p: f.p, thing: f.thing, colour: f.colour };
    case 'count':
      return { p: f.p, thing: f.thing };
    case 'sibling':
    case 'friend':
      return { p: f.p, q: f.q };
    default:
      if (type === 'whatYear' && f.kind === 'bornYear') return { p: f.p };
      throw new Error(`no question data for ${f.kind}`);
  }
}

/** Renders a planned paragraph in one language, with exact answer spans. */
function render(rng: Rng, pl: Plan, lang: Lang): QaParagraph {
  const sep = lang === 'zh' ? '' : ' ';
  let context = '';
  const placed = new Map<number, { s: Sentence; offset: number }>();
  for (const f of pl.facts) {
    const type = pl.targets.get(f.id);
    const s = renderFact(f, lang, {
      rng,
      words: pl.words.get(f.id) ?? false,
      needRoles: type ? [ANSWER_ROLE[type]] : undefined,
    });
    if (context) context += sep;
    placed.set(f.id, { s, offset: context.length });
    context += s.text;
  }
  const items: QaItem[] = [];
  for (const f of pl.facts) {
    const type = pl.targets.get(f.id);
    if (!type) continue;
    const { s, offset } = placed.get(f.id)!;
    const span = s.spans[ANSWER_ROLE[type]]!;
    const start = offset + span[0];
    const text = context.slice(start, offset + span[1]);
    items.push({
      type,
      factId: f.id,
      question: questionText(type, lang, questionData(type, f)),
      answer: { text, answer_start: start },
    });
  }
  for (const imp of pl.impossible)
    items.push({ type: imp.type, factId: null, question: questionText(imp.type, lang, imp.data), answer: null });
  return { context, items };
}

/** One paragraph in each requested language, from one plan (so the languages ask the same things). */
export function qaParagraph(
  rng: Rng,
  worldNames: ReadonlySet<string>,
  langs: readonly Lang[],
): Record<Lang, QaParagraph> {
  const pl = plan(rng, worldNames);
  // Questions in a shuffled order, the same in every language, so unanswerable ones are not always last.
  const order = rng.shuffle([...Array(pl.targets.size + pl.impossible.length).keys()]);
  const out = {} as Record<Lang, QaParagraph>;
  for (const lang of langs) {
    const p = render(rng, pl, lang);
    out[lang] = { context: p.context, items: order.map((i) => p.items[i]!) };
  }
  return out;
}

/** SQuAD v2 datasets for each language; ids read `<prefix>-<lang>-p<paragraph>-q<question>-<type>`. */
export function buildSquad(
  rng: Rng,
  worldNames: ReadonlySet<string>,
  paragraphs: number,
  prefix: string,
): Record<Lang, SquadDataset> {
  const langs: Lang[] = ['en', 'ru', 'zh'];
  const sets = Object.fromEntries(langs.map((l) => [l, { version: 'v2.0', data: [] } as SquadDataset])) as Record<
    Lang,
    SquadDataset
  >;
  const perArticle = 10;
  for (let i = 0; i < paragraphs; i++) {
    const para = qaParagraph(rng, worldNames, langs);
    for (const lang of langs) {
      const ds = sets[lang];
      const a = Math.floor(i / perArticle);
      if (!ds.data[a]) ds.data[a] = { title: `${prefix}-${lang}-a${a}`, paragraphs: [] };
      const p = para[lang];
      ds.data[a].paragraphs.push({
        context: p.context,
        qas: p.items.map((it, j) => ({
          id: `${prefix}-${lang}-p${i}-q${j}-${it.type}`,
          question: it.question,
          answers: it.answer ? [it.answer] : [],
          is_impossible: it.answer === null,
        })),
      });
    }
  }
  return sets;
}
