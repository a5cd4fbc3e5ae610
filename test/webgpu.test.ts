// The WebGPU backend on SwiftShader (a software Vulkan GPU): training matches wasm's losses and gradients,
// keeps the tensor count flat, and `train`, `generate` and `merge preview` run on it from the CLI. Everything
// runs in child processes: a tfjs backend is process-global and must not leak into other test files.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src-main/engine/backend-webgpu';
import { runCli } from './helpers/cli';
import { expectSameTraining, trainSteps } from './webgpu/compare';
import { randomSubstrateCli } from './helpers/cli-inputs';

const ENV = { VK_ICD_FILENAMES: SWIFTSHADER_ICD };
let dir: string;

function requireSwiftShader(): void {
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(
      `${SWIFTSHADER_ICD} is missing: the WebGPU tests run on SwiftShader; install it with \`apt-get install -y chromium libvulkan1\``,
    );
  }
}

beforeAll(() => {
  requireSwiftShader();
  dir = mkdtempSync(join(tmpdir(), 'espalier-webgpu-'));
  // A small repetitive text: enough windows for a few steps, nothing read from outside the repository.
  const words = 'the cat sat on a mat and the dog ran to the red door while birds sang over green hills'.split(' ');
  let seed = 7;
  const pick = () => words[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % words.length]!;
  writeFileSync(join(dir, 'text.txt'), Array.from({ length: 1500 }, pick).join(' '));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WebGPU backend (SwiftShader)', () => {
  it('matches the wasm backend on losses and gradients, with a flat tensor count', () => {
    expectSameTraining(trainSteps('wasm'), trainSteps('webgpu'));
  }, 300_000);

  it('reports the software adapter in doctor, and never picks it automatically', () => {
    const named = runCli(['doctor', '--backend', 'webgpu', '--json'], { env: ENV, timeoutMs: 60_000 });
    expect(named.code, named.stderr).toBe(0);
    expect(named.json()).toMatchObject({
      backend: 'webgpu',
      adapter: { vendor: 'google', architecture: 'swiftshader', software: true },
    });
    // SwiftShader offers subgroups and timers, not shader-f16; doctor names the kernels training runs on.
    expect(named.json<{ adapter: { features: string[] } }>().adapter.features.sort()).toEqual([
      'subgroups',
      'timestamp-query',
    ]);
    const human = runCli(['doctor', '--backend', 'webgpu'], { env: ENV, timeoutMs: 60_000 });
    expect(human.stdout).toMatch(/training kernels: Espalier WGSL .*shader-f16 no, subgroups yes/);
    const auto = runCli(['doctor', '--json'], { env: ENV, timeoutMs: 60_000 });
    expect(auto.code, auto.stderr).toBe(0);
    const d = auto.json<{ backend: string; tried: { name: string; ok: boolean; reason: string }[] }>();
    expect(d.backend).not.toBe('webgpu');
    expect(d.tried.find((t) => t.name === 'webgpu')?.reason).toMatch(/only a software adapter .*--backend webgpu/);
  }, 120_000);

  it('trains from the CLI, then generates and previews a merge on it', () => {
    const text = join(dir, 'text.txt');
    const vocab = join(dir, 'vocab.json');
    const sub = join(dir, 'sub.safetensors');
    const out = join(dir, 'run');
    expect(runCli(['vocab', 'build', '--corpus', text, '--ngrams', '20', '--out', vocab, '--json']).code).toBe(0);
    expect(randomSubstrateCli(vocab, 16, sub).code).toBe(0);
    const tiny = [
      '--layers',
      '1',
      '--heads',
      '2',
      '--context',
      '8',
      '--batch',
      '2',
      '--steps',
      '3',
      '--eval-every',
      '3',
    ];
    const t = runCli(
      [
        'train',
        '--backend',
        'webgpu',
        '--data',
        text,
        '--vocab',
        vocab,
        '--substrate',
        sub,
        ...tiny,
        '--out',
        out,
        '--json',
      ],
      { env: ENV, timeoutMs: 240_000 },
    );
    expect(t.code, t.stderr).toBe(0);
    expect(t.json()).toMatchObject({ steps: 3, backend: 'webgpu', out });
    expect(Number.isFinite(t.json<{ valLoss: number }>().valLoss)).toBe(true);

    const g = runCli(
      [
        'generate',
        '--backend',
        'webgpu',
        '--model',
        out,
        '--prompt',
        'the',
        '--max-tokens',
        '3',
        '--seed',
        '3',
        '--json',
      ],
      { env: ENV, timeoutMs: 120_000 },
    );
    expect(g.code, g.stderr).toBe(0);
    expect(g.json<{ tokens: number }>().tokens).toBe(3);

    writeFileSync(join(dir, 'held.txt'), 'the dog sat on the red mat while the cat ran over green hills');
    const p = runCli(
      [
        'merge',
        'preview',
        '--backend',
        'webgpu',
        '--expert',
        out,
        '--expert',
        out,
        '--data',
        join(dir, 'held.txt'),
        '--json',
      ],
      { env: ENV, timeoutMs: 180_000 },
    );
    expect(p.code, p.stderr).toBe(0);
    const rows = p.json<{ rows: { model: string; loss: number }[] }>().rows;
    // Merging a model with itself by logit averaging is the model: the same loss, computed on the GPU.
    expect(rows).toHaveLength(3);
    expect(rows[2]!.loss).toBeCloseTo(rows[0]!.loss, 4);
  }, 600_000);
});
