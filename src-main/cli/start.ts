// `npm start`: the Electron app where its runtime is installed; otherwise one line saying so, then the same
// app in browser mode (`espalier serve`), printing its URL. Extra arguments go to either (--workspace, --port).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkspace } from './default-workspace';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Electron binary, or why there is none: require('electron') throws when its download never happened. */
function electronBinary(): { path: string } | { missing: string } {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { missing: `the Electron binary ${String(p)} does not exist` };
  } catch (err) {
    return { missing: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
}


async function run(args: string[]): Promise<number> {
  const bin = electronBinary();
  if ('path' in bin) {
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
      const code = await new Promise<number | null>((resolve) => {
        spawn(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' }).on('exit', resolve);
      });
      if (code !== 0) return code ?? 1;
    }
    return new Promise((resolve) => {
      const child = spawn(bin.path, [ROOT, ...args], { stdio: 'inherit' });
      child.on('exit', (code) => resolve(code ?? 0));
    });
  }
  process.stderr.write(
    `espalier: the Electron runtime is not available here (${bin.missing}); starting browser mode instead — to get Electron, run \`node node_modules/electron/install.js\` on a machine with internet access.\n`,
  );
  const { main } = await import('./main');
  const withWorkspace = args.includes('--workspace') ? args : ['--workspace', defaultWorkspace(), ...args];
  return main(['serve', ...withWorkspace]);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`espalier: error: ${String((err as Error)?.message ?? err)}\n`);
    process.exitCode = 1;
  },
);
