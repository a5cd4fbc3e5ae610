// `espalier eval` and `eval compare` from the outside: help, and errors that name the option, folder or file line.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src-main/engine/backend';
import { exportModel } from '../src-main/engine/io';
import { GPT } from '../src-main/engine/model/gpt';
import { buildSubstrate } from '../src-main/engine/substrate';
import { buildTokenizer, tokenizerToJson } from '../src-main/engine/tokenizer';
import { parseArgs } from '../src-main/cli/args';
import { createContext } from '../src-main/cli/output';
import evalCmd, { humanResult, specFromOptions } from '../src-main/cli/commands/eval';
import { openEvalModel } from '../src-main/cli/eval-model';
import { runCli } from './helpers/cli';

/** Runs `espalier eval ARGS` in this process (the spawned CLI costs seconds per call). */
async function evalInProcess(args: string[]): Promise<Record<string, unknown>> {
  const parsed = parseArgs(args, evalCmd.options);
  return (await evalCmd.run(
    parsed.options,
    parsed.positionals,
    createContext(true, { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream),
  )) as Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), 'espalier-eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real (tiny, untrained) model folder, exported as `espalier train` would. */
const modelDir = join(dir, 'tiny-model');
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const tok = buildTokenizer(
    ['Debian is a free operating system. Which command installs packages? apt-get installs them.'],
    { ngrams: 20 },
  );
  const substrate = buildSubstrate(tok, { kind: 'binary-id', dim: 32 });
  const gpt = GPT.create({
    config: { vocabSize: tok.size, layers: 1, dModel: 32, heads: 2, contextLength: 64 },
    substrate,
    tokenizerId: tok.id,
    seed: 1,
  });
  exportModel(modelDir, gpt, { tokenizerJson: tokenizerToJson(tok) });
  gpt.dispose();
});

describe('espalier eval', () => {
  it('documents its options', () => {
    const r = runCli(['eval', '--help']);
    expect(r.code).toBe(0);
    for (const opt of [
      '--model DIR',
      '--task TASK',
      '--data FILE',
      '--protocol NAME',
      '--runs N',
      '--limit N',
      '--seed S',
      '--pair SRC-TGT',
    ])
      expect(r.stdout).toContain(opt);
  });
  it('checks the data before loading the model and names the bad line', () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'q,a,b,c,d,A\nq,a,b,c,d\n');
    const r = runCli(['eval', '--model', join(dir, 'none'), '--task', 'mc', '--data', csv, '--json']);
    expect(r.code).toBe(1);
    expect(r.json()).toEqual({ error: `${csv}:2: expected 6 fields (question,A,B,C,D,answer), found 5` });
  });
  it('rejects unknown tasks and protocols, and folders without a model', async () => {
    const opts = (extra: string[]) => parseArgs(['--model', dir, '--data', 'x.csv', ...extra], evalCmd.options).options;
    expect(() => specFromOptions(opts(['--task', 'nope']))).toThrow(
      '--task must be one of ppl, mc, qa, bleu; got "nope"',
    );
    expect(() => specFromOptions(opts(['--task', 'mc', '--protocol', 'squad']))).toThrow(
      'task mc has no protocol "squad" (choose loglik or paper)',
    );
    expect(() => specFromOptions(opts(['--task', 'mc', '--runs', '0']))).toThrow(
      '--runs must be a positive integer, got 0',
    );
    const empty = join(dir, 'empty-model');
    mkdirSync(empty, { recursive: true });
    await expect(openEvalModel(empty)).rejects.toThrow(/empty-model: has no tokenizer\.json/);
    await expect(openEvalModel(join(dir, 'nowhere'))).rejects.toThrow(/nowhere: no such model folder/);
  });
});

describe('espalier eval on a model folder', () => {
  it('runs the paper multiple-choice protocol with runs and reports ci95, saving the result beside the model', () => {
    const csv = join(dir, 'mmlu_test.csv');
    writeFileSync(
      csv,
      'What is Debian?,An operating system,A fruit,A car,A river,A\n"Which command, most likely, installs packages?",apt-get,cat,ls,rm,A\n',
    );
    const r = runCli([
      'eval',
      '--model',
      modelDir,
      '--task',
      'mc',
      '--protocol',
      'paper',
      '--runs',
      '3',
      '--data',
      csv,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<{
      task: string;
      protocol: string;
      n: number;
      runs: number;
      metrics: Record<string, number>;
      ci95: number;
      seconds: number;
      saved: string;
    }>();
    expect(out).toMatchObject({ task: 'mc', protocol: 'paper', n: 2, runs: 3 });
    expect(typeof out.ci95).toBe('number');
    expect(out.metrics['acc']).toBeGreaterThanOrEqual(0);
    expect(existsSync(out.saved)).toBe(true);
    expect(readdirSync(join(modelDir, 'evals'))).toEqual([expect.stringMatching(/^mc-paper-[0-9a-f]{8}\.json$/)]);
  });
  it('runs BLEU on a TSV and QA on a SQuAD v2 file', async () => {
    const tsv = join(dir, 'pairs.tsv');
    writeFileSync(tsv, 'Debian is free.\tDebian свободна.\n');
    const b = await evalInProcess([
      '--model',
      modelDir,
      '--task',
      'bleu',
      '--pair',
      'en-ru',
      '--data',
      tsv,
      '--max-new-tokens',
      '4',
      '--no-save',
    ]);
    expect(b).toMatchObject({ task: 'bleu', protocol: 'paper', n: 1 });
    expect(Object.keys(b['metrics'] as object)).toEqual(
      expect.arrayContaining(['bleu', 'ci95', 'corpus_bleu', 'sentence_bleu_mean', 'chrf']),
    );
    expect(humanResult(b as never)).toMatch(/^ {2}chrf +\d/m);
    const squad = join(dir, 'squad.json');
    const qas = [
      { id: 'a', question: 'Who?', answers: [{ text: 'Ian', answer_start: 0 }], is_impossible: false },
      { id: 'b', question: 'Why?', answers: [], is_impossible: true },
    ];
    writeFileSync(
      squad,
      JSON.stringify({
        version: 'v2.0',
        data: [{ title: 't', paragraphs: [{ context: 'Ian founded Debian.', qas }] }],
      }),
    );
    const q = await evalInProcess([
      '--model',
      modelDir,
      '--task',
      'qa',
      '--protocol',
      'squad',
      '--data',
      squad,
      '--max-new-tokens',
      '4',
      '--no-save',
    ]);
    expect(q['metrics']).toMatchObject({ total: 2, HasAns_total: 1, NoAns_total: 1 });
  });
});
