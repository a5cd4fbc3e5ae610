// `espalier doctor`, `train` (fresh and --resume) and `generate` end to end, as a user runs them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli';
import { corpusText } from './helpers/fixtures';
import { fileArgs, shapeArgs, randomSubstrateCli } from './helpers/cli-inputs';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-cli-train-'));
  writeFileSync(join(dir, 'text.txt'), corpusText('en.txt').slice(0, 30_000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('espalier doctor', () => {
  it('reports the backend in use and why the others are not', () => {
    const r = runCli(['doctor', '--json']);
    expect(r.code).toBe(0);
    const d = r.json<{
      backend: string;
      tried: { name: string; ok: boolean; reason: string }[];
      wasm: { simd: boolean; threads: number } | null;
    }>();
    expect(['node-gpu', 'node', 'wasm', 'cpu']).toContain(d.backend);
    expect(d.tried.at(-1)).toMatchObject({ name: d.backend, ok: true });
    for (const t of d.tried.filter((t) => !t.ok)) expect(t.reason.length).toBeGreaterThan(20);
    if (d.backend === 'wasm') expect(d.wasm?.threads).toBeGreaterThanOrEqual(1);
  });

  it('starts the multi-threaded WebAssembly build in Node (native addon off) and still exits', () => {
    const r = runCli(['doctor', '--backend', 'wasm', '--threads', '2', '--json'], {
      timeoutMs: 60_000,
      env: { ESPALIER_NATIVE: '0' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      backend: 'wasm',
      wasm: { simd: true, threads: 2 },
      native: { ok: false, reason: 'switched off by ESPALIER_NATIVE=0' },
    });
  });

  it('runs the matrix products natively on the threads asked for, and says so', () => {
    const r = runCli(['doctor', '--backend', 'wasm', '--threads', '2'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /native kernel: (AVX-512|AVX2\+FMA|NEON|portable C\+\+) \(\d+×\d+ micro-kernel\), 2 thread\(s\) \(this CPU runs: [a-z0-9, ]*portable;/,
    );
    expect(r.stdout).toMatch(
      /native ops: attention, RMSNorm, GELU \((AVX2\+FMA vector code|NEON vector code)\) on the matrix kernel's threads/,
    );
    expect(r.stdout).toContain('compute threads: 2');
  });

  it('runs the kernel ESPALIER_KERNEL names, and says why when this CPU has no such kernel', () => {
    const forced = runCli(['doctor', '--backend', 'wasm', '--threads', '1'], {
      timeoutMs: 60_000,
      env: { ESPALIER_KERNEL: 'portable' },
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('native kernel: portable C++ (4×16 micro-kernel), 1 thread(s)');
    expect(forced.stdout).toContain(
      "native ops: attention, RMSNorm, GELU (portable C++) on the matrix kernel's threads",
    );
    const bad = runCli(['doctor', '--backend', 'wasm', '--threads', '1'], {
      timeoutMs: 60_000,
      env: { ESPALIER_KERNEL: 'sse9' },
    });
    expect(bad.code, bad.stderr).toBe(0);
    expect(bad.stdout).toMatch(
      /native kernel: not in use \(ESPALIER_KERNEL=sse9 names no kernel this CPU runs \(it runs: [a-z0-9, ]*portable\); unset ESPALIER_KERNEL or name one of those\)/,
    );
  });
});

describe('espalier train / generate', () => {
  it('trains, resumes, exports a folder and generates from it', () => {
    const text = join(dir, 'text.txt');
    const vocab = join(dir, 'vocab.json');
    const sub = join(dir, 'sub.safetensors');
    expect(runCli(['vocab', 'build', '--corpus', text, '--ngrams', '60', '--out', vocab, '--json']).code).toBe(0);
    expect(randomSubstrateCli(vocab, 32, sub).code).toBe(0);
    const out = join(dir, 'run');
    const common = [...fileArgs(text, vocab, sub), ...shapeArgs({ layers: 1, heads: 4, context: 16, batch: 8 })];
    const r = runCli([
      'train',
      ...common,
      '--steps',
      '40',
      '--lr',
      '1e-2',
      '--eval-every',
      '20',
      '--out',
      out,
      '--threads',
      '1',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const res = r.json<{
      steps: number;
      trainLoss: number;
      valLoss: number;
      unigramEntropy: number;
      tokensPerSec: number;
      params: Record<string, number>;
      out: string;
    }>();
    expect(res).toMatchObject({ steps: 40, out });
    expect(res.valLoss).toBeLessThan(Math.log(1000));
    expect(res.unigramEntropy).toBeGreaterThan(1);
    expect(res.tokensPerSec).toBeGreaterThan(0);
    expect(res.params.total).toBe(res.params.trainable + res.params.frozen);
    // The frozen substrate (vocab × 32) counts in the total, as in the paper; one trainable block, none frozen.
    expect(res.params.frozenSubstrate).toBeGreaterThanOrEqual(32 * 100);
    expect(res.params.frozenBlocks).toBe(0);
    expect(res.params.frozen).toBe(res.params.frozenBlocks + res.params.frozenSubstrate + res.params.frozenOther);
    expect(r.stderr).toMatch(/train 40\/40 loss/);

    const more = runCli(['train', '--data', text, '--resume', out, '--steps', '50', '--threads', '1', '--json']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.json()).toMatchObject({ steps: 50, out });

    const g = runCli(['generate', '--model', out, '--prompt', 'Debian', '--max-tokens', '12', '--seed', '3', '--json']);
    expect(g.code, g.stderr).toBe(0);
    const gen = g.json<{ text: string; tokens: number }>();
    expect(gen.tokens).toBeGreaterThan(0);
    expect(typeof gen.text).toBe('string');
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      format: 'espalier-model',
      config: { layers: 1, dModel: 32 },
    });
  });

  it('names the file when the substrate belongs to another tokenizer', () => {
    const other = join(dir, 'other.json');
    writeFileSync(join(dir, 'other.txt'), 'completely different text, with other letters: жзщ');
    expect(runCli(['vocab', 'build', '--corpus', join(dir, 'other.txt'), '--ngrams', '5', '--out', other]).code).toBe(
      0,
    );
    const r = runCli([
      'train',
      '--data',
      join(dir, 'text.txt'),
      '--vocab',
      other,
      '--substrate',
      join(dir, 'sub.safetensors'),
      '--steps',
      '2',
      '--out',
      join(dir, 'bad'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sub\.safetensors: the substrate was built for tokenizer/);
  });
});
