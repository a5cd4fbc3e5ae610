// The paper's growing-9 model trained monolithically on the CPU path (`npm run test:slow`): 9 blocks × d 1024,
// 32 heads, context 1024, a 65,536-token vocabulary and its 1024-wide substrate — 247.5 M parameters — take two
// optimizer steps on the wasm backend at batch 1. Its plan fits the 4 GiB WebAssembly heap only because AdamW's
// moments (native addon) and the substrate stay outside it; peak RSS is printed next to the plan (within 25 %).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGemmAddon, nativeReason } from '../../src-main/engine/model/native/addon';
import { Rng } from '../../src-main/engine/util/rng';
import { runCli } from '../helpers/cli';
import { corpusText } from '../helpers/fixtures';
import { randomSubstrateCli } from '../helpers/cli-inputs';

const dir = mkdtempSync(join(tmpdir(), 'espalier-growing9-'));
const p = (n: string): string => join(dir, n);
const GiB = 2 ** 30;
const VOCAB = 65_536;
/** Two steps of a 247 M-parameter model at 1,024 tokens: a few minutes on 2 free cores, more on a loaded machine. */
const LONG = 1_500_000;
let common: string[];

beforeAll(() => {
  if (!loadGemmAddon()) throw new Error(`native addon unavailable: ${nativeReason()} — run \`npm run build:native\``);
  // Real English, then seeded random lowercase words: enough distinct n-grams for the vocab builder to reach 65,536
  // tokens in seconds (the demo texts alone hold about 31,000).
  const rng = new Rng(7);
  const words = Array.from({ length: 250_000 }, () =>
    Array.from({ length: 3 + rng.int(5) }, () => String.fromCharCode(97 + rng.int(26))).join(''),
  );
  writeFileSync(p('text.txt'), `${corpusText('en.txt')}\n${words.join(' ')}`);
  // The training text is short: its held-out tenth is one window, so the final validation is one forward pass
  // (the whole vocabulary text would hold out ~80 windows of 1,024 tokens, most of the run's time).
  writeFileSync(p('data.txt'), corpusText('en.txt').slice(0, 30_000));
  const base = runCli(['vocab', 'build', '--corpus', p('text.txt'), '--ngrams', '0', '--out', p('v0.json'), '--json']);
  expect(base.code, base.stderr).toBe(0);
  const ngrams = VOCAB - base.json<{ size: number }>().size;
  const v = runCli([
    'vocab',
    'build',
    '--corpus',
    p('text.txt'),
    '--ngrams',
    String(ngrams),
    '--out',
    p('vocab.json'),
    '--json',
  ]);
  expect(v.code, v.stderr).toBe(0);
  expect(v.json<{ size: number }>().size).toBe(VOCAB);
  const s = randomSubstrateCli(p('vocab.json'), 1024, p('sub.safetensors'));
  expect(s.code, s.stderr).toBe(0);
  common = [
    '--preset',
    'growing-9',
    '--data',
    p('data.txt'),
    '--vocab',
    p('vocab.json'),
    '--substrate',
    p('sub.safetensors'),
    '--batch',
    '1',
    '--steps',
    '2',
    '--eval-every',
    '100',
    '--threads',
    '2',
    '--backend',
    'wasm',
  ];
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Plan {
  fits: boolean;
  params: { total: number };
  bytes: { total: number; backendHeap: number; optimizer: number };
  placement: { optimizer: string; substrate: string };
}

describe('growing-9 on the CPU path', () => {
  it(
    'plans inside the 4 GiB wasm heap and trains two steps with peak RSS near the plan',
    () => {
      const plan = runCli(['train', ...common, '--plan', '--json']).json<{ plan: Plan }>().plan;
      expect(plan.params.total).toBe(247_483_392);
      expect(plan.placement).toEqual(expect.objectContaining({ optimizer: 'native', substrate: 'host' }));
      expect(plan.fits).toBe(true);
      expect(plan.bytes.backendHeap).toBeLessThan(4 * GiB);

      const r = runCli(['train', ...common, '--out', p('run'), '--json'], { timeoutMs: LONG });
      expect(r.code, r.stderr).toBe(0);
      const res = r.json<{
        steps: number;
        trainLoss: number;
        peakRssBytes: number;
        planBytes: number;
        seconds: number;
      }>();
      expect(res.steps).toBe(2);
      // The progress lines carry each step's loss (a non-terminal prints the first and the last).
      const losses = [...r.stderr.matchAll(/^train \d+\/2 loss ([\d.]+)/gm)].map((m) => Number(m[1]));
      expect(losses).toHaveLength(2);
      for (const l of losses) expect(Number.isFinite(l)).toBe(true);
      expect(losses[1]).not.toBe(losses[0]);
      console.log(
        `growing-9: losses ${losses.join(' → ')}; ${res.seconds} s; peak RSS ${(res.peakRssBytes / GiB).toFixed(2)} GiB, plan ${(res.planBytes / GiB).toFixed(2)} GiB (peak/plan ${(res.peakRssBytes / res.planBytes).toFixed(2)}); wasm heap planned ${(plan.bytes.backendHeap / GiB).toFixed(2)} GiB`,
      );
      expect(Math.abs(res.planBytes / res.peakRssBytes - 1)).toBeLessThan(0.25);
    },
    LONG,
  );
});
