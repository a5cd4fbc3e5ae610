// Renders any fact as a sentence in one language: picks a variant, mentions the subject by name or
// pronoun, and records the answer spans.
import type { Rng } from '../../../engine/util/rng';
import { assemble } from '../sentence';
import type { Fact, FactKind, Lang, Role, Sentence } from '../types';
import type { Ctx, Variant } from './common';
import { BORN_IN, BORN_YEAR, JOB, LIVES_IN } from './person';
import { CITY_IN, FRIEND, SIBLING } from './relations';
import { COUNT, OWNS } from './things';

type AnyVariant = Variant<Fact> & { capitalOnly?: boolean };

const TABLE: Record<FactKind, readonly AnyVariant[]> = {
  livesIn: LIVES_IN as AnyVariant[],
  job: JOB as AnyVariant[],
  owns: OWNS as AnyVariant[],
  count: COUNT as AnyVariant[],
  bornYear: BORN_YEAR as AnyVariant[],
  bornIn: BORN_IN as AnyVariant[],
  sibling: SIBLING as AnyVariant[],
  friend: FRIEND as AnyVariant[],
  cityIn: CITY_IN as AnyVariant[],
};

export interface RenderOptions {
  /** Variant index; chosen with `rng` among those that fit when absent. */
  variant?: number;
  /** Mention the subject by pronoun (only where the variant allows it). */
  pronoun?: boolean;
  /** Counts 1–12 as words. */
  words?: boolean;
  /** Upper-case the first letter (off when a connective such as "Also, " precedes). */
  capitalise?: boolean;
  rng?: Rng;
  /** Only variants whose sentence in `lang` has these roles. */
  needRoles?: readonly Role[];
}

/** Indices of the variants that apply to this fact (the "capital of" variant needs a capital). */
export function variantsFor(f: Fact): number[] {
  const out: number[] = [];
  TABLE[f.kind].forEach((v, i) => {
    if (!v.capitalOnly || (f.kind === 'cityIn' && f.city.capital)) out.push(i);
  });
  return out;
}

export function allowsPronoun(f: Fact, variant: number): boolean {
  return TABLE[f.kind][variant]?.pronoun ?? false;
}

function build(f: Fact, lang: Lang, variant: number, o: RenderOptions): Sentence {
  const v = TABLE[f.kind][variant];
  if (!v) throw new Error(`no variant ${variant} for ${f.kind}`);
  const pronoun = Boolean(o.pronoun) && v.pronoun && 'p' in f;
  // Place facts have no person; their templates never read the subject.
  const ctx: Ctx = { p: 'p' in f ? { person: f.p, pronoun } : (undefined as never), words: Boolean(o.words) };
  const parts = v[lang](f, ctx);
  const { text, spans } = assemble(parts, lang !== 'zh' && o.capitalise !== false);
  return { text, spans, factIds: [f.id], variant };
}

export function renderFact(f: Fact, lang: Lang, o: RenderOptions = {}): Sentence {
  if (o.variant !== undefined) return build(f, lang, o.variant, o);
  let candidates = variantsFor(f);
  if (o.pronoun) {
    const withPronoun = candidates.filter((i) => allowsPronoun(f, i));
    if (withPronoun.length) candidates = withPronoun;
  }
  if (o.needRoles?.length) {
    const need = o.needRoles;
    candidates = candidates.filter((i) => {
      const s = build(f, lang, i, o);
      return need.every((r) => s.spans[r]);
    });
    if (!candidates.length) throw new Error(`no ${lang} variant of ${f.kind} has roles ${need.join(', ')}`);
  }
  const pick = o.rng ? candidates[o.rng.int(candidates.length)]! : candidates[0]!;
  return build(f, lang, pick, o);
}
