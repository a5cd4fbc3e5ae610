// What every run of a study trains and is scored on: the corpora (the demo world's, or the user's files), one
// tokenizer over all training text, token windows per corpus, the held-out suite, and substrates built on demand.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StudySpec } from '../../src-shared/study';
import { UserError } from '../common/errors';
import { prepareWorld } from '../lab/inputs';
import { prepareData } from '../engine/eval/index';
import {
  buildSubstrate,
  findSystemUnifont,
  defaultFontSearch,
  HOW_TO_GET_UNIFONT,
  saveSubstrate,
  type BuiltSubstrate,
} from '../engine/substrate/index';
import { buildTokenizer, readCorpusFile, saveTokenizer, type Tokenizer } from '../engine/tokenizer/index';
import { makeWindows, type Windows } from '../engine/train/index';
import { holdoutSplit } from '../engine/train/holdout';
import { substrateId } from '../engine/substrate/index';
import { seededColumns } from './seeded-rows';
import type { SuiteTask } from '../lab/evaluate';
import { concatTokens } from '../engine/util/concat';

export interface StudyCorpusData {
  name: string;
  /** The expert trained on it in merge arms ("RU", "ZH" for the world; "A", "B" otherwise). */
  expert: string;
  val: string;
  train: Windows;
  valWindows: Windows;
}

export interface StudyInputs {
  tokenizer: Tokenizer;
  corpora: StudyCorpusData[];
  /** Every corpus concatenated: what a single-model arm trains and validates on. */
  all: { train: Windows; val: Windows };
  /** Held-out loss on each corpus (first model.evalTokens tokens), shared by every run. */
  suite: SuiteTask[];
  notes: string[];
  /**
   * The substrate rows of `kind`. Random codes are drawn from `seed`; glyph and binary-id rows are the canonical
   * ones with `seed` null, and with a seed they are put through that seed's signed permutation of the columns (an
   * orthogonal map: the same geometry in other coordinates, so two experts start from different rows).
   */
  substrate(kind: 'glyph' | 'binary-id' | 'random', seed: number | null): BuiltSubstrate;
}

/** A corpus of the project's datasets as files (resolved by the app from the spec's ids); val null: the fixed hold-out. */
export interface ResolvedCorpus {
  name: string;
  train: string;
  val: string | null;
}

type CorpusFile = { name: string; expert: string; train: string; val: string | null };

function corpusFiles(spec: StudySpec, workDir: string, datasets: readonly ResolvedCorpus[] | undefined): CorpusFile[] {
  const d = spec.data;
  if (d.kind === 'datasets') {
    if (!datasets || datasets.length !== d.datasets.length)
      throw new UserError(
        `data.datasets names the project's datasets by id; run the study from the app (Studies view), which resolves them to files`,
      );
    return datasets.map((c, i) => ({ name: c.name, expert: i === 0 ? 'A' : 'B', train: c.train, val: c.val }));
  }
  if (d.kind === 'world') {
    const w = prepareWorld(join(workDir, 'world'), d.seed, d.scale);
    return w.corpora.map((c) => ({ name: c.name, expert: c.expert, train: c.train, val: c.val }));
  }
  return d.corpora.map((c, i) => {
    for (const [field, f] of [
      ['train', c.train],
      ['val', c.val],
    ] as const) {
      if (!existsSync(f)) throw new UserError(`data.corpora[${i}].${field}: ${f}: no such file`);
    }
    return { name: c.name, expert: i === 0 ? 'A' : 'B', train: resolve(c.train), val: resolve(c.val) };
  });
}

/** Builds (deterministically, so a resumed study gets the same ids) everything the runs share. */
export async function prepareInputs(
  spec: StudySpec,
  workDir: string,
  datasets?: readonly ResolvedCorpus[],
): Promise<StudyInputs> {
  const notes: string[] = [];
  const texts: { train: string; val: string }[] = [];
  const files = corpusFiles(spec, workDir, datasets).map((f, i): CorpusFile & { val: string } => {
    const text = readCorpusFile(f.train);
    if (spec.data.kind === 'datasets')
      notes.push(
        `corpus ${f.expert}: the project's dataset "${f.name}"${f.val !== null ? ', scored on its held-out dataset' : ''}`,
      );
    if (f.val !== null) {
      texts.push({ train: text, val: readCorpusFile(f.val) });
      return { ...f, val: f.val };
    }
    // No held-out dataset: the fixed hold-out (the text's last 10%, never trained on), written for the suite.
    const split = holdoutSplit(text);
    const val = join(workDir, `heldout-${i + 1}.txt`);
    writeFileSync(val, split.val);
    texts.push({ train: split.train, val: split.val });
    notes.push(
      `${f.name}: held out by the fixed hold-out (the last ${Math.round(split.record.fraction * 100)}% of the text, SHA-256 ${split.record.sha256.slice(0, 12)}…)`,
    );
    return { ...f, val };
  });
  const tokenizer = buildTokenizer(
    texts.map((t) => t.train),
    { ngrams: spec.model.ngrams },
  );
  saveTokenizer(tokenizer, join(workDir, 'tokenizer.json'));
  const T = spec.model.contextLength;
  const corpora = files.map((f, i): StudyCorpusData => {
    const train = tokenizer.encode(texts[i]!.train);
    const val = tokenizer.encode(texts[i]!.val);
    return {
      name: f.name,
      expert: f.expert,
      val: f.val,
      train: makeWindows(train, T, f.train),
      valWindows: makeWindows(val, T, f.val),
    };
  });
  const all = {
    train: makeWindows(concatTokens(corpora.map((c) => c.train.tokens)), T, 'the training corpora'),
    val: makeWindows(concatTokens(corpora.map((c) => c.valWindows.tokens)), T, 'the held-out corpora'),
  };
  const suite: SuiteTask[] = [];
  for (const c of corpora) {
    const s = { task: 'ppl', protocol: 'loglik', data: c.val, limit: spec.model.evalTokens } as const;
    suite.push({ key: `ppl:${c.name}`, spec: s, prepared: await prepareData(s) });
  }
  const cache = new Map<string, BuiltSubstrate>();
  let font: string | null | undefined;
  const substrate = (kind: 'glyph' | 'binary-id' | 'random', seed: number | null): BuiltSubstrate => {
    if (kind === 'random' && seed === null) throw new Error('random codes need a seed');
    // The key holds the seed whenever the rows depend on it, so two experts never share a cached table by accident.
    const key = seed === null ? kind : `${kind}-${seed}`;
    const hit = cache.get(key);
    if (hit) return hit;
    if (kind !== 'random' && seed !== null) {
      const base = substrate(kind, null);
      const matrix = seededColumns(base.matrix, base.vocabSize, base.dim, seed);
      const id = substrateId(tokenizer.id, matrix);
      const built: BuiltSubstrate = { ...base, id, matrix, meta: { ...base.meta, id, seed } };
      saveSubstrate(join(workDir, `substrate-${key}.safetensors`), built);
      cache.set(key, built);
      return built;
    }
    if (kind === 'glyph' && font === undefined) {
      font = findSystemUnifont(defaultFontSearch()) ?? null;
      if (!font)
        throw new UserError(`the study has a glyph-substrate arm but no GNU Unifont was found; ${HOW_TO_GET_UNIFONT}`);
      notes.push(`glyph substrate: GNU Unifont from ${font}`);
    }
    const built = buildSubstrate(tokenizer, {
      kind,
      dim: spec.model.dim,
      ...(kind === 'glyph' ? { font: font! } : {}),
      ...(kind === 'random' ? { seed: seed! } : {}),
    });
    saveSubstrate(join(workDir, `substrate-${key}.safetensors`), built);
    cache.set(key, built);
    return built;
  };
  return { tokenizer, corpora, all, suite, notes, substrate };
}
