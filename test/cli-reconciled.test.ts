// Issue 31 items 4, 5, 6 and 8 through the real `espalier` process: a truncated weights file is named as truncated,
// a benchmark file of another task is named with the task it fits, `eval compare` labels models by name with a
// parent where names collide, a mistyped command suggests the right one (exit 1), the grow log and summary print one
// insertion spike, and a bad --steps-per-stage is refused before any data is read.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src-main/engine/backend';
import { exportModel } from '../src-main/engine/io';
import { GPT } from '../src-main/engine/model/gpt';
import { saveSubstrate } from '../src-main/engine/substrate/index';
import { buildTokenizer, saveTokenizer, tokenizerToJson } from '../src-main/engine/tokenizer';
import { holdoutSplit } from '../src-main/engine/train/holdout';
import { randomSubstrate } from './support/model';
import { runCli } from './helpers/cli';
import { CPU_ONE_THREAD, inputArgs } from './helpers/cli-inputs';

const dir = mkdtempSync(join(tmpdir(), 'espalier-cli-reconciled-'));
const p = (name: string): string => join(dir, name);
const TEXT = Array.from(
  { length: 60 },
  (_, i) => `Line ${i}: the gardener grows a trellis, one tier at a time.\n\nEach tier rests on the one below.`,
).join('\n');

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  writeFileSync(p('text.txt'), TEXT);
  const tok = buildTokenizer([TEXT], { ngrams: 30 });
  saveTokenizer(tok, p('vocab.json'));
  const substrate = randomSubstrate(tok.size, 32, 2, tok.id);
  saveSubstrate(p('sub.safetensors'), substrate);
  const gpt = GPT.create({
    config: { vocabSize: tok.size, layers: 2, dModel: 32, heads: 2, contextLength: 32, mlpRatio: 4 },
    substrate,
    tokenizerId: tok.id,
    seed: 1,
  });
  exportModel(p('expert-a/stage-3'), gpt, { tokenizerJson: tokenizerToJson(tok) });
  // A folder that records its hold-out as train does, for the holdout protocol's errors.
  const training = {
    data: { file: p('text.txt') },
    holdout: holdoutSplit(TEXT).record,
    validation: { protocol: 'holdout', windows: 128, context: 32 },
  };
  exportModel(p('recorded'), gpt, { tokenizerJson: tokenizerToJson(tok), training });
  gpt.dispose();
  cpSync(p('expert-a'), p('expert-b'), { recursive: true });
  cpSync(p('expert-a/stage-3'), p('solo'), { recursive: true });
  // Benchmark files of each kind (the importer's detection tells them apart).
  writeFileSync(p('pairs.en-ru.tsv'), 'the tree\tдерево\nthe tier\tярус\nthe garden\tсад\n');
  writeFileSync(
    p('mmlu.csv'),
    'What grows?,a tree,a rock,a cloud,a river,A\nWhat is below?,the roof,the tier below,the sky,the moon,B\n',
  );
  mkdirSync(p('mmlu-folder'));
  copyFileSync(p('mmlu.csv'), p('mmlu-folder/garden_test.csv'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('errors that name the real fault', () => {
  it('a truncated model.safetensors is reported as truncated, with the sizes (item 4)', () => {
    cpSync(p('solo'), p('cut'), { recursive: true });
    const full = statSync(p('cut/model.safetensors')).size;
    truncateSync(p('cut/model.safetensors'), 20_000);
    const r = runCli(['eval', '--model', p('cut'), '--task', 'ppl', '--data', p('text.txt')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      `${p('cut/model.safetensors')}: the file is truncated (its header describes ${full} bytes, the file has 20000)`,
    );
    expect(r.stderr).not.toMatch(/inconsistent with shape/);
  });

  it('a benchmark file of another task says which task it fits (item 5)', () => {
    const tsv = runCli(['eval', '--model', p('solo'), '--task', 'mc', '--data', p('pairs.en-ru.tsv')]);
    expect(tsv.code).toBe(1);
    expect(tsv.stderr).toMatch(/pairs\.en-ru\.tsv: this is translation pairs TSV.* it fits --task bleu, not --task mc/);
    expect(tsv.stderr).not.toMatch(/invalid JSON/);
    const csv = runCli(['eval', '--model', p('solo'), '--task', 'qa', '--data', p('mmlu.csv')]);
    expect(csv.code).toBe(1);
    expect(csv.stderr).toMatch(/mmlu\.csv: this is MMLU CSV.* it fits --task mc, not --task qa/);
    expect(csv.stderr).not.toMatch(/invalid JSON/);
    const folder = runCli(['eval', '--model', p('solo'), '--task', 'bleu', '--data', p('mmlu-folder')]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(
      /mmlu-folder: is a folder; --task bleu reads one file.*a folder of MMLU CSVs fits --task mc/,
    );
    expect(folder.stderr).not.toMatch(/--pair/);
  });

  it('eval compare labels models by name, with the parent folder where two names collide (item 6)', () => {
    const r = runCli([
      'eval',
      'compare',
      '--model',
      p('expert-a/stage-3'),
      '--model',
      p('expert-b/stage-3'),
      '--model',
      p('solo'),
      '--task',
      'ppl',
      '--data',
      p('text.txt'),
      '--no-save',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<{ results: { modelId: string }[]; table: { rows: unknown[][] } }>();
    expect(j.results.map((x) => x.modelId)).toEqual(['expert-a/stage-3', 'expert-b/stage-3', 'solo']);
    expect(j.table.rows.map((row) => row[0])).toEqual(['expert-a/stage-3', 'expert-b/stage-3', 'solo']);
  });

  it('eval --protocol holdout names a text that is not the recorded one, and a folder with no record (item 1)', () => {
    writeFileSync(p('other.txt'), TEXT.replaceAll('gardener', 'forester'));
    const other = runCli([
      'eval',
      '--model',
      p('recorded'),
      '--task',
      'ppl',
      '--protocol',
      'holdout',
      '--data',
      p('other.txt'),
    ]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(
      /other\.txt: its hold-out \(from character \d+, SHA-256 [0-9a-f]{12}…\) is not the one the model was validated on \(.*config\.json → training: from character \d+/,
    );
    const none = runCli(['eval', '--model', p('solo'), '--task', 'ppl', '--protocol', 'holdout']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /config\.json: records no validation hold-out \(training\.holdout\).*--protocol loglik with --data FILE/,
    );
  });

  it('a mistyped command exits 1 and suggests the command (item 8)', () => {
    const r = runCli(['evall', '--model', p('solo')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('espalier: error: unknown command "evall"; did you mean eval? (run espalier --help)');
  });

  it('--steps-per-stage -5 is refused before the data is read (item 8)', () => {
    const r = runCli([
      'grow',
      ...inputArgs(p, 'no-such-file.txt'),
      '--stages',
      '2',
      '--steps-per-stage',
      '-5',
      '--out',
      p('never'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'espalier: error: option --steps-per-stage expects a positive integer or a comma-separated list of them, got -5',
    );
  });

  it('the grow log and its summary print the same insertion spike (item 8)', () => {
    const r = runCli(
      [
        'grow',
        ...inputArgs(p, 'text.txt'),
        '--stages',
        '2',
        '--steps-per-stage',
        '2',
        '--context',
        '16',
        '--batch',
        '4',
        ...CPU_ONE_THREAD,
        '--out',
        p('run'),
      ],
      { timeoutMs: 180_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const logged = /stage 2\/2 \(depth 2\):.*insertion \(val loss before → after stacking\) (\S+ → \S+ \(\S+\))/.exec(
      r.stderr,
    );
    expect(logged, r.stderr).not.toBeNull();
    const row = r.stdout.split('\n').find((l) => /^\s+2\s+2\s/.test(l));
    expect(row, r.stdout).toContain(logged![1]);
  });
});
