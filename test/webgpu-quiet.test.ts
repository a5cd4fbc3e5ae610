// Issue 28 items 13 and 16: Dawn's and the Vulkan loader's warnings never reach the terminal — the automatic
// backend chain asks a quiet probe (a child process whose stderr is captured) before loading Dawn, and doctor
// reports what Dawn said, once; the backend is described in one way (the wasm attempt names the native products).
// A Vulkan driver file pointing at no library reproduces the warnings of a machine whose GPU driver is unusable.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src-main/engine/backend-webgpu';
import { parseProbeOutput, warningLines } from '../src-main/engine/webgpu-probe';
import { ROOT, runCli } from './helpers/cli';

let dir: string;
let bogusIcd: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'espalier-quiet-'));
  bogusIcd = join(dir, 'bogus_icd.json');
  writeFileSync(
    bogusIcd,
    JSON.stringify({
      file_format_version: '1.0.0',
      ICD: { library_path: join(dir, 'libvk_missing.so'), api_version: '1.3.0' },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAWN_NOISE = /vkCreateInstance|Loader|libvk_missing|Warning:/;

function chain(icd: string) {
  const env: Record<string, string | undefined> = { ...process.env, VK_ICD_FILENAMES: icd };
  delete env['ESPALIER_BACKEND'];
  delete env['ESPALIER_WEBGPU_PROBE'];
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/webgpu/quiet-backend.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env,
  });
  if (r.status !== 0) throw new Error(`quiet-backend failed (${r.status}): ${r.stderr}`);
  return {
    out: JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      backend: string;
      webgpu: string | null;
      description: string;
      wasmReason: string | null;
      warnings: string[] | null;
    },
    stderr: r.stderr,
  };
}

describe('the quiet WebGPU probe', () => {
  it('keeps Dawn’s warnings off stderr and hands them to the report instead', () => {
    const { out, stderr } = chain(bogusIcd);
    expect(stderr).not.toMatch(DAWN_NOISE);
    expect(out.webgpu).toMatch(/^Dawn found no WebGPU adapter/);
    expect(out.warnings).toContain('Warning: vkCreateInstance: Found no drivers!');
    expect(out.warnings!.some((w) => /^at /.test(w))).toBe(false);
    // Item 16: the wasm attempt's reason and the description agree on what computes.
    if (out.backend === 'wasm' && /native/.test(out.description))
      expect(out.wasmReason).toMatch(/matrix products run natively/);
  });

  it('turns down a software adapter without loading Dawn in the process', () => {
    const { out, stderr } = chain(SWIFTSHADER_ICD);
    expect(stderr).not.toMatch(DAWN_NOISE);
    expect(out.webgpu).toMatch(/^only a software adapter is available \(google swiftshader/);
  });

  it('doctor reports what Dawn said, once, and prints none of it on stderr', () => {
    const r = runCli(['doctor'], { env: { VK_ICD_FILENAMES: bogusIcd, ESPALIER_WEBGPU_PROBE: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(DAWN_NOISE);
    expect(r.stdout).toMatch(/webgpu probe: Dawn and the Vulkan loader said/);
    expect(r.stdout.match(/vkCreateInstance: Found no drivers!/g)).toHaveLength(1);
  });

  it('reads the child’s answer and drops stack frames', () => {
    expect(warningLines('Warning: a\n    at X (y.cpp:1)\nWarning: a\n\nWarning: b\n')).toEqual([
      'Warning: a',
      'Warning: b',
    ]);
    expect(parseProbeOutput('{"none":true}', '', 0).reason).toMatch(/^Dawn found no WebGPU adapter/);
    expect(parseProbeOutput('', 'Segmentation fault', null).reason).toBe(
      'Dawn stopped the probe (exit signal): Segmentation fault',
    );
    const sw = parseProbeOutput(
      JSON.stringify({
        info: {
          vendor: 'google',
          architecture: 'swiftshader',
          description: 'SwiftShader driver',
          isFallbackAdapter: false,
        },
        limits: { maxBufferSize: 1024 },
      }),
      '',
      0,
    );
    expect(sw.adapter).toMatchObject({ vendor: 'google', software: true, limits: { maxBufferSize: 1024 } });
  });
});
