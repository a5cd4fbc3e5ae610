// `espalier grow` end to end on real text: the JSON the issue specifies, stage folders that are models, a
// monolithic baseline, an instant resume of a finished run, and a one-line error for a bad option.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSubstrate } from './support/model';
import { saveSubstrate } from '../src-main/engine/substrate/index';
import { buildTokenizer, saveTokenizer } from '../src-main/engine/tokenizer/index';
import { runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { shapeArgs } from './helpers/cli-inputs';

let dir: string;
let args: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-grow-cli-'));
  const text = corpusText('en.txt').slice(0, 40_000);
  writeFileSync(join(dir, 'data.txt'), text);
  const tok = buildTokenizer([text], { ngrams: 100 });
  saveTokenizer(tok, join(dir, 'vocab.json'));
  saveSubstrate(join(dir, 'sub.safetensors'), randomSubstrate(tok.size, 32, 3, tok.id));
  args = [
    'grow',
    '--data',
    join(dir, 'data.txt'),
    '--vocab',
    join(dir, 'vocab.json'),
    '--substrate',
    join(dir, 'sub.safetensors'),
  ];
  args.push(
    '--stages',
    '2',
    '--steps-per-stage',
    '6',
    ...shapeArgs({ heads: 4, context: 16, batch: 8 }),
    '--eval-windows',
    '16',
    '--threads',
    '1',
  );
  args.push('--baseline', 'monolithic', '--out', join(dir, 'run'), '--json');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface GrowJson {
  init: string;
  stages: {
    depth: number;
    steps: number;
    params: { trainable: number; frozenBlocks: number; frozenSubstrate: number; total: number };
    lossBeforeInsert: number | null;
    lossAfterInsert: number;
    valLoss: number;
    seconds: number;
    checkpoint: string;
  }[];
  baseline: { valLoss: number; trainableParams: number; seconds: number } | null;
}

describe('espalier grow', () => {
  it('grows two stages with a monolithic baseline and prints the specified JSON; rerunning resumes (nothing left to do)', () => {
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<GrowJson>();
    expect(j.stages.map((s) => Object.keys(s).sort())).toEqual(
      Array(2).fill([
        'checkpoint',
        'depth',
        'lossAfterInsert',
        'lossBeforeInsert',
        'params',
        'seconds',
        'steps',
        'valLoss',
      ]),
    );
    expect(j.stages.map((s) => s.depth)).toEqual([1, 2]);
    expect(j.init).toBe('scaled');
    expect(j.stages[0]!.params.frozenBlocks).toBe(0);
    expect(j.stages[1]!.params.frozenBlocks).toBeGreaterThan(0);
    expect(j.stages[0]!.lossBeforeInsert).toBeNull();
    // The monolithic baseline trains every block, the final norm and the head: all but the frozen substrate.
    expect(j.baseline!.trainableParams).toBe(j.stages[1]!.params.total - j.stages[1]!.params.frozenSubstrate);
    expect(Object.keys(j.baseline!).sort()).toEqual(['seconds', 'trainableParams', 'valLoss']);
    expect(readFileSync(join(j.stages[1]!.checkpoint, 'config.json'), 'utf8')).toContain('"layers": 2');
    expect(r.stderr).toMatch(/stage 2\/2 \(depth 2\).*frozen/);

    const again = runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<GrowJson>().stages.map((s) => s.valLoss)).toEqual(j.stages.map((s) => s.valLoss));
    expect(again.stderr).not.toMatch(/stage 1\/2/);
  });

  it('--init zero-output stacks an identity block: the loss after insertion equals the loss before', () => {
    const r = runCli([
      ...args.filter((a) => a !== 'monolithic' && a !== '--baseline').slice(0, -3),
      '--init',
      'zero-output',
      '--out',
      join(dir, 'zero'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<GrowJson>();
    expect(j.init).toBe('zero-output');
    const s2 = j.stages[1]!;
    expect(Math.abs(s2.lossAfterInsert - s2.lossBeforeInsert!)).toBeLessThan(1e-6);
    expect(r.stderr).toMatch(/insertion \(val loss before → after stacking\) (\d+\.\d{4}) → \1 \(±0\)/);
  });

  it('rejects an unknown init in one line', () => {
    const r = runCli([...args.slice(0, -3), '--init', 'ones', '--out', join(dir, 'bad')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--init must be one of scaled, unscaled, zero-output, copy, got "ones"/);
  });
});
