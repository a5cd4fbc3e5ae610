// WebGPU through Dawn (the `webgpu` package): finds an adapter, tells hardware from software ones, and says
// why none is usable. backend.ts loads the packages and hands them in, so it stays the one file importing backends.
import { existsSync, readdirSync } from 'node:fs';

/** The adapter WebGPU runs on, as doctor and the System view show it. */
export interface GpuAdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** SwiftShader, llvmpipe/lavapipe, WARP: a CPU pretending to be a GPU, never chosen automatically. */
  software: boolean;
  /** The optional WebGPU features Espalier's kernels care about that this adapter offers. */
  features: string[];
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
  };
}

/** The parts of Dawn's GPUAdapter used here (the project compiles without DOM/WebGPU typings). */
export interface DawnAdapter {
  readonly info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  readonly features: { has(name: string): boolean };
  requestDevice(desc: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<unknown>;
}
export interface DawnModule {
  create(flags: string[]): { requestAdapter(opts?: { powerPreference?: string }): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}

/** Debian's chromium package ships SwiftShader's Vulkan driver here (not registered with the loader). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|basic render|warp/i;

export function describeAdapter(a: DawnAdapter): GpuAdapterReport {
  const i = a.info ?? {};
  const text = [i.vendor, i.architecture, i.device, i.description].join(' ');
  return {
    vendor: i.vendor ?? '',
    architecture: i.architecture ?? '',
    device: i.device ?? '',
    description: i.description ?? '',
    software: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter) || SOFTWARE_NAMES.test(text),
    features: KERNEL_FEATURES.filter((f) => a.features.has(f)),
    limits: {
      maxBufferSize: a.limits['maxBufferSize'] ?? 0,
      maxStorageBufferBindingSize: a.limits['maxStorageBufferBindingSize'] ?? 0,
      maxComputeWorkgroupStorageSize: a.limits['maxComputeWorkgroupStorageSize'] ?? 0,
      maxComputeInvocationsPerWorkgroup: a.limits['maxComputeInvocationsPerWorkgroup'] ?? 0,
    },
  };
}

/** Features that change which kernels could run: half arithmetic, subgroup operations, GPU timers, tensor cores. */
const KERNEL_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query', 'chromium-experimental-subgroup-matrix'];

/** What training on this adapter runs, for doctor: Espalier's own WGSL kernels, and which optional features exist. */
export function gpuPathLine(r: GpuAdapterReport): string {
  const has = (f: string) => (r.features.includes(f) ? 'yes' : 'no');
  return (
    'training kernels: Espalier WGSL (tiled matmul, flash attention + RoPE, fused RMSNorm/GELU, chunked cross-entropy), float32; ' +
    `shader-f16 ${has('shader-f16')}, subgroups ${has('subgroups')}, subgroup matrices ${has('chromium-experimental-subgroup-matrix')}, timestamps ${has('timestamp-query')}`
  );
}

/** One line naming the adapter: "google swiftshader (SwiftShader driver 5.0.0), software". */
export function adapterName(r: GpuAdapterReport): string {
  const head = [r.vendor, r.architecture].filter((s) => s.length > 0).join(' ') || r.device || 'unnamed adapter';
  const desc = r.description || r.device;
  return `${head}${desc && desc !== head ? ` (${desc})` : ''}${r.software ? ', software' : ''}`;
}

/** Dawn's native API per platform: Vulkan on Linux (its GL fallback cannot run tfjs), the default elsewhere. */
export function dawnFlags(): string[] {
  return process.platform === 'linux' ? ['backend=vulkan'] : [];
}

function softwareHint(): string {
  if (process.env['VK_ICD_FILENAMES'] || !existsSync(SWIFTSHADER_ICD)) return '';
  return `; a software adapter (SwiftShader, for correctness checks only) is available with VK_ICD_FILENAMES=${SWIFTSHADER_ICD} and --backend webgpu`;
}

/**
 * On Linux, why Vulkan cannot find any driver (no ICD file registered and none named in the environment), or
 * null. Checked before loading Dawn, which otherwise prints its own warnings on every run of every command.
 */
export function missingVulkanDriver(): string | null {
  if (process.platform !== 'linux') return null;
  if (process.env['VK_ICD_FILENAMES'] || process.env['VK_DRIVER_FILES']) return null;
  const dirs = [
    '/usr/share/vulkan/icd.d',
    '/etc/vulkan/icd.d',
    '/usr/local/share/vulkan/icd.d',
    `${process.env['HOME'] ?? ''}/.local/share/vulkan/icd.d`,
  ];
  const any = dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
  return any
    ? null
    : `no Vulkan driver is installed (no ICD file in ${dirs.slice(0, 2).join(' or ')})${softwareHint()}`;
}

export type AdapterChoice =
  | { ok: true; adapter: DawnAdapter; report: GpuAdapterReport }
  | { ok: false; reason: string; report: GpuAdapterReport | null };

/** Asks Dawn for the high-performance adapter; a software one is accepted only when asked for by name. */
export async function chooseAdapter(dawn: DawnModule, allowSoftware: boolean): Promise<AdapterChoice> {
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(dawnFlags());
  // tfjs-backend-webgpu checks navigator.gpu; Node 20 has no navigator, later versions a read-only getter.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav && Object.isExtensible(nav)) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const api = process.platform === 'linux' ? 'Vulkan' : process.platform === 'darwin' ? 'Metal' : 'Direct3D 12';
    return {
      ok: false,
      reason: `Dawn found no WebGPU adapter (${api} reports no usable GPU driver)${softwareHint()}`,
      report: null,
    };
  }
  const report = describeAdapter(adapter);
  if (report.software && !allowSoftware) {
    return {
      ok: false,
      reason: `only a software adapter is available (${adapterName(report)}): far slower than the CPU backends, so it is used only with --backend webgpu`,
      report,
    };
  }
  return { ok: true, adapter, report };
}

/** The device tfjs-backend-webgpu's own factory would request: the adapter's limits, timestamps when offered. */
export async function requestDevice(adapter: DawnAdapter): Promise<unknown> {
  const l = adapter.limits;
  const keys = [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
    'maxStorageBuffersPerShaderStage',
  ];
  const requiredLimits: Record<string, number> = {};
  for (const k of keys) if (typeof l[k] === 'number') requiredLimits[k] = l[k];
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  return adapter.requestDevice({ requiredFeatures, requiredLimits });
}
