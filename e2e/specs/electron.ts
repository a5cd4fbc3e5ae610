// Issue 10 §3: the same flow in the Electron app (playwright-core's _electron against the built out/main),
// where the Electron runtime exists. Elsewhere `electronRuntime()` says why not and the runner skips.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import type { Watcher } from '../lib/browser';

/** The Electron binary, or why there is none: require('electron') throws when its download never happened. */
export function electronRuntime(root: string): { path: string } | { missing: string } {
  try {
    const p = createRequire(join(root, 'package.json'))('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { missing: `the Electron binary ${String(p)} does not exist` };
  } catch (err) {
    return { missing: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
}

export async function launchElectron(
  root: string,
  binary: string,
  workspace: string,
  watcher: Watcher,
): Promise<ElectronApplication> {
  const app = await _electron.launch({
    executablePath: binary,
    args: [join(root, 'out', 'main', 'index.js'), '--workspace', workspace],
    cwd: root,
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string')),
    timeout: 60_000,
  });
  watcher.attach(app.context());
  return app;
}
