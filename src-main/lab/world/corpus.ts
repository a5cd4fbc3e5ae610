// The two training corpora. Each mixes monolingual biographies, bilingual and tagged parallel
// passages, place facts, reading drills and multiple-choice drills until it reaches its size.
// An expert sees only the people its corpus covers, so the two experts know different things.
import type { Rng } from '../../engine/util/rng';
import { capitalise } from './grammar/en';
import { mcItem, type McItem } from './mc';
import type { WorldModel } from './model';
import { LANG_TAG, mcPrompt, mcTarget, qaDrill } from './prompts';
import { qaParagraph } from './qa';
import { allowsPronoun, renderFact, variantsFor } from './templates/index';
import type { Fact, Lang, Person, Split } from './types';

export type CorpusName = 'en-ru' | 'en-zh';
export const CORPUS_LANG: Record<CorpusName, Exclude<Lang, 'en'>> = { 'en-ru': 'ru', 'en-zh': 'zh' };

export type DocKind = 'bio' | 'bilingual' | 'parallel' | 'places' | 'qa' | 'mc';

const WEIGHTS: Record<Split, [DocKind, number][]> = {
  train: [
    ['bio', 5],
    ['bilingual', 1],
    ['parallel', 2],
    ['places', 0.5],
    ['qa', 1.5],
    ['mc', 0.6],
  ],
  // Held-out text measures language modelling on unseen people; drills about known facts would not.
  heldout: [
    ['bio', 5],
    ['bilingual', 1],
    ['parallel', 2],
    ['qa', 1.5],
  ],
};

const CONNECTIVES: Record<Lang, string[]> = {
  en: ['Also, ', 'In addition, ', 'Besides, '],
  ru: ['Кроме того, ', 'Также ', 'А ещё '],
  zh: ['另外，', '此外，', '而且'],
};

/** Cycles through a list in reshuffled rounds, so every item comes up equally often. */
class Deck<T> {
  private order: T[] = [];
  constructor(
    private readonly items: readonly T[],
    private readonly rng: Rng,
  ) {
    if (!items.length) throw new Error('empty deck');
  }
  next(): T {
    if (!this.order.length) this.order = this.rng.shuffle([...this.items]);
    return this.order.pop()!;
  }
}

interface PlannedSentence {
  fact: Fact;
  variant: number;
  pronoun: boolean;
  words: boolean;
  connective: number | null;
}

export interface CorpusResult {
  text: string;
  docs: Record<DocKind, number>;
}

export interface CorpusInputs {
  model: WorldModel;
  name: CorpusName;
  split: Split;
  targetBytes: number;
  rng: Rng;
  /** Multiple-choice drills (training only), already restricted to facts this corpus teaches. */
  mcDrills: readonly McItem[];
}

/** Writes one corpus's documents: each kind of document is one named step; all draw from the same stream. */
class CorpusWriter {
  private readonly other: Exclude<Lang, 'en'>;
  private readonly deck: Deck<Person>;
  /** Each person's facts are told in a rotating order, so every fact is told before any is repeated. */
  private readonly cursors = new Map<number, { facts: Fact[]; at: number }>();
  readonly mcDeck: Deck<McItem> | null;

  constructor(
    private readonly model: WorldModel,
    name: CorpusName,
    split: Split,
    private readonly rng: Rng,
    mcDrills: readonly McItem[],
  ) {
    this.other = CORPUS_LANG[name];
    const people = model.people.filter((p) => p.split === split && (p.coverage === 'both' || p.coverage === name));
    this.deck = new Deck(people, rng);
    this.mcDeck = mcDrills.length ? new Deck(mcDrills, rng) : null;
  }

  private nextFacts(p: Person, k: number): Fact[] {
    let c = this.cursors.get(p.id);
    if (!c) {
      c = { facts: this.rng.shuffle([...(this.model.byPerson.get(p.id) ?? [])]), at: 0 };
      this.cursors.set(p.id, c);
    }
    const out: Fact[] = [];
    for (let i = 0; i < Math.min(k, c.facts.length); i++) out.push(c.facts[(c.at + i) % c.facts.length]!);
    c.at = (c.at + k) % c.facts.length;
    return out;
  }

  private planBio(p: Person): PlannedSentence[] {
    const rng = this.rng;
    let last: number | null = null;
    return this.nextFacts(p, 3 + rng.int(5)).map((fact, i) => {
      const vs = variantsFor(fact);
      const variant = vs[rng.int(vs.length)]!;
      const pronoun = i > 0 && allowsPronoun(fact, variant) && rng.next() < 0.6;
      // Never the same connective twice in one paragraph ("Besides, … Besides, …").
      let connective: number | null = i > 0 && rng.next() < 0.15 ? rng.int(3) : null;
      if (connective !== null && connective === last) connective = null;
      if (connective !== null) last = connective;
      return { fact, variant, pronoun, words: rng.next() < 0.5, connective };
    });
  }

  private renderBio(plan: PlannedSentence[], lang: Lang): string {
    return plan
      .map((s) => {
        const raw = renderFact(s.fact, lang, {
          variant: s.variant,
          pronoun: s.pronoun,
          words: s.words,
          capitalise: false,
        }).text;
        // A connective before "by profession, …" or "in total, …" would stack two openers.
        if (s.connective === null || /^\p{L}+ \p{L}+, /u.test(raw)) return capitalise(raw);
        return CONNECTIVES[lang][s.connective] + raw;
      })
      .join(lang === 'zh' ? '' : ' ');
  }

  private bio(): string {
    const lang: Lang = this.rng.int(2) ? this.other : 'en';
    return this.renderBio(this.planBio(this.deck.next()), lang);
  }

  private bilingual(): string {
    const plan = this.planBio(this.deck.next());
    return `${this.renderBio(plan, 'en')}\n${this.renderBio(plan, this.other)}`;
  }

  private parallel(): string {
    const rng = this.rng;
    const lines: string[] = [];
    const n = 3 + rng.int(4);
    for (let i = 0; i < n; i++) {
      const fact = this.nextFacts(this.deck.next(), 1)[0]!;
      const vs = variantsFor(fact);
      const o = { variant: vs[rng.int(vs.length)]!, words: rng.next() < 0.5 };
      lines.push(
        `${LANG_TAG.en}: ${renderFact(fact, 'en', o).text}`,
        `${LANG_TAG[this.other]}: ${renderFact(fact, this.other, o).text}`,
      );
    }
    return lines.join('\n');
  }

  private places(): string {
    const rng = this.rng;
    const lang: Lang = rng.int(2) ? this.other : 'en';
    const n = 3 + rng.int(3);
    const picked = rng.shuffle([...this.model.places]).slice(0, n);
    return picked.map((f) => renderFact(f, lang, { rng }).text).join(lang === 'zh' ? '' : ' ');
  }

  private qa(): string {
    const lang: Lang = this.rng.int(2) ? this.other : 'en';
    const p = qaParagraph(this.rng, this.model.nameKeys, [lang])[lang];
    return qaDrill(
      lang,
      p.context,
      p.items.map((it) => ({ question: it.question, answer: it.answer?.text ?? null })),
    );
  }

  private mc(): string {
    const rng = this.rng;
    const it = this.mcDeck!.next();
    // A fresh letter each time the drill recurs, so the position of the truth is never learnable.
    const again = mcItem(
      this.model.facts[it.factId]!,
      this.model,
      rng,
      (['A', 'B', 'C', 'D'] as const)[rng.int(4)]!,
      it.id,
    );
    return `${mcPrompt(again.question, again.options)}${mcTarget(again.answer)}`;
  }

  doc(kind: DocKind): string {
    return this[kind]();
  }
}

/** A document kind drawn by weight. */
function pickKind(rng: Rng, weights: readonly [DocKind, number][], total: number): DocKind {
  let r = rng.next() * total;
  for (const [k, w] of weights) if ((r -= w) < 0) return k;
  return weights[0]![0];
}

export function buildCorpus(inp: CorpusInputs): CorpusResult {
  const { rng } = inp;
  const writer = new CorpusWriter(inp.model, inp.name, inp.split, rng, inp.mcDrills);
  const weights = WEIGHTS[inp.split].filter(([k]) => k !== 'mc' || writer.mcDeck);
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const docs: Record<DocKind, number> = { bio: 0, bilingual: 0, parallel: 0, places: 0, qa: 0, mc: 0 };
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < inp.targetBytes) {
    const kind = pickKind(rng, weights, total);
    const doc = writer.doc(kind);
    docs[kind]++;
    parts.push(doc);
    // Documents are separated by a blank line.
    bytes += Buffer.byteLength(doc, 'utf8') + 2;
  }
  return { text: `${parts.join('\n\n')}\n`, docs };
}
