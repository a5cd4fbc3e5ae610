// `espalier tokens` and `train --data FILE.tokens` end to end: a token file trains exactly as the text does
// (same hold-out, same batches for a seed, so the same losses), and a token file of another tokenizer is refused.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { CPU_ONE_THREAD, fileArgs, shapeArgs, randomSubstrateCli } from './helpers/cli-inputs';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-cli-tokens-'));
  writeFileSync(join(dir, 'text.txt'), corpusText('en.txt').slice(0, 30_000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier tokens / train from a token file', () => {
  it("trains from the token file to the same losses as from the text, and refuses another tokenizer's file", () => {
    const text = join(dir, 'text.txt');
    const vocab = join(dir, 'vocab.json');
    const sub = join(dir, 'sub.safetensors');
    const toks = join(dir, 'text.tokens');
    expect(runCli(['vocab', 'build', '--corpus', text, '--ngrams', '60', '--out', vocab, '--json']).code).toBe(0);
    expect(randomSubstrateCli(vocab, 32, sub).code).toBe(0);
    const made = runCli(['tokens', '--vocab', vocab, '--data', text, '--out', toks, '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.json()).toMatchObject({
      format: 'espalier-tokens',
      dtype: 'uint16',
      complete: true,
      holdout: { rule: 'tail' },
    });

    const common = [
      '--vocab',
      vocab,
      '--substrate',
      sub,
      ...shapeArgs({ layers: 1, heads: 4, context: 16, batch: 8 }),
      '--steps',
      '6',
      '--eval-every',
      '3',
      '--seed',
      '3',
      '--threads',
      '1',
      '--json',
    ];
    const fromText = runCli(['train', '--data', text, ...common, '--out', join(dir, 'a')], { timeoutMs: 120_000 });
    expect(fromText.code, fromText.stderr).toBe(0);
    const fromFile = runCli(['train', '--data', toks, ...common, '--out', join(dir, 'b')], { timeoutMs: 120_000 });
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const streamed = runCli(['train', '--data', text, '--token-file', ...common, '--out', join(dir, 'c')], {
      timeoutMs: 120_000,
    });
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(existsSync(join(dir, 'c', 'data.tokens'))).toBe(true);
    const a = fromText.json<{ trainLoss: number; valLoss: number; unigramEntropy: number; validation: unknown }>();
    for (const r of [fromFile, streamed]) {
      const b = r.json<typeof a>();
      expect(b.trainLoss).toBe(a.trainLoss);
      expect(b.valLoss).toBe(a.valLoss);
      expect(b.unigramEntropy).toBe(a.unigramEntropy);
      expect(b.validation).toEqual(a.validation);
    }

    const vocab2 = join(dir, 'vocab2.json');
    expect(runCli(['vocab', 'build', '--corpus', text, '--ngrams', '10', '--out', vocab2, '--json']).code).toBe(0);
    const sub2 = join(dir, 'sub2.safetensors');
    expect(randomSubstrateCli(vocab2, 32, sub2).code).toBe(0);
    const wrong = runCli([
      'train',
      ...fileArgs(toks, vocab2, sub2),
      '--steps',
      '2',
      '--out',
      join(dir, 'd'),
      '--threads',
      '1',
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(`${toks}: made with tokenizer`);
  });

  it('grows from a token file to the same stage losses as from the text', () => {
    const text = join(dir, 'text.txt');
    const vocab = join(dir, 'vocab.json');
    const sub = join(dir, 'sub.safetensors');
    const toks = join(dir, 'text.tokens');
    const common = [
      '--vocab',
      vocab,
      '--substrate',
      sub,
      '--stages',
      '2',
      '--steps-per-stage',
      '2',
      ...shapeArgs({ heads: 4, context: 16, batch: 8 }),
      ...CPU_ONE_THREAD,
      '--json',
    ];
    const a = runCli(['grow', '--data', text, ...common, '--out', join(dir, 'g1')], { timeoutMs: 240_000 });
    expect(a.code, a.stderr).toBe(0);
    const b = runCli(['grow', '--data', toks, ...common, '--out', join(dir, 'g2')], { timeoutMs: 240_000 });
    expect(b.code, b.stderr).toBe(0);
    type G = { stages: { valLoss: number; lossAfterInsert: number }[]; validation: unknown };
    const ga = a.json<G>();
    const gb = b.json<G>();
    expect(ga.stages).toHaveLength(2);
    for (const s of ga.stages) expect(Number.isFinite(s.valLoss) && Number.isFinite(s.lossAfterInsert)).toBe(true);
    expect(gb.stages.map((s) => [s.lossAfterInsert, s.valLoss])).toEqual(
      ga.stages.map((s) => [s.lossAfterInsert, s.valLoss]),
    );
    expect(gb.validation).toEqual(ga.validation);
  });
});
