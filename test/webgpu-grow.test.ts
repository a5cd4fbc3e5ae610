// Growth on the WebGPU backend over SwiftShader: two tiny 2-stage runs (frozen-prefix cache with copied block
// init; LoRA merged at export) give wasm's stage losses, and the live tensor count stays flat within each stage
// and across runs. In child processes: a tfjs backend is process-global.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src-main/engine/backend-webgpu';
import { readModelMeta } from '../src-main/engine/io';
import { ROOT } from './helpers/cli';
import type { GrowRunResult } from './webgpu/grow-run';

const dir = mkdtempSync(join(tmpdir(), 'espalier-webgpu-grow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function grow(backend: 'wasm' | 'webgpu'): GrowRunResult {
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(
      `${SWIFTSHADER_ICD} is missing: the WebGPU tests run on SwiftShader; install it with \`apt-get install -y chromium libvulkan1\``,
    );
  }
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/webgpu/grow-run.ts'), backend, join(dir, backend)],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 400_000,
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (r.status !== 0) throw new Error(`grow-run ${backend} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as GrowRunResult;
}

describe('growth on WebGPU (SwiftShader)', () => {
  it('matches the wasm backend stage by stage, with the prefix cache and with LoRA, and leaks no tensors', () => {
    const [wasm, gpu] = [grow('wasm'), grow('webgpu')];
    expect(wasm.backend).toBe('wasm');
    expect(gpu.backend).toBe('webgpu');
    for (const key of ['cache', 'lora'] as const) {
      const [ref, got] = [wasm.runs[key], gpu.runs[key]];
      expect(got.stages.map((s) => s.stage)).toEqual([1, 2]);
      // The second stage of the cache run really reads its frozen block from the prefix cache.
      expect(got.stages.map((s) => s.prefixCache)).toEqual(key === 'cache' ? [false, true] : [false, false]);
      got.stages.forEach((s, i) => {
        const r = ref.stages[i]!;
        const at = `${key} stage ${s.stage}`;
        expect(s.curve, at).toHaveLength(4);
        s.curve.forEach((l, k) => expect(l, `${at} step ${k + 1}`).toBeCloseTo(r.curve[k]!, 4));
        expect(s.valLoss!, at).toBeCloseTo(r.valLoss!, 4);
        expect(s.lossAfterInsert, at).toBeCloseTo(r.lossAfterInsert, 4);
        if (s.stage === 2) expect(s.lossBeforeInsert!, at).toBeCloseTo(r.lossBeforeInsert!, 4);
        expect(new Set(s.tensors).size, `${at}: tensors after each step ${s.tensors.join(', ')}`).toBe(1);
      });
    }
    // The first run leaves only the backend's one-time tables; a whole second run leaves nothing more.
    expect(gpu.runs.lora.tensorsBefore).toBe(gpu.runs.cache.tensorsAfter);
    expect(gpu.runs.lora.tensorsAfter).toBe(gpu.runs.lora.tensorsBefore);
    expect(gpu.runs.cache.tensorsAfter - gpu.runs.cache.tensorsBefore).toBeLessThanOrEqual(4);
    // Both backends exported the depth-2 stage as a model folder (the LoRA one with its adapters merged in).
    for (const r of [wasm, gpu])
      for (const key of ['cache', 'lora'] as const) expect(readModelMeta(r.runs[key].model).config.layers).toBe(2);
  }, 600_000);
});
