// Multiple-choice items in the MMLU layout about the world's facts (English), with distractors of
// the same type and the answer letter balanced across A–D. Facts used for evaluation are kept
// apart from the facts used for the format drills in the corpora.
import type { Rng } from '../../engine/util/rng';
import { CITIES, ALL_COUNTRIES } from './lexicon/places';
import { PROFESSIONS } from './lexicon/professions';
import { coloursFor } from './lexicon/things';
import { YEAR_MAX, YEAR_MIN, type WorldModel } from './model';
import { MC_LETTERS, type McLetter } from './prompts';
import { siblingWords } from './templates/relations';
import type { Coverage, Fact, FactKind } from './types';

export interface McItem {
  id: string;
  factId: number;
  kind: FactKind;
  question: string;
  options: [string, string, string, string];
  answer: McLetter;
  /** The option that states the fact. */
  truth: string;
  /** Which corpus (or both) teaches the fact: lets a report show what each expert could know. */
  coverage: Coverage;
}

const MC_KINDS: ReadonlySet<FactKind> = new Set([
  'livesIn',
  'bornIn',
  'job',
  'owns',
  'bornYear',
  'count',
  'sibling',
  'cityIn',
]);

/** Near numbers make plausible distractors for years and counts. */
function nearNumbers(truth: number, lo: number, hi: number, spread: number): string[] {
  const out: string[] = [];
  for (let d = -spread; d <= spread; d++) {
    const v = truth + d;
    if (d !== 0 && v >= lo && v <= hi) out.push(String(v));
  }
  return out;
}

function questionAndPool(f: Fact, model: WorldModel): { question: string; truth: string; pool: string[] } {
  switch (f.kind) {
    case 'livesIn':
      return { question: `Where does ${f.p.name.en} live?`, truth: f.city.en, pool: CITIES.map((c) => c.en) };
    case 'bornIn':
      return { question: `In which city was ${f.p.name.en} born?`, truth: f.city.en, pool: CITIES.map((c) => c.en) };
    case 'job':
      return { question: `What is ${f.p.name.en}'s job?`, truth: f.prof.en, pool: PROFESSIONS.map((p) => p.en) };
    case 'owns':
      return {
        question: `What colour is ${f.p.name.en}'s ${f.thing.en}?`,
        truth: f.colour.en,
        pool: coloursFor(f.thing).map((c) => c.en),
      };
    case 'bornYear':
      return {
        question: `In which year was ${f.p.name.en} born?`,
        truth: String(f.year),
        pool: nearNumbers(f.year, YEAR_MIN - 5, YEAR_MAX + 5, 8),
      };
    case 'count':
      return {
        question: `How many ${f.thing.enPlural} does ${f.p.name.en} have?`,
        truth: String(f.n),
        pool: nearNumbers(f.n, 1, 30, 5),
      };
    case 'sibling': {
      const w = siblingWords(f.p, f.q).en;
      // Other people of the same sex, split and coverage: plausible, never also a sibling (each person has
      // at most one), and never a name that only the other expert's corpus mentions.
      const pool = model.people
        .filter((x) => x.sex === f.p.sex && x.split === f.p.split && x.coverage === f.p.coverage && x !== f.q)
        .map((x) => x.name.en);
      return { question: `Who is ${f.q.name.en}'s ${w}?`, truth: f.p.name.en, pool };
    }
    case 'cityIn':
      return {
        question: `In which country is ${f.city.en}?`,
        truth: f.city.country.en,
        pool: ALL_COUNTRIES.map((c) => c.en),
      };
    default:
      throw new Error(`no multiple-choice question for ${f.kind}`);
  }
}

/** Whether the fact has three distinct wrong options (a tiny world may lack same-sex siblings' peers). */
function askable(f: Fact, model: WorldModel): boolean {
  const { truth, pool } = questionAndPool(f, model);
  return new Set(pool.filter((x) => x !== truth)).size >= 3;
}

export function mcItem(f: Fact, model: WorldModel, rng: Rng, letter: McLetter, id: string): McItem {
  const { question, truth, pool } = questionAndPool(f, model);
  const distractors = rng.shuffle([...new Set(pool.filter((x) => x !== truth))]).slice(0, 3);
  if (distractors.length < 3) throw new Error(`too few distractors for ${f.kind} (${truth})`);
  const at = MC_LETTERS.indexOf(letter);
  const options = [...distractors];
  options.splice(at, 0, truth);
  return {
    id,
    factId: f.id,
    kind: f.kind,
    question,
    options: options as McItem['options'],
    answer: letter,
    truth,
    coverage: 'p' in f ? f.p.coverage : 'both',
  };
}

/**
 * Evaluation items (answer letters balanced: counts differ by at most one) and drill items from
 * the remaining facts. Only training people are asked about: the facts must be learnable.
 */
export function buildMc(
  model: WorldModel,
  rng: Rng,
  nEval: number,
  prefix: string,
): { evalItems: McItem[]; drills: McItem[] } {
  const candidates = rng.shuffle(
    model.facts.filter((f) => MC_KINDS.has(f.kind) && (!('p' in f) || f.p.split === 'train') && askable(f, model)),
  );
  const n = Math.min(nEval, Math.floor(candidates.length / 2));
  const letters = rng.shuffle(Array.from({ length: n }, (_, i) => MC_LETTERS[i % 4]!));
  const evalItems = candidates.slice(0, n).map((f, i) => mcItem(f, model, rng, letters[i]!, `${prefix}-mc${i}`));
  const drills = candidates
    .slice(n)
    .map((f, i) => mcItem(f, model, rng, MC_LETTERS[rng.int(4)]!, `${prefix}-drill${i}`));
  return { evalItems, drills };
}

/** One RFC 4180 row: a field is quoted when it holds a comma, quote or line break; inner quotes are doubled. */
function csvRow(fields: readonly string[]): string {
  return fields.map((s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)).join(',');
}

/** MMLU CSV: question,A,B,C,D,answer — no header, RFC 4180 quoting, "\n" line ends. */
export function mcCsv(items: readonly McItem[]): string {
  return items.map((it) => csvRow([it.question, ...it.options, it.answer])).join('\n') + (items.length ? '\n' : '');
}
