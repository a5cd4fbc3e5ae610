// Loads Espalier's optional native kernel addon (native/addon.cc over native/src, built by `npm ci` through node-gyp).
// Its absence is a reason reported by `doctor`, never an error: the WebAssembly kernels then do the work.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What native/addon.cc exports (offsets in bytes into `memory`). */
export interface GemmAddon {
  gemm(
    memory: ArrayBuffer | Uint8Array,
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    lda: number,
    ldb: number,
    ldc: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
  ): void;
  /**
   * Rows of logits at byte offset `offset` become softmax probabilities in place, minus one at each row's
   * target when `grad` (the cross-entropy gradient); pt[i] receives row i's target probability.
   */
  softmaxXent(
    memory: ArrayBuffer | Uint8Array,
    offset: number,
    rows: number,
    cols: number,
    targets: Int32Array,
    pt: Float32Array,
    grad: boolean,
  ): void;
  setThreads(n: number): void;
  threads(): number;
  /** The micro-kernel in use, for people: e.g. 'AVX-512 (12×32 micro-kernel)', 'NEON (8×12 micro-kernel)'. */
  isa(): string;
  /** Its short name: 'avx512', 'avx2', 'neon' or 'portable' (chosen at load by CPU features, or ESPALIER_KERNEL). */
  kernel(): string;
  /** Every kernel this CPU runs, best first. */
  kernels(): string[];
  /** Switches to one of `kernels()` (tests and benchmarks run each path); throws for any other name. */
  setKernel(name: string): void;
  /**
   * AdamW over k parameters: spans holds [p, out, g, n, decay] per parameter (byte offsets into `memory`),
   * moments [m0, v0, m1, v1, …] (Float32Arrays outside `memory`), hyper [b1, b2, step, bc2, eps, gradScale].
   * Absent from builds older than the native optimizer (then the WebAssembly kernel runs).
   */
  adamw?(memory: ArrayBuffer | Uint8Array, spans: Float64Array, moments: Float32Array[], hyper: Float64Array): void;
  /** Σ g² of each [offset, n] span into out[i], summed as the WebAssembly kernel sums (absent from older builds). */
  sumsq?(memory: ArrayBuffer | Uint8Array, spans: Float64Array, out: Float32Array): void;
  // The step's other kernels (native/ops-addon.cc; absent from builds before them, see native/ops.ts).
  /** probs [B, H, T, T] and out [B·T, H·dh] from a fused, rotated qkv [B·T, 3·H·dh]. */
  attentionForward?(
    memory: ArrayBuffer | Uint8Array,
    qkv: number,
    out: number,
    probs: number,
    B: number,
    T: number,
    H: number,
    dh: number,
    scale: number,
  ): void;
  /** dqkv [B·T, 3·H·dh] (written whole) from dOut [B·T, H·dh] and the forward's probs. */
  attentionBackward?(
    memory: ArrayBuffer | Uint8Array,
    qkv: number,
    probs: number,
    dOut: number,
    dqkv: number,
    B: number,
    T: number,
    H: number,
    dh: number,
    scale: number,
  ): void;
  /** y = x·r·g per row of x [N, D]; r [N] = 1/sqrt(mean(x²) + eps). */
  rmsNormForward?(
    memory: ArrayBuffer | Uint8Array,
    x: number,
    g: number,
    y: number,
    r: number,
    N: number,
    D: number,
    eps: number,
  ): void;
  /** dx [N, D] and dg [D] (both written whole). */
  rmsNormBackward?(
    memory: ArrayBuffer | Uint8Array,
    dy: number,
    x: number,
    r: number,
    g: number,
    dx: number,
    dg: number,
    N: number,
    D: number,
  ): void;
  /** GELU (tanh approximation) of n floats: y = x·s, s (kept for the backward pass) the sigmoid factor. */
  geluForward?(memory: ArrayBuffer | Uint8Array, x: number, y: number, s: number, n: number): void;
  geluBackward?(memory: ArrayBuffer | Uint8Array, dy: number, x: number, s: number, dx: number, n: number): void;
}

export const ADDON_FILE = join('native', 'build', 'Release', 'espalier_gemm.node');
const BUILD_HINT = 'run `npm run build:native` (needs a C++ compiler, make and python3, as for better-sqlite3)';

let addon: GemmAddon | null = null;
let reason: string | null = null;
let tried = false;

/** The project root: the nearest folder above this file holding native/binding.gyp (source and bundled layouts differ). */
function findAddonPath(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'native', 'binding.gyp'))) return join(dir, ADDON_FILE);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Loads the addon once; null (with `nativeReason()`) when it is switched off, not built or fails to load. */
export function loadGemmAddon(): GemmAddon | null {
  if (tried) return addon;
  tried = true;
  const off = process.env['ESPALIER_NATIVE'];
  if (off === '0' || off === 'off') {
    reason = 'switched off by ESPALIER_NATIVE=0';
    return null;
  }
  const file = findAddonPath();
  if (!file) {
    reason = `native/binding.gyp was not found above ${dirname(fileURLToPath(import.meta.url))}`;
    return null;
  }
  if (!existsSync(file)) {
    reason = `the native matrix addon is not built (${ADDON_FILE} is missing); ${BUILD_HINT}`;
    return null;
  }
  try {
    const loaded = createRequire(import.meta.url)(file) as Partial<GemmAddon>;
    // A build from older sources (before kernel dispatch) lacks these: rebuilding fixes it.
    const missing = (
      ['gemm', 'softmaxXent', 'setThreads', 'threads', 'isa', 'kernel', 'kernels', 'setKernel'] as const
    ).filter((f) => typeof loaded[f] !== 'function');
    if (missing.length > 0) {
      reason = `the native matrix addon at ${ADDON_FILE} is out of date (it lacks ${missing.join(', ')}); ${BUILD_HINT}`;
      return null;
    }
    addon = loaded as GemmAddon;
  } catch (err) {
    const msg = String((err as Error).message).split('\n')[0];
    // A kernel the user forced is their setting to change, not a build to redo.
    reason = msg.startsWith('ESPALIER_KERNEL=')
      ? `${msg}; unset ESPALIER_KERNEL or name one of those`
      : `the native matrix addon failed to load (${msg}); ${BUILD_HINT}`;
    addon = null;
  }
  return addon;
}

/** Why the addon is not in use (null when it is, or before the first load). */
export function nativeReason(): string | null {
  return reason;
}
