// `npm start`: the Electron app. Where its runtime is missing, Electron's own installer runs first (progress shown,
// bounded by a timeout); only if that fails does the same app start in browser mode (`espalier serve`), saying why
// in one line. `npm start -- --browser` asks for browser mode. Other arguments go to either (--workspace, --port).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultWorkspace } from './default-workspace';
import { ELECTRON_INSTALL_COMMAND, electronBinary, runElectronInstaller } from './electron-install';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function launchElectron(bin: string, args: string[]): Promise<number> {
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
    const code = await new Promise<number | null>((resolve) => {
      spawn(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
        cwd: ROOT,
        stdio: 'inherit',
      }).on('exit', resolve);
    });
    if (code !== 0) return code ?? 1;
  }
  return new Promise((resolve) => {
    const child = spawn(bin, [ROOT, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 0));
  });
}

async function browserMode(args: string[]): Promise<number> {
  const { main } = await import('./main');
  const withWorkspace = args.includes('--workspace') ? args : ['--workspace', defaultWorkspace(), ...args];
  return main(['serve', ...withWorkspace]);
}

async function run(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--browser');
  if (args.length !== argv.length) {
    process.stderr.write('espalier: browser mode (--browser)\n');
    return browserMode(args);
  }
  let bin = electronBinary();
  if ('missing' in bin) {
    process.stderr.write(
      `espalier: the Electron runtime is not installed yet (${bin.missing}); running its installer (${ELECTRON_INSTALL_COMMAND})…\n`,
    );
    const failure = await runElectronInstaller(ROOT);
    bin = electronBinary();
    if (failure !== null || 'missing' in bin) {
      const why = failure ?? ('missing' in bin ? bin.missing : 'unknown');
      process.stderr.write(
        `espalier: Electron's installer failed (${why}); starting browser mode instead — run \`${ELECTRON_INSTALL_COMMAND}\` where its download is reachable to get the desktop app, or \`npm start -- --browser\` to skip this.\n`,
      );
      return browserMode(args);
    }
    process.stderr.write(`espalier: Electron installed (${bin.path})\n`);
  }
  return launchElectron(bin.path, args);
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
