// A quiet WebGPU probe: asks Dawn for an adapter in a short child process whose stderr is captured, so Dawn's
// and the Vulkan loader's warnings ("XDG_RUNTIME_DIR is invalid", "vkCreateInstance failed") never reach the
// terminal. The result is kept for the process and handed to the processes it starts (an environment variable),
// so a machine is probed once per session, and the warnings are reported once (doctor, the System view).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describeAdapter, dawnFlags, type DawnAdapter, type GpuAdapterReport } from './backend-webgpu';

export interface QuietProbe {
  /** The high-performance adapter Dawn offered (software ones included), or null. */
  adapter: GpuAdapterReport | null;
  /** Why there is none (Dawn's error, the child's failure); null with an adapter. */
  reason: string | null;
  /** What Dawn and the Vulkan loader printed, one line each, deduplicated (stack lines dropped). */
  warnings: string[];
}

export const PROBE_ENV = 'ESPALIER_WEBGPU_PROBE';

// Runs in the child: Dawn from the path the parent resolved; prints one JSON line.
const SCRIPT = `
const dawn = require(process.env.ESPALIER_DAWN_PATH);
Object.assign(globalThis, dawn.globals);
const out = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };
// GPUAdapterInfo's fields are getters on its prototype: copied one by one (a spread would copy none).
const info = (a) => { const i = a.info || {}; return { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: Boolean(i.isFallbackAdapter || a.isFallbackAdapter) }; };
Promise.resolve()
  .then(() => dawn.create(JSON.parse(process.env.ESPALIER_DAWN_FLAGS)).requestAdapter({ powerPreference: 'high-performance' }))
  .then((a) => out(a ? { info: info(a), limits: Object.fromEntries(['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'].map((k) => [k, a.limits[k] || 0])) } : { none: true }))
  .catch((e) => out({ error: String((e && e.message) || e) }));
`;

/** Dawn's lines, once each: the loader's stack frames ("    at …") carry nothing a person can act on. */
export function warningLines(stderr: string): string[] {
  const seen = new Set<string>();
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.trim();
    if (line && !/^at\s/.test(line)) seen.add(line.slice(0, 300));
  }
  return [...seen].slice(0, 12);
}

/** Reads the child's answer; exported for the tests of its parsing. */
export function parseProbeOutput(stdout: string, stderr: string, status: number | null, error?: Error): QuietProbe {
  const warnings = warningLines(stderr);
  if (error) return { adapter: null, reason: `the WebGPU probe did not run (${error.message})`, warnings };
  let o: { info?: DawnAdapter['info']; limits?: Record<string, number>; none?: boolean; error?: string };
  try {
    o = JSON.parse(stdout) as typeof o;
  } catch {
    return {
      adapter: null,
      reason: `Dawn stopped the probe (exit ${status ?? 'signal'})${warnings[0] ? `: ${warnings[0]}` : ''}`,
      warnings,
    };
  }
  if (o.error) return { adapter: null, reason: `Dawn failed (${o.error.split('\n')[0]})`, warnings };
  if (o.none || !o.info) {
    const api = process.platform === 'linux' ? 'Vulkan' : process.platform === 'darwin' ? 'Metal' : 'Direct3D 12';
    return { adapter: null, reason: `Dawn found no WebGPU adapter (${api} reports no usable GPU driver)`, warnings };
  }
  const adapter: DawnAdapter = {
    info: o.info,
    limits: o.limits ?? {},
    features: { has: () => false },
    requestDevice: () => Promise.reject(new Error('probe only')),
  };
  return { adapter: describeAdapter(adapter), reason: null, warnings };
}

let cached: QuietProbe | null = null;

/** The probe's result: this process's, else the one its parent handed down, else a fresh probe (a second or so). */
export function quietWebgpuProbe(): QuietProbe {
  if (cached) return cached;
  const inherited = process.env[PROBE_ENV];
  if (inherited) {
    try {
      cached = JSON.parse(inherited) as QuietProbe;
      return cached;
    } catch {
      // A damaged value: probe again.
    }
  }
  let dawnPath: string;
  try {
    dawnPath = createRequire(import.meta.url).resolve('webgpu');
  } catch {
    cached = {
      adapter: null,
      reason:
        'webgpu is not installed (optional: Dawn ships prebuilt for Linux x64/arm64, macOS and Windows); run `npm install webgpu @tensorflow/tfjs-backend-webgpu`',
      warnings: [],
    };
    return cached;
  }
  const r = spawnSync(process.execPath, ['-e', SCRIPT], {
    env: {
      ...process.env,
      ELECTRON_RUN_AS_NODE: '1',
      ESPALIER_DAWN_PATH: dawnPath,
      ESPALIER_DAWN_FLAGS: JSON.stringify(dawnFlags()),
    },
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cached = parseProbeOutput(r.stdout ?? '', r.stderr ?? '', r.status, r.error);
  process.env[PROBE_ENV] = JSON.stringify(cached);
  return cached;
}

/** The result if this process (or its parent) probed already; never probes. */
export function peekWebgpuProbe(): QuietProbe | null {
  if (cached) return cached;
  return process.env[PROBE_ENV] ? quietWebgpuProbe() : null;
}

/** Forgets the result (tests; a changed driver setting such as VK_ICD_FILENAMES). */
export function forgetWebgpuProbe(): void {
  cached = null;
  delete process.env[PROBE_ENV];
}
