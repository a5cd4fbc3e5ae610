// Chooses and starts the TensorFlow.js backend: CUDA (tfjs-node-gpu), WebGPU (Dawn), native CPU (tfjs-node),
// WebAssembly, pure JS.
// Only the backend*.ts files import a backend package (the WebAssembly start lives in backend-wasm.ts, the package
// helpers in backend-load.ts); every other engine file uses @tensorflow/tfjs-core alone.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from '../common/errors';
import { firstLine, importOptional, isInstalled } from './backend-load';
import { tryWasm } from './backend-wasm';
import {
  adapterName,
  chooseAdapter,
  missingVulkanDriver,
  requestDevice,
  type DawnModule,
  type GpuAdapterReport,
} from './backend-webgpu';
import { quietWebgpuProbe } from './webgpu-probe';
import { loadGemmAddon, nativeReason } from './model/native/addon';

export type { GpuAdapterReport } from './backend-webgpu';
export type BackendName = 'node-gpu' | 'webgpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** Why it was chosen, or a sentence a user can act on saying why it could not be used. */
  reason: string;
}

export interface BackendReport {
  backend: BackendName;
  tried: BackendAttempt[];
  /** GPU names nvidia-smi lists (empty where there is none or no driver). */
  gpus: string[];
  /** The WebAssembly build in use; null when another backend runs. */
  wasm: { simd: boolean; threads: number; threadsReason?: string } | null;
  /** The WebGPU adapter Dawn offered (in use when backend is 'webgpu'); null when none was found or tried. */
  adapter: GpuAdapterReport | null;
  /**
   * The native matrix-product addon that runs the wasm backend's large products in place on its heap:
   * its instruction set and threads, or why it is not in use. Null when another backend runs.
   */
  native: { ok: true; isa: string; kernels: string[]; threads: number } | { ok: false; reason: string } | null;
}

export interface BackendOptions {
  /** 'auto' (default, or ESPALIER_BACKEND) tries node-gpu, webgpu (hardware adapters only), node, wasm, cpu in that order. */
  backend?: BackendName | 'auto';
  /** Compute threads (native matrix products, else XNNPACK); default ESPALIER_THREADS or every CPU. */
  threads?: number;
  /**
   * False keeps Dawn out of this process: the chain skips webgpu and naming it falls back to the chain without it.
   * The app's main process passes false; only its worker processes load Dawn.
   */
  webgpu?: boolean;
}

const NATIVE_PACKAGE: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

let current: BackendReport | undefined;

export function parseBackendName(value: string | undefined, field = '--backend'): BackendName | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new UserError(`${field} must be one of auto, ${BACKEND_NAMES.join(', ')}; got "${value}"`);
}

function listGpus(): string[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  } catch {
    return [];
  }
}

async function tryNative(name: 'node-gpu' | 'node', gpus: string[]): Promise<BackendAttempt> {
  const pkg = NATIVE_PACKAGE[name];
  const need =
    name === 'node-gpu'
      ? 'libtensorflow with CUDA (needs an NVIDIA driver, CUDA 11.8 and cuDNN 8)'
      : 'the libtensorflow CPU library';
  if (!isInstalled(pkg)) {
    const noGpu =
      name === 'node-gpu' && gpus.length === 0 ? ' (and no NVIDIA GPU is visible here: nvidia-smi lists none)' : '';
    return {
      name,
      ok: false,
      reason: `${pkg} is not installed${noGpu}: it is optional because its installer downloads ${need} from the internet; run \`npm install ${pkg}\` where that is possible`,
    };
  }
  if (name === 'node-gpu' && gpus.length === 0) {
    return {
      name,
      ok: false,
      reason: `${pkg} is installed but no NVIDIA GPU is visible (nvidia-smi lists none); check the driver with \`nvidia-smi\``,
    };
  }
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional package.
    const specifier: string = pkg;
    await import(specifier);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return {
        name,
        ok: false,
        reason: `${pkg} is not installed: it is optional because its installer downloads ${need} from the internet; run \`npm install ${pkg}\` where that is possible`,
      };
    }
    return {
      name,
      ok: false,
      reason: `${pkg} is installed but its native library failed to load (${firstLine(err)}); run \`npm rebuild ${pkg}\` with internet access, or put ${need} on the library path`,
    };
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return {
      name,
      ok: false,
      reason: `${pkg} loaded but registered with another copy of @tensorflow/tfjs-core; install ${pkg}@${tf.version_core} to match`,
    };
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) throw new Error('setBackend returned false');
  } catch (err) {
    return { name, ok: false, reason: `${pkg} failed to start (${firstLine(err)})` };
  }
  return {
    name,
    ok: true,
    reason: name === 'node-gpu' ? `CUDA on ${gpus.join(', ')}` : 'native TensorFlow on the CPU',
  };
}

/**
 * Compute threads: ESPALIER_THREADS (or the older ESPALIER_WASM_THREADS), else every CPU, with no cap (the
 * native kernels partition for 16+ cores). Training waits for the compute, so a spare core buys nothing; the
 * UI lives in another process.
 */
export function defaultThreads(): number {
  for (const name of ['ESPALIER_THREADS', 'ESPALIER_WASM_THREADS']) {
    const env = Number(process.env[name]);
    if (Number.isInteger(env) && env >= 1) return Math.min(env, 1024);
  }
  return Math.max(1, availableParallelism());
}

/**
 * The native addon, when it loads, takes the threads and the large products; the wasm backend then runs
 * single-threaded (its remaining kernels are elementwise and mostly single-threaded anyway).
 */
function startNative(threads: number): NonNullable<BackendReport['native']> {
  const addon = loadGemmAddon();
  if (!addon) return { ok: false, reason: nativeReason() ?? 'the native matrix addon did not load' };
  addon.setThreads(threads);
  return { ok: true, isa: addon.isa(), kernels: addon.kernels(), threads: addon.threads() };
}

interface TfWebgpuModule {
  WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tf.KernelBackend;
}

/** WebGPU through Dawn; a software adapter only when `allowSoftware` (the user named this backend). */
async function tryWebgpu(
  allowSoftware: boolean,
): Promise<{ attempt: BackendAttempt; adapter: GpuAdapterReport | null }> {
  const fail = (reason: string, adapter: GpuAdapterReport | null = null) => ({
    attempt: { name: 'webgpu' as const, ok: false, reason },
    adapter,
  });
  const noDriver = missingVulkanDriver();
  if (noDriver) return fail(noDriver);
  // The automatic chain asks the quiet probe first: Dawn loads here (and may print its warnings) only when it
  // offers a hardware adapter this process will use.
  if (!allowSoftware) {
    const q = quietWebgpuProbe();
    if (!q.adapter) return fail(q.reason ?? 'Dawn found no WebGPU adapter');
    if (q.adapter.software)
      return fail(
        `only a software adapter is available (${adapterName(q.adapter)}): far slower than the CPU backends, so it is used only with --backend webgpu`,
        q.adapter,
      );
  }
  let dawn: DawnModule | null;
  let tfWebgpu: TfWebgpuModule | null;
  try {
    dawn = await importOptional<DawnModule>('webgpu');
    tfWebgpu = await importOptional<TfWebgpuModule>('@tensorflow/tfjs-backend-webgpu');
  } catch (err) {
    return fail(
      `the WebGPU packages failed to load (${firstLine(err)}); run \`npm install webgpu @tensorflow/tfjs-backend-webgpu\``,
    );
  }
  if (!dawn || !tfWebgpu) {
    const missing = [!dawn ? 'webgpu' : '', !tfWebgpu ? '@tensorflow/tfjs-backend-webgpu' : '']
      .filter(Boolean)
      .join(' and ');
    return fail(
      `${missing} not installed (optional: Dawn ships prebuilt for Linux x64/arm64, macOS and Windows); run \`npm install ${missing.replace(' and ', ' ')}\``,
    );
  }
  try {
    const choice = await chooseAdapter(dawn, allowSoftware);
    if (!choice.ok) return fail(choice.reason, choice.report);
    const device = await requestDevice(choice.adapter);
    const Backend = tfWebgpu.WebGPUBackend;
    // Our own factory, so tfjs runs on the adapter chosen here rather than asking navigator.gpu again.
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new Backend(device, choice.adapter.info), 0);
    if (!(await tf.setBackend('webgpu')))
      return fail(`the WebGPU backend failed to start on ${adapterName(choice.report)}`, choice.report);
    return {
      attempt: { name: 'webgpu', ok: true, reason: `WebGPU on ${adapterName(choice.report)}` },
      adapter: choice.report,
    };
  } catch (err) {
    return fail(`WebGPU failed to start (${firstLine(err)})`);
  }
}

async function tryCpu(): Promise<BackendAttempt> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('setBackend returned false');
    return { name: 'cpu', ok: true, reason: 'pure JavaScript (about 30× slower than wasm; training is impractical)' };
  } catch (err) {
    return { name: 'cpu', ok: false, reason: `the pure-JS backend failed to start (${firstLine(err)})` };
  }
}

/** One line for logs: the backend and the threads that compute, e.g. "wasm (native AVX-512 (12×32 micro-kernel), 2 threads)". */
export function describeBackend(r: BackendReport): string {
  const n = (k: number) => `${k} thread${k > 1 ? 's' : ''}`;
  if (r.native?.ok) return `${r.backend} (native ${r.native.isa}, ${n(r.native.threads)})`;
  return r.wasm ? `${r.backend} (${n(r.wasm.threads)}${r.wasm.simd ? ', SIMD' : ''})` : r.backend;
}

/**
 * Changes the native matrix products' thread count after start-up (benchmarks compare 1 thread with all);
 * returns the count now in use, or null when the native addon is not running.
 */
export function setComputeThreads(threads: number): number | null {
  if (!current?.native?.ok) return null;
  const addon = loadGemmAddon();
  if (!addon) return null;
  addon.setThreads(threads);
  current = { ...current, native: { ...current.native, threads: addon.threads() } };
  return addon.threads();
}

/**
 * Starts a backend once per process and reports what was tried. A second call returns the same report,
 * unless it names a different backend explicitly, which then switches.
 */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendReport> {
  const asked = opts.backend ?? parseBackendName(process.env['ESPALIER_BACKEND'], 'ESPALIER_BACKEND');
  const noGpu = opts.webgpu === false;
  const want = noGpu && asked === 'webgpu' ? 'auto' : asked;
  if (current && (want === 'auto' || want === current.backend)) return current;
  const order: BackendName[] = want === 'auto' ? BACKEND_NAMES.filter((n) => !(noGpu && n === 'webgpu')) : [want];
  const gpus = listGpus();
  const tried: BackendAttempt[] = [];
  let wasmInfo: BackendReport['wasm'] = null;
  let adapter: GpuAdapterReport | null = null;
  let nativeInfo: BackendReport['native'] = null;
  for (const name of order) {
    let attempt: BackendAttempt;
    if (name === 'node-gpu' || name === 'node') attempt = await tryNative(name, gpus);
    else if (name === 'webgpu') {
      const r = await tryWebgpu(want === 'webgpu');
      attempt = r.attempt;
      adapter = r.adapter;
    } else if (name === 'wasm') {
      const threads = opts.threads ?? defaultThreads();
      nativeInfo = startNative(threads);
      // Without the native kernels XNNPACK computes, and tfjs-wasm's threaded build has 8 workers at most.
      const r = await tryWasm(nativeInfo.ok ? 1 : Math.min(threads, 8));
      attempt = r.attempt;
      wasmInfo = r.wasm;
      if (nativeInfo.ok && wasmInfo) {
        wasmInfo.threadsReason = `matrix products run natively (${nativeInfo.isa}) on ${nativeInfo.threads} thread${nativeInfo.threads > 1 ? 's' : ''}`;
        // The products run on the addon's threads: "WebAssembly SIMD, 1 thread" alone would misstate the compute.
        if (attempt.ok)
          attempt = { ...attempt, reason: `${attempt.reason.replace(/, 1 thread$/, '')}; ${wasmInfo.threadsReason}` };
      }
    } else attempt = await tryCpu();
    tried.push(attempt);
    if (attempt.ok) {
      current = {
        backend: name,
        tried,
        gpus,
        wasm: name === 'wasm' ? wasmInfo : null,
        native: name === 'wasm' ? nativeInfo : null,
        adapter,
      };
      return current;
    }
  }
  const why = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw new UserError(`no TensorFlow.js backend could start (${why})`);
}

/**
 * The adapter `--backend webgpu` would run on, for reports where webgpu was not tried (another backend was named,
 * or an earlier one started): what Dawn offers, software ones included, or why there is none. Loads Dawn.
 */
export async function previewWebgpuAdapter(): Promise<{
  adapter: GpuAdapterReport | null;
  reason: string;
  warnings: string[];
}> {
  const noDriver = missingVulkanDriver();
  if (noDriver) return { adapter: null, reason: noDriver, warnings: [] };
  // In a child process, so Dawn's warnings are captured and reported once rather than printed.
  const q = quietWebgpuProbe();
  return q.adapter
    ? { adapter: q.adapter, reason: `WebGPU would run on ${adapterName(q.adapter)}`, warnings: q.warnings }
    : { adapter: null, reason: q.reason ?? 'Dawn found no WebGPU adapter', warnings: q.warnings };
}
