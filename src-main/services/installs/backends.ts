// Optional compute backends that can be installed on request (`espalier doctor --install`, the System view): which
// are installable on this machine and why not, and installing one — `npm install` of its packages, then each
// package's own installer script (npm does not run them: package.json's allowScripts leaves them out).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const INSTALL_TARGETS = ['node-gpu', 'node', 'webgpu'] as const;
export type InstallTarget = (typeof INSTALL_TARGETS)[number];

interface TargetSpec {
  packages: string[];
  /** What the packages' installers download, for the user ('' when nothing beyond the npm packages). */
  fetches: string;
  platforms: string[];
}

const TARGETS: Record<InstallTarget, TargetSpec> = {
  'node-gpu': {
    packages: ['@tensorflow/tfjs-node-gpu'],
    fetches: 'libtensorflow with CUDA (≈ 400 MB, from storage.googleapis.com)',
    platforms: ['linux-x64'],
  },
  node: {
    packages: ['@tensorflow/tfjs-node'],
    fetches: 'libtensorflow for the CPU (≈ 100 MB, from storage.googleapis.com)',
    platforms: ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'],
  },
  webgpu: {
    packages: ['webgpu', '@tensorflow/tfjs-backend-webgpu'],
    fetches: '',
    platforms: ['linux-x64', 'darwin-x64', 'darwin-arm64', 'win32-x64'],
  },
};

export interface Installability {
  target: InstallTarget;
  packages: string[];
  installed: boolean;
  installable: boolean;
  reason: string;
}

export function parseInstallTarget(value: string): InstallTarget {
  if ((INSTALL_TARGETS as readonly string[]).includes(value)) return value as InstallTarget;
  throw new Error(`--install ${value}: expected one of ${INSTALL_TARGETS.join(' | ')}`);
}

const npmCommand = () => (process.platform === 'win32' ? 'npm.cmd' : 'npm');
const hasPackage = (root: string, pkg: string) => existsSync(join(root, 'node_modules', pkg, 'package.json'));

function nvidiaGpus(): string[] {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

function vulkanLoader(): boolean {
  if (process.platform !== 'linux') return true;
  return [
    '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
    '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
    '/usr/lib64/libvulkan.so.1',
    '/usr/lib/libvulkan.so.1',
  ].some((p) => existsSync(p));
}

/** Whether `target` is installed under `root`, and if not whether it can be installed here, with the reason. */
export function installability(
  target: InstallTarget,
  root: string,
  platform = `${process.platform}-${process.arch}`,
): Installability {
  const t = TARGETS[target];
  const base = { target, packages: t.packages };
  if (t.packages.every((p) => hasPackage(root, p)))
    return {
      ...base,
      installed: true,
      installable: false,
      reason: `installed (${t.packages.join(', ')}); \`espalier doctor\` says whether it loads`,
    };
  if (!t.platforms.includes(platform))
    return {
      ...base,
      installed: false,
      installable: false,
      reason: `${t.packages[0]} has no build for ${platform} (only ${t.platforms.join(', ')})`,
    };
  if (target === 'node-gpu' && nvidiaGpus().length === 0)
    return {
      ...base,
      installed: false,
      installable: false,
      reason:
        'no NVIDIA GPU is visible here (nvidia-smi lists none); CUDA needs an NVIDIA driver, CUDA 11.8 and cuDNN 8',
    };
  if (target === 'webgpu' && !vulkanLoader())
    return {
      ...base,
      installed: false,
      installable: false,
      reason: 'no Vulkan loader (libvulkan.so.1); install it first (Debian/Ubuntu: sudo apt install libvulkan1)',
    };
  const then = t.fetches
    ? `, then its installer, which downloads ${t.fetches}`
    : ' (prebuilt: nothing else is downloaded)';
  return {
    ...base,
    installed: false,
    installable: true,
    reason: `installable: npm install ${t.packages.join(' ')}${then}`,
  };
}

/** The version range package.json names for `pkg` (optional dependencies included), else the npm default. */
function specFor(root: string, pkg: string): string {
  try {
    const p = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const range = p['optionalDependencies']?.[pkg] ?? p['dependencies']?.[pkg] ?? p['devDependencies']?.[pkg];
    return range ? `${pkg}@${range}` : pkg;
  } catch {
    return pkg;
  }
}

export interface InstallOptions {
  root: string;
  /** Every output line of npm and of the installers, as it comes. */
  onLine?(line: string): void;
  timeoutMs?: number;
  /** Package specs to install instead of the ones package.json names (e.g. a local folder). */
  specs?: Record<string, string>;
}

function runStep(cmd: string, args: string[], cwd: string, opts: InstallOptions): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let lastError = '';
    let last = '';
    const relay = (d: Buffer) => {
      for (const line of d
        .toString()
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)) {
        last = line;
        if (/err/i.test(line)) lastError = line;
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const timeoutMs = opts.timeoutMs ?? 15 * 60_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve(`could not run ${cmd}: ${err.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve(`no result after ${Math.round(timeoutMs / 1000)} s`);
      else resolve(code === 0 ? null : `exit ${code ?? signal}: ${(lastError || last).slice(0, 200)}`);
    });
  });
}

/** Installs `target` under `root`; resolves with one line saying what happened (never throws for install failures). */
export async function installBackend(
  target: InstallTarget,
  opts: InstallOptions,
): Promise<{ ok: boolean; line: string }> {
  const t = TARGETS[target];
  const missing = t.packages.filter((p) => !hasPackage(opts.root, p));
  if (missing.length > 0) {
    const specs = missing.map((p) => opts.specs?.[p] ?? specFor(opts.root, p));
    opts.onLine?.(`npm install ${specs.join(' ')}`);
    const failed = await runStep(
      npmCommand(),
      ['install', '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', ...specs],
      opts.root,
      opts,
    );
    if (failed) return { ok: false, line: `${target}: npm install ${specs.join(' ')} failed (${failed})` };
    // npm can exit 0 without installing (a package whose "os"/"cpu" excludes this machine): say so, not ENOENT.
    const absent = missing.filter((p) => !hasPackage(opts.root, p));
    if (absent.length > 0)
      return {
        ok: false,
        line: `${target}: npm install finished but did not install ${absent.join(', ')} (npm skips packages built for other platforms)`,
      };
  }
  const ran: string[] = [];
  for (const pkg of t.packages) {
    const dir = join(opts.root, 'node_modules', pkg);
    const scripts =
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
      {};
    for (const stage of ['preinstall', 'install', 'postinstall'] as const) {
      if (!scripts[stage]) continue;
      opts.onLine?.(`${pkg}: ${scripts[stage]}`);
      const failed = await runStep(npmCommand(), ['run', stage], dir, opts);
      if (failed) return { ok: false, line: `${target}: the installer of ${pkg} failed (${failed})` };
      ran.push(`${pkg} ${stage}`);
    }
  }
  return {
    ok: true,
    line: `${target}: installed ${t.packages.join(', ')}${ran.length ? ` and ran ${ran.join(', ')}` : ''}; restart Espalier to use it`,
  };
}
