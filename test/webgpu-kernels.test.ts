// Espalier's own WebGPU kernels (src-main/engine/model/webgpu/) against the stock tfjs ops they replace, on
// SwiftShader, forward and backward, float32 within 1e-4 relative. Runs in a child process: a tfjs backend is
// process-global and must not leak into other test files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src-main/engine/backend-webgpu';
import { ROOT } from './helpers/cli';
import type { KernelChecks } from './webgpu/kernels';

describe('WebGPU kernels (SwiftShader)', () => {
  it('match the tfjs reference within 1e-4 relative, with no WGSL or validation errors', () => {
    if (!existsSync(SWIFTSHADER_ICD))
      throw new Error(`${SWIFTSHADER_ICD} is missing: install it with \`apt-get install -y chromium libvulkan1\``);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/webgpu/kernels.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 400_000,
      env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    // Dawn reports shader and validation errors on stderr and carries on with zeroed outputs.
    expect(r.stderr).not.toMatch(/error|invalid/i);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as KernelChecks;
    expect(out.backend).toBe('webgpu');
    const names = Object.keys(out.errors);
    for (const want of [
      'matmul',
      'attention',
      'attention+rope',
      'saved floats per row',
      'rope',
      'rmsNorm',
      'gelu',
      'cross-entropy',
      'adamw',
    ]) {
      expect(
        names.some((n) => n.includes(want)),
        `a check named "${want}" in ${names.join(', ')}`,
      ).toBe(true);
    }
    for (const [name, err] of Object.entries(out.errors)) {
      if (name.endsWith('saved floats per row')) expect(err, name).toBe(1);
      // RoPE inside attention: forward 1, then forward + dQ + dK/dV for the gradient; no rope dispatch.
      else if (name.endsWith('fused dispatches')) expect(err, name).toBe(4);
      // One AdamW dispatch for all parameters, whatever their number (the packing around it is tfjs copies).
      else if (name === 'adamw dispatches per step') expect(err, name).toBe(1);
      else if (name.startsWith('adamw')) expect(err, name).toBeLessThan(1e-6);
      else expect(err, name).toBeLessThan(1e-4);
    }
  }, 420_000);
});
