// Memory plans from the CLI: `--plan --json` for the paper's presets (its parameter counts), a job that cannot fit
// refused before any work in one line with the numbers, and a job that fits logging its plan and training with
// --grad-accum (recorded in its checkpoint).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src-main/engine/io/checkpoint';
import { runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { fileArgs, shapeArgs, randomSubstrateCli } from './helpers/cli-inputs';

let dir: string;
let vocab: string;
let sub: string;
let text: string;

interface PlanJson {
  preset: { name: string; params: number; paperParams: number; paperText: string } | null;
  config: { layers: number; vocabSize: number; dModel: number; heads: number; contextLength: number };
  plan: {
    params: { total: number; trainable: number; frozenBlocks: number; frozenSubstrate: number };
    fits: boolean;
    problems: string[];
    bytes: Record<string, number>;
    limits: { wasmHeap: number | null };
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-plan-cli-'));
  text = join(dir, 'text.txt');
  vocab = join(dir, 'vocab.json');
  sub = join(dir, 'sub.safetensors');
  writeFileSync(text, corpusText('debian-faq.en.txt').slice(0, 30_000));
  expect(runCli(['vocab', 'build', '--corpus', text, '--ngrams', '60', '--out', vocab, '--json']).code).toBe(0);
  expect(randomSubstrateCli(vocab, 32, sub).code).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--plan', () => {
  it('train --preset growing-9 --plan --json: 247.6 M parameters (±1 %) with a 65,536-token vocabulary, before any file is read', () => {
    const r = runCli(['train', '--preset', 'growing-9', '--plan', '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<PlanJson>();
    expect(j.config).toMatchObject({ layers: 9, dModel: 1024, heads: 32, contextLength: 1024, vocabSize: 65_536 });
    expect(j.preset).toMatchObject({ name: 'growing-9', paperParams: 247.6e6, paperText: '247.6 M' });
    expect(Math.abs(j.plan.params.total / 247.6e6 - 1)).toBeLessThan(0.01);
    expect(j.plan.params.frozenSubstrate).toBe(65_536 * 1024);
    // Monolithic at batch 16 × context 1024 is far past the 4 GiB WebAssembly heap: the plan says so.
    expect(j.plan.fits).toBe(false);
    expect(j.plan.limits.wasmHeap).toBe(4 * 2 ** 30);
  });

  it("grow --preset best-16 --plan: 16 blocks, a 131,072 vocabulary, the final stage with 15 frozen blocks, next to the paper's 0.5 B", () => {
    const r = runCli(['grow', '--preset', 'best-16', '--plan', '--batch', '1', '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json<PlanJson>();
    expect(j.config).toMatchObject({ layers: 16, vocabSize: 131_072 });
    expect(j.preset?.paperText).toBe('0.5 B');
    expect(j.plan.params.frozenBlocks).toBe(15 * 12_584_960);
    const human = runCli(['grow', '--preset', 'best-16', '--plan', '--batch', '1', '--backend', 'wasm']);
    expect(human.stdout).toMatch(/preset best-16: 469\.8 M parameters with the substrate; the paper: 0\.5 B/);
  });
});

describe('refusal and logging', () => {
  it('refuses a job that cannot fit before any work, in one line with the numbers and what would fit', () => {
    const out = join(dir, 'huge');
    const r = runCli([
      'train',
      ...fileArgs(text, vocab, sub),
      '--layers',
      '8',
      '--d-model',
      '1024',
      ...shapeArgs({ heads: 16, context: 2048, batch: 16 }),
      '--steps',
      '5',
      '--backend',
      'wasm',
      '--out',
      out,
    ]);
    expect(r.code).not.toBe(0);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.includes('does not fit'));
    expect(lines).toHaveLength(1);
    // RAM or the heap comes first depending on the machine; both name their numbers, then the parts, then a way out.
    expect(lines[0]).toMatch(
      /this job does not fit: it needs [\d.]+ GiB of (RAM|WebAssembly heap).* \(weights [\d.]+ GiB, .*activations [\d.]+ GiB.*\); it would fit with .*--context \d+/,
    );
    expect(lines[0]).toContain('needs');
    expect(r.stderr).not.toMatch(/internal error/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('logs the plan of a job that fits and trains with --grad-accum (the checkpoint records it)', () => {
    const out = join(dir, 'small');
    const r = runCli([
      'train',
      ...fileArgs(text, vocab, sub),
      ...shapeArgs({ layers: 1, heads: 4, context: 16, batch: 2 }),
      '--grad-accum',
      '3',
      '--steps',
      '2',
      '--threads',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/memory plan: [\d.]+ M parameters .* peak ≈ [\d.]+ GiB .* for batch 2 × 3 × context 16/);
    expect(readCheckpoint(join(out, 'checkpoint.safetensors')).meta.train).toMatchObject({
      batchSize: 2,
      accumulation: 3,
    });
  });
});
