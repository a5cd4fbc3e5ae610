// Issue 28 item 16: a job's run log and its recorded backend describe the compute as doctor does ("wasm (native
// AVX2+FMA, 2 threads)"), not by the wasm attempt's own thread count.
import { describe, expect, it } from 'vitest';
import type { BackendReport } from '../../engine/backend';
import { runBackend } from './backend';

const DESCRIPTION = 'wasm (native AVX2+FMA, 2 threads)';

describe('runBackend', () => {
  it('the worker records the description doctor prints', () => {
    const report: BackendReport = {
      backend: 'wasm',
      tried: [{ name: 'wasm', ok: true, reason: 'WebAssembly SIMD' }],
      gpus: [],
      wasm: { simd: true, threads: 1 },
      adapter: null,
      native: { ok: true, isa: 'AVX2+FMA', kernels: ['avx2', 'portable'], threads: 2 },
    };
    expect(runBackend(report)).toEqual({ name: 'wasm', adapter: null, software: false, description: DESCRIPTION });
  });
});
