// What the demo trains and tests on: the generated world (two corpora plus QA, multiple choice and translation
// sets), or the user's two corpora split into training and held-out text (no world-only tasks then).
import { basename, extname, join } from 'node:path';
import {
  CORPUS_NAMES,
  generateWorld,
  writeWorld,
  type Lang,
  type WorldManifest,
  type WorldScale,
  type WorldStats,
} from './world/index';
import { writeFileAtomic } from '../engine/util/atomic';
import { readCorpusFile } from '../engine/tokenizer/index';
import { UserError } from '../common/errors';

export interface DemoCorpus {
  /** "en-ru" / "en-zh" for the world; the file's name for user corpora. */
  name: string;
  /** The expert trained on it: "RU" / "ZH", or "A" / "B". */
  expert: string;
  train: string;
  val: string;
  /** Where the text came from (the world folder, or the user's file). */
  source: string;
}

export interface WorldFiles {
  dir: string;
  manifest: Pick<WorldManifest, 'id' | 'seed' | 'scale' | 'files'>;
  stats: WorldStats;
  qa: Record<Lang, string>;
  mc: string;
  /** Per mc.csv row: which corpus teaches the fact ("both", "en-ru", "en-zh"). */
  mcCoverage: string[];
  translate: { 'en-ru': string; 'en-zh': string };
}

export interface DemoInputs {
  source: 'world' | 'corpora';
  corpora: [DemoCorpus, DemoCorpus];
  world: WorldFiles | null;
  /** Tasks left out and why (user corpora have no QA, multiple-choice or translation sets). */
  skipped: string[];
}

/** Generates the world from `seed` into `dir` (deterministic: the same seed writes the same bytes). */
export function prepareWorld(dir: string, seed: number, scale: WorldScale): DemoInputs {
  const world = generateWorld({ seed, scale });
  const manifest = writeWorld(dir, world);
  const expert = { 'en-ru': 'RU', 'en-zh': 'ZH' } as const;
  const corpora = CORPUS_NAMES.map((name) => ({
    name,
    expert: expert[name],
    train: join(dir, `${name}.train.txt`),
    val: join(dir, `${name}.val.txt`),
    source: dir,
  }));
  return {
    source: 'world',
    corpora: [corpora[0]!, corpora[1]!],
    world: {
      dir,
      manifest: { id: manifest.id, seed: manifest.seed, scale: manifest.scale, files: manifest.files },
      stats: world.stats,
      qa: { en: join(dir, 'qa.en.json'), ru: join(dir, 'qa.ru.json'), zh: join(dir, 'qa.zh.json') },
      mc: join(dir, 'mc.csv'),
      mcCoverage: world.meta.mc.map((m) => m.coverage),
      translate: { 'en-ru': join(dir, 'translate.en-ru.tsv'), 'en-zh': join(dir, 'translate.en-zh.tsv') },
    },
    skipped: [],
  };
}

/** The last `fraction` of the text, cut at a line start, is held out; the rest trains. */
export function splitHeldOut(text: string, fraction: number): { train: string; val: string } {
  const at = text.indexOf('\n', Math.floor(text.length * (1 - fraction)));
  const cut = at < 0 ? Math.floor(text.length * (1 - fraction)) : at + 1;
  return { train: text.slice(0, cut), val: text.slice(cut) };
}

const MIN_CHARS = 2000;

/** Copies the user's corpora into `dir` as <name>.train.txt / <name>.val.txt (the last 10% held out). */
export function prepareCorpora(dir: string, a: string, b: string): DemoInputs {
  const names = [a, b].map((f) => basename(f, extname(f)).replace(/[^\p{L}\p{N}._-]+/gu, '-') || 'corpus');
  if (names[0] === names[1]) names[1] = `${names[1]}-2`;
  const corpora = [a, b].map((file, i): DemoCorpus => {
    const text = readCorpusFile(file);
    if (text.length < MIN_CHARS)
      throw new UserError(
        `${file}: ${text.length} characters is too little for the demo (needs at least ${MIN_CHARS})`,
      );
    const { train, val } = splitHeldOut(text, 0.1);
    const name = names[i]!;
    const paths = { train: join(dir, `${name}.train.txt`), val: join(dir, `${name}.val.txt`) };
    writeFileAtomic(paths.train, train);
    writeFileAtomic(paths.val, val);
    return { name, expert: i === 0 ? 'A' : 'B', ...paths, source: file };
  });
  return {
    source: 'corpora',
    corpora: [corpora[0]!, corpora[1]!],
    world: null,
    skipped: [
      "QA (paper protocol and EM/F1), multiple choice (loglik and paper) and BLEU: they need the demo world's QA, multiple-choice and translation sets, which user corpora do not have",
      'the QA claim (qaRisesWithDepth): no QA set',
    ],
  };
}
