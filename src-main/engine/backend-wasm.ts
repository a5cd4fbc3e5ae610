// Starting tfjs's WebAssembly backend: the threaded SIMD build when threads are asked for and the runtime allows
// it, else the single-threaded build; the report says which started and why.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendAttempt, BackendReport } from './backend';
import { firstLine } from './backend-load';
import { prepareWasmThreads } from './backend-wasm-threads';

export async function tryWasm(threads: number): Promise<{ attempt: BackendAttempt; wasm: BackendReport['wasm'] }> {
  let wasmPkg: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasmPkg = await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return {
      attempt: {
        name: 'wasm',
        ok: false,
        reason: `@tensorflow/tfjs-backend-wasm could not be loaded (${firstLine(err)}); run \`npm ci\``,
      },
      wasm: null,
    };
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  let threadsReason =
    threads > 1
      ? ''
      : `one thread (${availableParallelism()} CPUs available; --threads N or ESPALIER_THREADS=N starts the threaded build)`;
  if (threads > 1 && simd) {
    const prep = prepareWasmThreads(threads, (on) => tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', on));
    if (prep.ok) {
      wasmPkg.setThreadsCount(threads);
      try {
        const started = await tf.setBackend('wasm');
        prep.restore();
        if (started) {
          const actual = wasmPkg.getThreadsCount();
          return {
            attempt: { name: 'wasm', ok: true, reason: `WebAssembly SIMD with ${actual} threads` },
            wasm: {
              simd,
              threads: actual,
              ...(actual < threads ? { threadsReason: `asked for ${threads}, XNNPACK started ${actual}` } : {}),
            },
          };
        }
        threadsReason = 'the threaded build did not start';
      } catch (err) {
        prep.restore();
        threadsReason = `the threaded build failed (${firstLine(err)})`;
      }
      // Fall back to the single-threaded SIMD build: tfjs calls the factory again on the next setBackend,
      // and with the flag off the package builds a fresh single-threaded module.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    } else {
      threadsReason = `threads unavailable: ${prep.reason}`;
    }
  } else if (threads > 1) {
    threadsReason = 'threads need WebAssembly SIMD, which this runtime lacks';
  }
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend returned false');
  } catch (err) {
    return {
      attempt: { name: 'wasm', ok: false, reason: `WebAssembly backend failed to start (${firstLine(err)})` },
      wasm: null,
    };
  }
  return {
    attempt: { name: 'wasm', ok: true, reason: `WebAssembly${simd ? ' SIMD' : ''}, 1 thread` },
    wasm: { simd, threads: 1, threadsReason },
  };
}
