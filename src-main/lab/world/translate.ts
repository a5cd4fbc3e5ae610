// Translation test pairs (English source, Russian or Chinese reference) about held-out people only,
// so no pair can have been memorised from a training corpus.
import type { Rng } from '../../engine/util/rng';
import type { WorldModel } from './model';
import { renderFact, variantsFor } from './templates/index';
import type { Fact, Lang } from './types';

export interface TranslationItem {
  id: string;
  /** Facts the pair states; the source and the reference are rendered from the same facts and variant. */
  factIds: number[];
  variant: number;
  words: boolean;
  src: string;
  ref: string;
}

export function buildTranslations(
  model: WorldModel,
  rng: Rng,
  target: Exclude<Lang, 'en'>,
  n: number,
  prefix: string,
): TranslationItem[] {
  const facts: Fact[] = model.facts.filter((f) => 'p' in f && f.p.split === 'heldout');
  const out: TranslationItem[] = [];
  const seen = new Set<string>();
  // Distinct sources only; a small world may hold fewer than n, and then the set is smaller.
  for (let tries = 0; out.length < n && tries < n * 30 && facts.length; tries++) {
    const f = facts[rng.int(facts.length)]!;
    const vs = variantsFor(f);
    const variant = vs[rng.int(vs.length)]!;
    const words = rng.next() < 0.5;
    const src = renderFact(f, 'en', { variant, words }).text;
    if (seen.has(src)) continue;
    seen.add(src);
    const ref = renderFact(f, target, { variant, words }).text;
    out.push({ id: `${prefix}-${target}-t${out.length}`, factIds: [f.id], variant, words, src, ref });
  }
  return out;
}

/** `src<TAB>ref` lines. Sentences never contain tabs or line breaks. */
export function translationTsv(items: readonly TranslationItem[]): string {
  return items.map((it) => `${it.src}\t${it.ref}`).join('\n') + (items.length ? '\n' : '');
}
