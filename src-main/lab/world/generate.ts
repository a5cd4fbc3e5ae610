// generateWorld: the whole demo world from one seed — corpora, QA, multiple choice, translation —
// with size presets for the default and the --quick demo.
import { UserError } from '../../common/errors';
import { buildCorpus, CORPUS_LANG, type CorpusName, type CorpusResult } from './corpus';
import { buildMc, mcCsv, type McItem } from './mc';
import { buildModel, streamRng, type WorldModel } from './model';
import { buildSquad, type SquadDataset } from './qa';
import { buildTranslations, translationTsv, type TranslationItem } from './translate';
import { LANGS, type Coverage, type Lang } from './types';

export type WorldScale = 'quick' | 'default';
export const CORPUS_NAMES: readonly CorpusName[] = ['en-ru', 'en-zh'];

export interface WorldSizes {
  /** People in the world (a fraction of them held out). */
  people: number;
  /** Bytes (UTF-8) of each training corpus; generation stops at the first document past it. */
  corpusBytes: number;
  /** Held-out corpus size as a fraction of corpusBytes. */
  heldOutFraction: number;
  /** Fraction of people whose facts appear only in held-out text and translation pairs. */
  heldOutPeople: number;
  /** QA paragraphs per language (each holds 3–7 questions). */
  qaParagraphs: number;
  mcItems: number;
  translationPairs: number;
}

export const WORLD_PRESETS: Record<WorldScale, WorldSizes> = {
  // Fewer people than text: each fact recurs often enough for a small model to pick it up in minutes.
  quick: {
    people: 120,
    corpusBytes: 220_000,
    heldOutFraction: 0.15,
    heldOutPeople: 0.15,
    qaParagraphs: 40,
    mcItems: 120,
    translationPairs: 120,
  },
  default: {
    people: 400,
    corpusBytes: 1_200_000,
    heldOutFraction: 0.1,
    heldOutPeople: 0.1,
    qaParagraphs: 150,
    mcItems: 400,
    translationPairs: 300,
  },
};

export interface WorldOptions extends Partial<WorldSizes> {
  seed: number;
  scale?: WorldScale;
}

export interface WorldStats {
  people: { total: number; train: number; heldOut: number; byCoverage: Record<Coverage, number> };
  facts: number;
  corpora: Record<
    CorpusName,
    { trainBytes: number; heldOutBytes: number; trainDocs: CorpusResult['docs']; heldOutDocs: CorpusResult['docs'] }
  >;
  qa: Record<Lang, { paragraphs: number; questions: number; impossible: number; answersUpTo8Chars: number }>;
  mc: {
    items: number;
    letters: Record<string, number>;
    byKind: Record<string, number>;
    byCoverage: Record<string, number>;
  };
  translations: Record<CorpusName, number>;
}

export interface World {
  seed: number;
  scale: WorldScale;
  sizes: WorldSizes;
  corpora: Record<CorpusName, { train: string; heldOut: string }>;
  qa: Record<Lang, SquadDataset>;
  mcCsv: string;
  translations: Record<CorpusName, string>;
  stats: WorldStats;
  /** The structures behind the files: fact ids, coverage, per-item metadata (for tests and reports). */
  meta: { model: WorldModel; mc: McItem[]; translationItems: Record<CorpusName, TranslationItem[]> };
}

// Below these the world stops being a world: empty coverage groups, too few people for distractors.
const LIMITS: Record<keyof WorldSizes, { min: number; max: number; integer: boolean }> = {
  people: { min: 24, max: 5000, integer: true },
  corpusBytes: { min: 10_000, max: 1e9, integer: true },
  heldOutFraction: { min: 0.01, max: 1, integer: false },
  heldOutPeople: { min: 0.05, max: 0.5, integer: false },
  qaParagraphs: { min: 0, max: 1e6, integer: true },
  mcItems: { min: 0, max: 1e6, integer: true },
  translationPairs: { min: 0, max: 1e6, integer: true },
};

/** The preset with explicit sizes laid over it; a size out of range is a UserError naming it. */
export function resolveSizes(opts: WorldOptions): WorldSizes {
  const scale = opts.scale ?? 'default';
  const base = WORLD_PRESETS[scale];
  if (!base) throw new UserError(`world scale must be quick or default, got "${String(scale)}"`);
  const out = { ...base };
  for (const k of Object.keys(base) as (keyof WorldSizes)[]) {
    const v = opts[k];
    if (v === undefined) continue;
    const lim = LIMITS[k];
    if (!Number.isFinite(v) || v < lim.min || v > lim.max || (lim.integer && !Number.isInteger(v))) {
      throw new UserError(
        `world size ${k} must be ${lim.integer ? 'an integer ' : ''}from ${lim.min} to ${lim.max}, got ${v}`,
      );
    }
    out[k] = v;
  }
  return out;
}

export function generateWorld(opts: WorldOptions): World {
  const seed = opts.seed >>> 0;
  const scale = opts.scale ?? 'default';
  const sizes = resolveSizes(opts);
  const prefix = `w${seed}`;
  const model = buildModel(seed, { people: sizes.people, heldOutFraction: sizes.heldOutPeople });
  const { evalItems, drills } = buildMc(model, streamRng(seed, 'mc'), sizes.mcItems, prefix);

  const corpora = {} as World['corpora'];
  const corpusStats = {} as WorldStats['corpora'];
  for (const name of CORPUS_NAMES) {
    // Drills only about what this corpus teaches, or they would leak the other expert's facts.
    const own = drills.filter((d) => d.coverage === 'both' || d.coverage === name);
    const train = buildCorpus({
      model,
      name,
      split: 'train',
      targetBytes: sizes.corpusBytes,
      rng: streamRng(seed, `${name}:train`),
      mcDrills: own,
    });
    const held = buildCorpus({
      model,
      name,
      split: 'heldout',
      targetBytes: Math.round(sizes.corpusBytes * sizes.heldOutFraction),
      rng: streamRng(seed, `${name}:heldout`),
      mcDrills: [],
    });
    corpora[name] = { train: train.text, heldOut: held.text };
    corpusStats[name] = {
      trainBytes: Buffer.byteLength(train.text),
      heldOutBytes: Buffer.byteLength(held.text),
      trainDocs: train.docs,
      heldOutDocs: held.docs,
    };
  }

  const qa = buildSquad(streamRng(seed, 'qa'), model.nameKeys, sizes.qaParagraphs, prefix);
  const translationItems = {} as Record<CorpusName, TranslationItem[]>;
  const translations = {} as World['translations'];
  for (const name of CORPUS_NAMES) {
    translationItems[name] = buildTranslations(
      model,
      streamRng(seed, `translate:${name}`),
      CORPUS_LANG[name],
      sizes.translationPairs,
      prefix,
    );
    translations[name] = translationTsv(translationItems[name]);
  }

  const stats: WorldStats = {
    people: {
      total: model.people.length,
      train: model.people.filter((p) => p.split === 'train').length,
      heldOut: model.people.filter((p) => p.split === 'heldout').length,
      byCoverage: countBy(model.people, (p) => p.coverage) as Record<Coverage, number>,
    },
    facts: model.facts.length,
    corpora: corpusStats,
    qa: Object.fromEntries(LANGS.map((l) => [l, qaStats(qa[l])])) as WorldStats['qa'],
    mc: {
      items: evalItems.length,
      letters: countBy(evalItems, (i) => i.answer),
      byKind: countBy(evalItems, (i) => i.kind),
      byCoverage: countBy(evalItems, (i) => i.coverage),
    },
    translations: { 'en-ru': translationItems['en-ru'].length, 'en-zh': translationItems['en-zh'].length },
  };
  return {
    seed,
    scale,
    sizes,
    corpora,
    qa,
    mcCsv: mcCsv(evalItems),
    translations,
    stats,
    meta: { model, mc: evalItems, translationItems },
  };
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function qaStats(ds: SquadDataset): WorldStats['qa'][Lang] {
  let paragraphs = 0;
  let questions = 0;
  let impossible = 0;
  let short = 0;
  for (const a of ds.data)
    for (const p of a.paragraphs) {
      paragraphs++;
      for (const q of p.qas) {
        questions++;
        if (q.is_impossible) impossible++;
        else if (q.answers[0]!.text.length <= 8) short++;
      }
    }
  return { paragraphs, questions, impossible, answersUpTo8Chars: short };
}
