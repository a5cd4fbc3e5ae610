// Keeps out/ in step with the sources: `espalier serve` only builds the renderer when out/renderer is missing,
// so a stale build would test old code. Rebuilds (electron-vite build) when any source is newer than it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, e.name)));
  }
  return newest;
}

/** Why `target` (a built file) must be rebuilt from `sources` (relative to root), or null when it is current. */
export function staleBecause(root: string, target: string, sources: string[]): string | null {
  const t = join(root, target);
  if (!existsSync(t)) return `${target} does not exist`;
  const built = statSync(t).mtimeMs;
  const newer = sources.filter((s) => newestMtime(join(root, s)) > built);
  return newer.length > 0 ? `${newer.join(', ')} changed after ${target} was built` : null;
}

export const RENDERER_SOURCES = ['src-renderer', 'src-shared', 'electron.vite.config.ts', 'package.json'];
export const APP_SOURCES = [...RENDERER_SOURCES, 'src-main'];

/** Runs `electron-vite build` when `target` is stale; its output goes to `logFile`. */
export function buildIfStale(
  root: string,
  target: string,
  sources: string[],
  logFile: string,
  log: (line: string) => void,
): void {
  const why = staleBecause(root, target, sources);
  if (!why) {
    log(`build: ${target} is up to date`);
    return;
  }
  log(`build: ${why}; running electron-vite build (about a minute)…`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, encoding: 'utf8' },
  );
  writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0)
    throw new Error(
      `electron-vite build failed (exit ${r.status}); see ${logFile}:\n${(r.stderr || r.stdout || '').slice(-2000)}`,
    );
  if (!existsSync(join(root, target))) throw new Error(`electron-vite build left no ${target}`);
  log(`build: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
