// Shared by test/webgpu.test.ts and test/slow/webgpu-configs.slow.ts: runs test/webgpu/train-steps.ts on a backend
// in a child process (a tfjs backend is process-global) and compares a webgpu run with a wasm one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SWIFTSHADER_ICD } from '../../src-main/engine/backend-webgpu';
import { ROOT } from '../helpers/cli';
import type { StepsResult } from './train-steps';

export function trainSteps(backend: 'wasm' | 'webgpu', config = 'tiny'): StepsResult {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/webgpu/train-steps.ts'), backend, config],
    {
      cwd: ROOT,
      encoding: 'utf8',
      // SwiftShader takes about 5 minutes for each of the larger configurations on a loaded 2-core machine.
      timeout: config === 'tiny' ? 240_000 : 900_000,
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`train-steps ${backend} ${config} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as StepsResult;
}

/** Losses equal to 4 decimals, every (sampled) gradient within 1e-4 of its tensor's largest value, a flat tensor count. */
export function expectSameTraining(wasm: StepsResult, gpu: StepsResult): void {
  expect(wasm.backend).toBe('wasm');
  expect(gpu).toMatchObject({ backend: 'webgpu', adapter: 'google swiftshader' });
  // The webgpu run trained on Espalier's kernels (the wasm one never touches them).
  expect(gpu.kernelDispatches).toBeGreaterThan(0);
  expect(wasm.kernelDispatches).toBe(0);
  expect(gpu.loss).toBeCloseTo(wasm.loss, 4);
  expect(Object.keys(gpu.grads).sort()).toEqual(Object.keys(wasm.grads).sort());
  for (const [name, ref] of Object.entries(wasm.grads)) {
    const got = gpu.grads[name]!;
    const scale = Math.max(...ref.map(Math.abs), 1e-8);
    const worst = Math.max(...ref.map((v, i) => Math.abs(v - got[i]!)));
    expect(worst / scale, name).toBeLessThan(1e-4);
  }
  expect(gpu.losses).toHaveLength(wasm.losses.length);
  gpu.losses.forEach((l, i) => expect(l).toBeCloseTo(wasm.losses[i]!, 4));
  expect(new Set(gpu.tensors).size, `tensors after each step: ${gpu.tensors.join(', ')}`).toBe(1);
}
