// The world itself: invented people with homes, jobs, possessions, birthdays and relations, drawn
// from a seed. Each part of the generator draws from its own named stream so that changing one
// part (say, the QA set) does not reshuffle the others.
import { Rng } from '../../engine/util/rng';
import { sha256Hex } from '../../engine/util/hash';
import { nameKeys, uniqueName } from './lexicon/names';
import { CITIES } from './lexicon/places';
import { PROFESSIONS } from './lexicon/professions';
import { COUNTABLE, coloursFor, OWNABLE } from './lexicon/things';
import type { Coverage, Fact, FactDraft, FactOf, Person, Sex, Split } from './types';

const COVERAGES: readonly Coverage[] = ['both', 'en-ru', 'en-zh'];

export const YEAR_MIN = 1940;
export const YEAR_MAX = 2005;

export interface WorldModel {
  seed: number;
  people: Person[];
  facts: Fact[];
  /** Facts whose subject is the person, in a fixed order. */
  byPerson: Map<number, Fact[]>;
  places: FactOf<'cityIn'>[];
  /** Name keys of everyone in the world, so that QA paragraphs can use names never seen in training. */
  nameKeys: Set<string>;
}

/** An independent generator for one part of the world, derived from the seed and a label. */
export function streamRng(seed: number, label: string): Rng {
  return new Rng(Number.parseInt(sha256Hex(`espalier-world:${seed}:${label}`).slice(0, 8), 16));
}

export function pick<T>(rng: Rng, arr: readonly T[]): T {
  if (!arr.length) throw new Error('pick from an empty list');
  return arr[rng.int(arr.length)]!;
}

/** Small counts are more common, but some reach 20+ so Russian "21 книга" / "22 книги" appear. */
export function drawCount(rng: Rng): number {
  return rng.next() < 0.7 ? 1 + rng.int(9) : 1 + rng.int(24);
}

export function buildModel(seed: number, opts: { people: number; heldOutFraction: number }): WorldModel {
  const rng = streamRng(seed, 'people');
  const taken = new Set<string>();
  const people: Person[] = [];
  const zhNames: string[] = [];
  for (let i = 0; i < opts.people; i++) {
    const sex: Sex = rng.int(2) === 0 ? 'f' : 'm';
    // No Chinese name inside another (塞顿 / 诺塞顿): Chinese text has no spaces to tell them apart.
    const name = uniqueName(rng, sex, taken, undefined, zhNames);
    zhNames.push(name.zh);
    people.push({
      id: i,
      name,
      sex,
      year: YEAR_MIN + rng.int(YEAR_MAX - YEAR_MIN + 1),
      split: 'train',
      coverage: 'both',
    });
  }
  const order = rng.shuffle(people.map((p) => p.id));
  const nHeld = Math.max(2, Math.round(opts.people * opts.heldOutFraction));
  for (const id of order.slice(0, nHeld)) people[id]!.split = 'heldout';
  // Exact shares within each split: half the people in both corpora, a quarter in each one alone.
  for (const split of ['train', 'heldout'] as Split[]) {
    const members = rng.shuffle(people.filter((p) => p.split === split));
    members.forEach((p, i) => {
      const r = i / members.length;
      p.coverage = r < 0.5 ? 'both' : r < 0.75 ? 'en-ru' : 'en-zh';
    });
  }

  const facts: Fact[] = [];
  const add = (f: FactDraft): void => {
    facts.push({ ...f, id: facts.length } as Fact);
  };

  // Relations stay inside a split and a coverage group, so a held-out person is never named in
  // training text, and an expert never hears of a person that only the other expert knows.
  const siblings = new Map<number, number>();
  const friends = new Set<string>();
  const relRng = streamRng(seed, 'relations');
  const groups = (['train', 'heldout'] as Split[]).flatMap((split) =>
    COVERAGES.map((c) => people.filter((p) => p.split === split && p.coverage === c)),
  );
  for (const group of groups) {
    const members = relRng.shuffle(group);
    const nPairs = Math.floor((members.length * 0.3) / 2);
    for (let k = 0; k < nPairs; k++) {
      const a = members[2 * k]!;
      const b = members[2 * k + 1]!;
      // Siblings are a few years apart and never the same age (the Chinese words need an order).
      const gap = (1 + relRng.int(8)) * (a.year > YEAR_MIN + 10 ? -1 : 1);
      b.year = a.year + gap;
      siblings.set(a.id, b.id);
      siblings.set(b.id, a.id);
    }
    for (const p of members) {
      if (members.length < 3 || relRng.next() >= 0.5) continue;
      const q = members[relRng.int(members.length)]!;
      const key = p.id < q.id ? `${p.id}-${q.id}` : `${q.id}-${p.id}`;
      if (q.id === p.id || siblings.get(p.id) === q.id || friends.has(key)) continue;
      friends.add(key);
    }
  }

  const factRng = streamRng(seed, 'facts');
  for (const p of people) {
    add({ kind: 'livesIn', p, city: pick(factRng, CITIES) });
    add({ kind: 'job', p, prof: pick(factRng, PROFESSIONS) });
    add({ kind: 'bornYear', p, year: p.year });
    add({ kind: 'bornIn', p, city: pick(factRng, CITIES) });
    const owned = factRng.shuffle([...OWNABLE]).slice(0, 1 + factRng.int(2));
    for (const thing of owned) add({ kind: 'owns', p, thing, colour: pick(factRng, coloursFor(thing)) });
    const counted = factRng.shuffle([...COUNTABLE]).slice(0, 1 + factRng.int(2));
    for (const thing of counted) add({ kind: 'count', p, thing, n: drawCount(factRng) });
    const sib = siblings.get(p.id);
    if (sib !== undefined) add({ kind: 'sibling', p, q: people[sib]! });
  }
  for (const key of friends) {
    const [a, b] = key.split('-').map((x) => people[Number(x)]!);
    add({ kind: 'friend', p: a!, q: b! });
    add({ kind: 'friend', p: b!, q: a! });
  }
  const places: FactOf<'cityIn'>[] = [];
  for (const city of CITIES) {
    add({ kind: 'cityIn', city });
    places.push(facts[facts.length - 1] as FactOf<'cityIn'>);
  }

  const byPerson = new Map<number, Fact[]>();
  for (const f of facts) {
    if (!('p' in f)) continue;
    const list = byPerson.get(f.p.id) ?? [];
    list.push(f);
    byPerson.set(f.p.id, list);
  }
  const keys = new Set<string>();
  for (const p of people) for (const k of nameKeys(p.name)) keys.add(k);
  return { seed, people, facts, byPerson, places, nameKeys: keys };
}
