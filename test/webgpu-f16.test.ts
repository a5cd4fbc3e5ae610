// `--precision f16` on WebGPU (SwiftShader): the float16 pack and packed matmul kernels against float32, a tiny
// training run in f16 against the same run in float32, the loss scaler's overflow handling, and the refusal off
// webgpu. The GPU work runs in a child process: a tfjs backend is process-global.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src-main/engine/backend-webgpu';
import { GPT } from '../src-main/engine/model/gpt';
import { makeWindows } from '../src-main/engine/train/data';
import { LossScaler } from '../src-main/engine/train/loss-scale';
import { Trainer } from '../src-main/engine/train/trainer';
import { ROOT, runCli } from './helpers/cli';
import { randomSubstrate, TEST_TOKENIZER_ID, testBackend } from './support/model';
import type { HalfChecks } from './webgpu/half';

/** Steps of each tiny training run: what SwiftShader does in about a minute per run on a loaded 2-core machine. */
const STEPS = 60;
const U = 2 ** -11; // float16's unit roundoff (11-bit significand)

describe('--precision f16 on WebGPU (SwiftShader)', () => {
  it('packs to float16 exactly, keeps float32 accumulation, and trains within 2 % of float32', () => {
    if (!existsSync(SWIFTSHADER_ICD))
      throw new Error(`${SWIFTSHADER_ICD} is missing: install it with \`apt-get install -y chromium libvulkan1\``);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/webgpu/half.ts'), String(STEPS)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 400_000,
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error|invalid/i);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as HalfChecks;
    expect(out.backend).toBe('webgpu');
    // pack2x16float rounds to nearest even, as the host's reference rounding does, for every one of 4001 values.
    expect(out.packExact).toBe(true);
    for (const m of out.matmul) {
      // Against float32 of the same float16 values, only the float32 summation order differs.
      expect(m.vsRounded, m.name).toBeLessThan(1e-5 * Math.sqrt(m.k));
      // Against the unrounded operands: each product carries at most 2u relative error; over a K-long dot
      // product of random signs that grows like √K·u relative to the output scale (max |ref| here).
      expect(m.vsFloat32, m.name).toBeLessThan(Math.sqrt(m.k) * U);
      // And it is really float16: float32 operands would agree to ~1e-7.
      expect(m.vsFloat32, m.name).toBeGreaterThan(U / 100);
    }
    // linear under f16 (weight read from its kept float16 copy, x packed once, dy packed once for both
    // gradients) against float32: the same √K·u bound, K per product (y: inputs, dX: outputs, dW: rows).
    const lin = out.linear!;
    for (const [name, err, k] of [
      ['y', lin.y, lin.inputs],
      ['dX', lin.dx, lin.outputs],
      ['dW', lin.dw, lin.n],
    ] as const) {
      expect(err, name).toBeLessThan(Math.sqrt(k) * U);
      expect(err, name).toBeGreaterThan(U / 100);
    }
    // What the backward pass holds beyond the output (n × outputs float32, common to both runs): the packed x
    // and w, half the bytes of the float32 x and w (observed 21,512 vs 43,016 bytes).
    const common = 4 * lin.n * lin.outputs;
    expect(lin.heldF16 - common).toBeLessThanOrEqual((lin.heldF32 - common) / 2 + 64);
    expect(lin.heldF16 - common).toBeGreaterThanOrEqual(2 * lin.n * lin.inputs); // x itself is kept, as f16
    // The weight's kept copy is 2 bytes per element, and an assign to the master makes it stale (not read).
    expect(lin.copyBytes).toBe(2 * lin.inputs * lin.outputs);
    expect(lin.staleAfterAssign).toBe(true);
    expect(out.f16).toHaveLength(STEPS);
    const last = (xs: number[]) => xs.at(-1)!;
    expect(last(out.f32)).toBeLessThan(out.f32[0]! * 0.8); // the run learned something
    expect(Math.abs(last(out.f16) - last(out.f32)) / last(out.f32)).toBeLessThan(0.02);
    expect(out.f16Scale).toBe(2 ** 15); // no overflow at the default scale in this run
    expect(out.f16Leaked).toBe(0); // the float16 weight copies go with the trainer
    // A growth stage (block 0 frozen: its copies written once, its forward outside the tape) trains in f16 as
    // in float32: after 8 steps within 1 % (same bound as the full run, tighter because the run is short).
    expect(out.frozen.f16).toHaveLength(8);
    expect(Math.abs(out.frozen.f16.at(-1)! - out.frozen.f32.at(-1)!) / out.frozen.f32.at(-1)!).toBeLessThan(0.01);
    expect(out.frozen.f32.at(-1)!).toBeLessThan(out.frozen.f32[0]!);
    // Started at 2^40 the scaled gradients overflow float16: the scale halves until they fit, and the steps
    // redone at the smaller scale give the losses of the run that never overflowed.
    expect(out.overflow.scale).toBeLessThan(2 ** 40);
    expect(out.overflow.scale).toBeGreaterThanOrEqual(1);
    out.overflow.losses.forEach((l, i) => expect(l).toBeCloseTo(out.f16[i]!, 5));
  }, 420_000);
});

describe('LossScaler', () => {
  it('halves on overflow, doubles after `interval` good steps, and reports exhaustion below its floor', () => {
    const s = new LossScaler(8, 3, 1);
    expect(s.update(false)).toBe(false);
    expect(s.scale).toBe(4);
    expect([s.update(true), s.update(true)]).toEqual([true, true]);
    expect(s.scale).toBe(4);
    s.update(true);
    expect(s.scale).toBe(8);
    s.update(true);
    s.update(false); // an overflow resets the run of good steps
    s.update(true);
    s.update(true);
    expect(s.scale).toBe(4);
    for (let i = 0; i < 3; i++) s.update(false);
    expect(s.scale).toBe(0.5);
    expect(s.exhausted()).toBe(true);
  });

  it('refuses --precision f16 off the webgpu backend in one line', async () => {
    await testBackend();
    const model = GPT.create({
      config: { vocabSize: 16, layers: 1, dModel: 8, heads: 2, contextLength: 4, mlpRatio: 2 },
      substrate: randomSubstrate(16, 8, 2),
      tokenizerId: TEST_TOKENIZER_ID,
      seed: 1,
    });
    const data = {
      train: makeWindows(
        Int32Array.from({ length: 41 }, (_, i) => i % 16),
        4,
      ),
      val: null,
    };
    try {
      expect(() => new Trainer(model, data, { steps: 1, batchSize: 2, lr: 1e-3, precision: 'f16' })).toThrow(
        /^--precision f16 needs the webgpu backend \(this run is on \w+\); leave it out for float32$/,
      );
    } finally {
      model.dispose();
    }
    // From the CLI, train and grow refuse it right after the backend starts, before any data is read.
    for (const cmd of [['train'], ['grow', '--stages', '2', '--steps-per-stage', '2']]) {
      const r = runCli([
        ...cmd,
        '--backend',
        'wasm',
        '--precision',
        'f16',
        '--data',
        'none.txt',
        '--vocab',
        'none.json',
        '--substrate',
        'none.safetensors',
        '--out',
        join(tmpdir(), `espalier-f16-${process.pid}`),
      ]);
      expect(r.code, cmd[0]).toBe(1);
      expect(r.stderr.trim(), cmd[0]).toBe(
        'espalier: error: --precision f16 needs the webgpu backend (this run is on wasm); leave it out for float32',
      );
    }
  }, 60_000);
});
