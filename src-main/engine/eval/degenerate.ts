// Degenerate generated answers — empty, only stop words, or one word repeated — counted beside the official
// metric. The metric keeps its definition; the flag says when its value comes from babble (SQuAD's normaliser
// turns "the the the" into the empty answer, which scores 100 on every unanswerable question).
import { isZhChar } from './bleu-tokenize';
import { pySplit } from './text';

export type DegenerateKind = 'empty' | 'stop-words' | 'repetition';

/** Function words of the demo world's languages (EN, RU, ZH); SQuAD's normaliser already drops a/an/the. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  // English
  'a',
  'an',
  'the',
  'of',
  'and',
  'or',
  'to',
  'in',
  'on',
  'at',
  'is',
  'are',
  'was',
  'were',
  'be',
  'it',
  'that',
  'this',
  'for',
  'with',
  'as',
  'by',
  'from',
  'but',
  'not',
  // Russian
  'и',
  'в',
  'во',
  'не',
  'на',
  'что',
  'с',
  'со',
  'по',
  'а',
  'к',
  'о',
  'об',
  'из',
  'у',
  'же',
  'это',
  'но',
  'да',
  'то',
  // Chinese
  '的',
  '了',
  '是',
  '在',
  '和',
  '也',
  '就',
  '都',
  '而',
  '及',
  '与',
  '之',
  '着',
]);

/** Repetition: at least this many words … */
export const REPETITION_MIN_WORDS = 3;
/** … of which at most this share are distinct ("x x x": 1/3; "a b a b": 1/2). */
export const REPETITION_MAX_DISTINCT = 0.5;

/** The rule in words, saved with results and shown in the app. */
export const DEGENERATE_RULE =
  `degenerate = empty (no letter or digit), only stop words (function words such as "the", "и", "的"), ` +
  `or repetition (at least ${REPETITION_MIN_WORDS} words, at most ${REPETITION_MAX_DISTINCT * 100}% of them distinct); ` +
  'words are split on spaces, lower-cased, punctuation trimmed, each Chinese character a word';

const EDGE_PUNCT = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

/** The words the rule counts: whitespace-split, lower-cased, edge punctuation trimmed, CJK split per character. */
export function answerWords(text: string): string[] {
  const out: string[] = [];
  for (const raw of pySplit(text.toLowerCase())) {
    const w = raw.replace(EDGE_PUNCT, '');
    if (!HAS_WORD_CHAR.test(w)) continue;
    let run = '';
    for (const ch of w) {
      if (isZhChar(ch.codePointAt(0)!)) {
        if (run) out.push(run);
        out.push(ch);
        run = '';
      } else run += ch;
    }
    if (run) out.push(run);
  }
  return out;
}

/** Which degenerate kind a generated answer is, or null for a real attempt. */
export function degenerateKind(text: string): DegenerateKind | null {
  const words = answerWords(text);
  if (words.length === 0) return 'empty';
  if (words.every((w) => STOP_WORDS.has(w))) return 'stop-words';
  if (words.length >= REPETITION_MIN_WORDS && new Set(words).size / words.length <= REPETITION_MAX_DISTINCT)
    return 'repetition';
  return null;
}

export interface DegenerateGroup {
  /** 'all', or the official metric's subset ('HasAns', 'NoAns'). */
  group: string;
  outputs: number;
  degenerate: number;
  /** Translation adds 'wrong-script' (an output in none of the reference's script). */
  byKind: Record<DegenerateKind, number> & Partial<Record<'wrong-script', number>>;
}

export interface DegenerateSummary {
  rule: string;
  groups: DegenerateGroup[];
}

/** Counts flags per group; `flags` holds one entry per output (null: not degenerate), with its group. */
export function summarizeDegenerate(
  flags: readonly { group: string; kind: DegenerateKind | null }[],
  groupOrder: readonly string[] = ['all'],
): DegenerateSummary {
  const groups = new Map<string, DegenerateGroup>();
  const bump = (name: string, kind: DegenerateKind | null): void => {
    let g = groups.get(name);
    if (!g)
      groups.set(
        name,
        (g = { group: name, outputs: 0, degenerate: 0, byKind: { empty: 0, 'stop-words': 0, repetition: 0 } }),
      );
    g.outputs++;
    if (kind) {
      g.degenerate++;
      g.byKind[kind]++;
    }
  };
  for (const name of groupOrder)
    if (!groups.has(name))
      groups.set(name, {
        group: name,
        outputs: 0,
        degenerate: 0,
        byKind: { empty: 0, 'stop-words': 0, repetition: 0 },
      });
  for (const f of flags) {
    bump('all', f.kind);
    if (f.group !== 'all') bump(f.group, f.kind);
  }
  return { rule: DEGENERATE_RULE, groups: [...groups.values()].filter((g) => g.outputs > 0 || g.group === 'all') };
}

/** Scripts the translation flag tells apart; Japanese writes Han and both kanas, so they count as one. */
const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Han+Kana', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Armenian', /\p{Script=Armenian}/u],
];

function scriptCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const ch of text) {
    const s = SCRIPTS.find(([, re]) => re.test(ch));
    if (s) out.set(s[0], (out.get(s[0]) ?? 0) + 1);
  }
  return out;
}

/** A reference's script: the one most of its letters are in (null without letters). */
export function mainScript(text: string): string | null {
  let best: string | null = null;
  let n = 0;
  for (const [s, c] of scriptCounts(text)) if (c > n) [best, n] = [s, c];
  return best;
}

export const TRANSLATION_DEGENERATE_RULE = `${DEGENERATE_RULE}; for translation (each sampled output's first line) also wrong-script: an output with letters, none of them in the reference's script (e.g. English text for an English→Russian item)`;

/** A translation output's degenerate kind: the answer kinds, or letters in none of the reference's script. */
export function translationDegenerateKind(
  output: string,
  refScript: string | null,
): DegenerateKind | 'wrong-script' | null {
  const kind = degenerateKind(output);
  if (kind || refScript === null) return kind;
  const counts = scriptCounts(output);
  return counts.size > 0 && !counts.has(refScript) ? 'wrong-script' : null;
}

/** One 'all' group over every output, with the translation kinds. */
export function summarizeTranslationDegenerate(
  kinds: readonly (DegenerateKind | 'wrong-script' | null)[],
): DegenerateSummary {
  const byKind: DegenerateGroup['byKind'] = { empty: 0, 'stop-words': 0, repetition: 0, 'wrong-script': 0 };
  for (const k of kinds) if (k) byKind[k] = (byKind[k] ?? 0) + 1;
  return {
    rule: TRANSLATION_DEGENERATE_RULE,
    groups: [{ group: 'all', outputs: kinds.length, degenerate: kinds.filter(Boolean).length, byKind }],
  };
}
