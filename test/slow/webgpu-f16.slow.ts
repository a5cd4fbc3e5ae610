// `--precision f16` trains to within 2 % of float32 over 200 steps on the same data (issue 26): a 1-block model
// (vocab 48, d 32, context 16, batch 4) on the webgpu backend (SwiftShader), trained from the same seed in float32
// and in f16 (weights read from their float16 copies, linear inputs saved as float16, dynamic loss scaling). About
// 75 s of CPU for both runs; 2 min 20 s to 4 min 40 s of wall time on a 2-core machine at load 15. In the slow suite
// (`npm run test:slow`); webgpu-f16.test.ts runs the same check over 60 steps of a 2-block model.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../../src-main/engine/backend-webgpu';
import { ROOT } from '../helpers/cli';

const STEPS = 200;

describe('--precision f16 over 200 steps (SwiftShader)', () => {
  it('ends within 2 % of the float32 loss', () => {
    if (!existsSync(SWIFTSHADER_ICD))
      throw new Error(`${SWIFTSHADER_ICD} is missing: install it with \`apt-get install -y chromium libvulkan1\``);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/webgpu/half-long.ts'), String(STEPS), '1'],
      { cwd: ROOT, encoding: 'utf8', timeout: 880_000, env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/error|invalid/i);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      backend: string;
      f32: number[];
      f16: number[];
      scale: number;
    };
    expect(out.backend).toBe('webgpu');
    expect(out.f32).toHaveLength(STEPS);
    expect(out.f16).toHaveLength(STEPS);
    const f32 = out.f32.at(-1)!;
    const f16 = out.f16.at(-1)!;
    // Both learned (from ln 48 ≈ 3.87), and f16 ends where float32 does: observed 0.53348 vs 0.53335, 0.024 %.
    expect(f32).toBeLessThan(out.f32[0]! / 3);
    expect(Math.abs(f16 - f32) / f32).toBeLessThan(0.02);
    // The loss scale moved only by doubling after runs of good steps (2^15 → 2^16 here), never to nothing.
    expect(out.scale).toBeGreaterThanOrEqual(2 ** 15);
  }, 900_000);
});
