// Installing an optional backend for real in a throw-away project: npm installs the packages (local folders here,
// so no registry is needed), then each package's own installer runs; success and failure come back as one line.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installability, installBackend, parseInstallTarget } from './backends';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'espalier-install-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A package folder whose install script prints progress and then succeeds or fails like a real downloader. */
function localPackage(name: string, succeed: boolean): string {
  const dir = join(tmp, 'packages', name.replace('/', '__'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', scripts: { install: 'node fetch.js' } }),
  );
  writeFileSync(
    join(dir, 'fetch.js'),
    succeed
      ? "console.log('downloading 50%'); require('fs').writeFileSync('fetched.txt', 'ok'); console.log('downloading 100%');"
      : "console.log('downloading 10%'); console.error('Error: connect ECONNREFUSED 127.0.0.1:9'); process.exit(3);",
  );
  return dir;
}

function project(name: string): string {
  const root = join(tmp, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true }));
  return root;
}

describe('installBackend', () => {
  it("npm-installs the packages, runs each one's installer with its output relayed, and reports one line", async () => {
    const root = project('ok');
    const lines: string[] = [];
    const specs = {
      webgpu: `file:${localPackage('webgpu', true)}`,
      '@tensorflow/tfjs-backend-webgpu': `file:${localPackage('@tensorflow/tfjs-backend-webgpu', true)}`,
    };
    expect(installability('webgpu', root, 'linux-x64')).toMatchObject({ installed: false });
    const r = await installBackend('webgpu', { root, specs, onLine: (l) => lines.push(l) });
    expect(r).toEqual({
      ok: true,
      line: 'webgpu: installed webgpu, @tensorflow/tfjs-backend-webgpu and ran webgpu install, @tensorflow/tfjs-backend-webgpu install; restart Espalier to use it',
    });
    expect(lines).toContain('downloading 100%');
    expect(readFileSync(join(root, 'node_modules', 'webgpu', 'fetched.txt'), 'utf8')).toBe('ok');
    expect(installability('webgpu', root)).toMatchObject({ installed: true, installable: false });
  });

  it("reports a failing installer in one line with its error, leaving the project's package.json as it was", async () => {
    const root = project('fails');
    const before = readFileSync(join(root, 'package.json'), 'utf8');
    const r = await installBackend('node', {
      root,
      specs: { '@tensorflow/tfjs-node': `file:${localPackage('@tensorflow/tfjs-node', false)}` },
    });
    expect(r.ok).toBe(false);
    expect(r.line).toMatch(
      /^node: the installer of @tensorflow\/tfjs-node failed \(exit 3: Error: connect ECONNREFUSED 127\.0\.0\.1:9\)$/,
    );
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toBe(before);
  });

  it('says why a backend cannot be installed here', () => {
    const root = project('why');
    expect(installability('node-gpu', root, 'darwin-arm64')).toMatchObject({
      installable: false,
      reason: expect.stringMatching(/no build for darwin-arm64/),
    });
    expect(installability('node', root, 'linux-x64')).toMatchObject({
      installable: true,
      reason: expect.stringMatching(
        /^installable: npm install @tensorflow\/tfjs-node, then its installer, which downloads libtensorflow/,
      ),
    });
    expect(() => parseInstallTarget('cuda')).toThrow('--install cuda: expected one of node-gpu | node | webgpu');
  });
});
