// The Electron build keeps Dawn where it belongs: electron-vite bundles main and the worker without inlining the
// optional native backends; the built worker, started as a plain Node child, loads `webgpu` from node_modules at
// run time and reaches SwiftShader; and packaging unpacks every Dawn binary from app.asar.
import { fork, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, matchesGlob, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../src-main/engine/backend-webgpu';
import { ROOT } from './helpers/cli';

// Inside the repository, so the bundle resolves its externals from node_modules as a packaged app does.
const OUT = join(ROOT, '.test-out', `electron-build-${process.pid}`);

beforeAll(() => {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', OUT, '--logLevel', 'error'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 400_000,
    },
  );
  if (r.status !== 0) throw new Error(`electron-vite build failed (${r.status}): ${r.stderr}`);
}, 420_000);
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

function bundles(): string[] {
  return readdirSync(join(OUT, 'main'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(OUT, 'main', f));
}

describe('the Electron build and Dawn', () => {
  it('bundles main and the worker without Dawn or the tfjs-node bindings inside', () => {
    const files = bundles();
    expect(files.map((f) => relative(OUT, f))).toEqual(expect.arrayContaining(['main/index.js', 'main/worker.js']));
    for (const f of files) {
      const code = readFileSync(f, 'utf8');
      // Dawn's loader (node_modules/webgpu/index.js) requires dist/<platform>/dawn.node: absent, so not inlined.
      expect(code, relative(OUT, f)).not.toMatch(/dawn\.node/);
      expect(code, relative(OUT, f)).not.toMatch(/tfjs_binding\.node/);
    }
  });

  it('the built worker loads webgpu from node_modules at run time and starts on SwiftShader', async () => {
    if (!existsSync(SWIFTSHADER_ICD))
      throw new Error(`${SWIFTSHADER_ICD} is missing; install it with \`apt-get install -y chromium libvulkan1\``);
    const child = fork(join(OUT, 'main/worker.js'), [], {
      env: { ...process.env, ESPALIER_BACKEND: 'webgpu', VK_ICD_FILENAMES: SWIFTSHADER_ICD },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const result = await new Promise<unknown>((resolve, reject) => {
      child.on('message', (m: { type: string; result?: unknown; message?: string }) => {
        if (m.type === 'done') resolve(m.result);
        if (m.type === 'error') reject(new Error(m.message));
      });
      child.once('exit', (code) => reject(new Error(`the built worker exited (${code}) before reporting: ${stderr}`)));
      child.send({
        type: 'start',
        jobId: 'probe',
        kind: 'backend-report',
        params: {},
        workspace: OUT,
        resumeFrom: null,
      });
    });
    expect(result).toMatchObject({
      backend: 'webgpu',
      adapter: { vendor: 'google', architecture: 'swiftshader', software: true },
    });
  }, 180_000);

  it('packaging unpacks every Dawn binary from app.asar and keeps the fuses hook', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      build: { asar: boolean; asarUnpack: string[]; afterPack: string };
      optionalDependencies: Record<string, string>;
    };
    expect(pkg.build.asar).toBe(true);
    expect(Object.keys(pkg.optionalDependencies)).toContain('webgpu');
    const dawn = readdirSync(join(ROOT, 'node_modules/webgpu/dist'), { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.node'),
    );
    expect(dawn.length).toBeGreaterThan(0);
    for (const f of dawn) {
      const inApp = `node_modules/webgpu/dist/${f.split('\\').join('/')}`;
      expect(
        pkg.build.asarUnpack.some((g) => matchesGlob(inApp, g)),
        inApp,
      ).toBe(true);
    }
    expect(existsSync(join(ROOT, pkg.build.afterPack))).toBe(true);
  });
});
