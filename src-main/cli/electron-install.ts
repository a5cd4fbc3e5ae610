// The Electron runtime for `npm start`: where it is, and running Electron's own installer (node_modules/electron/
// install.js, which downloads the binary) once when it is missing, bounded by a timeout, its progress shown.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The Electron binary, or why there is none: require('electron') throws when its download never happened. */
export function electronBinary(): { path: string } | { missing: string } {
  const require = createRequire(import.meta.url);
  try {
    // A fresh read each time: the installer may have just written path.txt.
    delete require.cache[require.resolve('electron')];
    const p = require('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { missing: `the Electron binary ${String(p)} does not exist` };
  } catch (err) {
    return { missing: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
}

export const ELECTRON_INSTALL_COMMAND = 'node node_modules/electron/install.js';

/** Seconds the installer may take ($ESPALIER_ELECTRON_INSTALL_TIMEOUT_S, default 600: the download is ≈100 MB). */
export function electronInstallTimeoutMs(env: Record<string, string | undefined> = process.env): number {
  const s = Number(env['ESPALIER_ELECTRON_INSTALL_TIMEOUT_S'] ?? 600);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 600_000;
}

/**
 * Runs Electron's installer with its output on our stderr (stdout stays free for the URL browser mode prints).
 * Resolves with null on success, else the reason in a few words (exit status, last error line, or the timeout).
 */
export async function runElectronInstaller(
  root: string,
  timeoutMs = electronInstallTimeoutMs(),
): Promise<string | null> {
  const script = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(script)) return `${script} is missing (run npm ci)`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastError = '';
    const relay = (d: Buffer) => {
      process.stderr.write(d);
      const lines = d
        .toString()
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const err = lines.find((l) => /error/i.test(l));
      if (err) lastError = err;
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(`could not start it: ${err.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve(`no result after ${Math.round(timeoutMs / 1000)} s`);
      else if (code === 0) resolve(null);
      else resolve(`exit ${code ?? signal}${lastError ? `: ${lastError.slice(0, 200)}` : ''}`);
    });
  });
}
