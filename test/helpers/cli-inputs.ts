// The CLI options and input files that the CLI tests repeat: a folder's text, vocabulary and substrate as
// `--data --vocab --substrate`, one CPU thread, and the generated corpus most of them train on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorld } from '../../src-main/lab/world';
import { saveSubstrate } from '../../src-main/engine/substrate/index';
import { buildTokenizer, saveTokenizer } from '../../src-main/engine/tokenizer/index';
import { randomSubstrate } from '../support/model';
import { runCli, type CliResult } from './cli';

/** `--data <data> --vocab vocab.json --substrate sub.safetensors`, each resolved by the test's `p`. */
export function inputArgs(p: (name: string) => string, data = 'data.txt'): string[] {
  return ['--data', p(data), '--vocab', p('vocab.json'), '--substrate', p('sub.safetensors')];
}

/** One thread of the plain CPU backend: the same numbers on every machine. */
export const CPU_ONE_THREAD: readonly string[] = ['--threads', '1', '--backend', 'cpu'];

/** The demo world's English–Russian training text (generated: no system files), 52 kB with documents. */
export function worldText(): string {
  return generateWorld({
    seed: 5,
    scale: 'quick',
    corpusBytes: 52_000,
    people: 30,
    qaParagraphs: 0,
    mcItems: 0,
    translationPairs: 0,
  }).corpora['en-ru'].train;
}

/**
 * Writes `text` as data.txt into `dir` with a vocabulary built on it (vocab.json) and a random substrate for that
 * vocabulary (sub.safetensors, `dim` wide): what inputArgs names.
 */
export function writeInputs(dir: string, text: string, opts: { ngrams: number; dim?: number }): void {
  writeFileSync(join(dir, 'data.txt'), text);
  const tok = buildTokenizer([text], { ngrams: opts.ngrams });
  saveTokenizer(tok, join(dir, 'vocab.json'));
  saveSubstrate(join(dir, 'sub.safetensors'), randomSubstrate(tok.size, opts.dim ?? 32, 3, tok.id));
}

/** `--data --vocab --substrate` for files a test names itself. */
export function fileArgs(data: string, vocab: string, substrate: string): string[] {
  return ['--data', data, '--vocab', vocab, '--substrate', substrate];
}

/** A small model's shape and batch as CLI options (`--layers` only when given: grow takes stages instead). */
export function shapeArgs(s: { layers?: number; heads: number; context: number; batch: number }): string[] {
  return [
    ...(s.layers !== undefined ? ['--layers', String(s.layers)] : []),
    ...['--heads', String(s.heads), '--context', String(s.context), '--batch', String(s.batch)],
  ];
}

/**
 * `espalier grow` of two stages × 3 steps (4 heads, context 16, batch 8, one CPU thread) on the inputs in the
 * test's folder, into `run/`, with --json: the small grown model the hold-out tests score.
 */
export function growTwoStages(p: (name: string) => string): CliResult {
  return runCli(
    [
      'grow',
      ...inputArgs(p),
      ...['--stages', '2', '--steps-per-stage', '3'],
      ...shapeArgs({ heads: 4, context: 16, batch: 8 }),
      ...CPU_ONE_THREAD,
      ...['--out', p('run'), '--json'],
    ],
    { timeoutMs: 240_000 },
  );
}

/** `espalier substrate build --kind random` for a vocabulary file, `dim` wide, into `out`, with --json. */
export function randomSubstrateCli(vocab: string, dim: number, out: string): CliResult {
  return runCli([
    'substrate',
    'build',
    '--kind',
    'random',
    '--vocab',
    vocab,
    '--dim',
    String(dim),
    '--out',
    out,
    '--json',
  ]);
}
