// Makes the multi-threaded WebAssembly build of tfjs-backend-wasm 4.22 start in Node.js.
// Imports no backend package itself (backend.ts does); it only prepares the globals that build needs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker as NodeWorker, type TransferListItem } from 'node:worker_threads';

/*
 * Why this file exists. As shipped, the threaded build never runs in Node, for four reasons:
 *  1. the WASM_HAS_MULTITHREAD_SUPPORT flag answers false whenever IS_NODE (tfjs issue 3830);
 *  2. Emscripten spawns each pthread worker from a `blob:` URL of the worker script, and Node's
 *     worker_threads accept only file paths, file:/data: URLs or `eval` source;
 *  3. the worker then `importScripts` the main module from a Blob, which Node cannot read synchronously,
 *     and that module's source refers to bundle-level names (require$$0, commonjsGlobal, tslib helpers)
 *     that do not exist inside a worker;
 *  4. the C++ side caps the pool at os.cpus().length / 2 (it assumes hyper-threading), so a 2-CPU
 *     machine gets 1 thread, and the running pool workers keep the process alive forever.
 * The fixes below are each small: the worker source is read from the package's own bundle, started with
 * `eval: true` behind a preamble that defines the missing names; the main-module Blob is read
 * asynchronously before the 'load' message is forwarded (Emscripten waits for 'loaded' anyway); os.cpus
 * is widened only while the module initialises, and the global Worker only lives that long too; workers are
 * unref'd so the CLI exits.
 * Everything depends on the exact 4.22 bundle, so any surprise makes `prepareWasmThreads` return a reason
 * and the caller falls back to the single-threaded SIMD build.
 */

const SCRIPT_MARK = '\u0000espalier-main-script:';

// Names the Emscripten module source uses but the bundle defined outside it (fs, path, os, the global
// object, and the three tslib helpers the bundler emitted).
const PREAMBLE = `var require$$0=require('fs'),require$$1=require('path'),require$$4=require('os'),commonjsGlobal=globalThis,_scriptDir=undefined;
var __values=function(o){var s=typeof Symbol==='function'&&Symbol.iterator,m=s&&o[s],i=0;if(m)return m.call(o);return{next:function(){if(o&&i>=o.length)o=void 0;return{value:o&&o[i++],done:!o}}}};
var __read=function(o,n){var m=typeof Symbol==='function'&&o[Symbol.iterator];if(!m)return o;var i=m.call(o),r,ar=[];while((n===void 0||n-->0)&&!(r=i.next()).done)ar.push(r.value);return ar};
var __spreadArray=function(to,from){return to.concat(Array.prototype.slice.call(from))};
`;
const SUFFIX = `;global.importScripts=function(f){if(f.startsWith(${JSON.stringify(SCRIPT_MARK)}))(0,eval)(f.slice(${SCRIPT_MARK.length}));else (0,eval)(require('fs').readFileSync(f,'utf8'))};`;

let workerSource: string | undefined;

function readWorkerSource(): string {
  const require = createRequire(import.meta.url);
  const bundle = readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js'), 'utf8');
  const m = /var wasmWorkerContents = ("(?:[^"\\]|\\.)*");/.exec(bundle);
  if (!m) throw new Error('the worker script was not found in tf-backend-wasm.node.js (not version 4.22?)');
  // The package escapes newlines the same way before it makes its Blob: they only occur inside strings.
  return (JSON.parse(m[1]!) as string).replace(/\n/g, '\\n');
}

class PthreadWorker extends NodeWorker {
  constructor(_blobUrl: string) {
    super(PREAMBLE + workerSource! + SUFFIX, { eval: true });
    // Pool threads only ever work while the main thread waits inside a kernel; they must not keep Node alive.
    this.unref();
  }

  override ref(): void {
    // Emscripten ref()s a worker when it starts a pthread; the pool threads never end, so ignore it.
  }

  override postMessage(message: unknown, transferList?: readonly TransferListItem[]): void {
    const msg = message as { cmd?: string; urlOrBlob?: unknown } | null;
    if (msg && msg.cmd === 'load' && msg.urlOrBlob instanceof Blob) {
      void msg.urlOrBlob
        .text()
        .then((text) => super.postMessage({ ...msg, urlOrBlob: SCRIPT_MARK + text }, transferList));
      return;
    }
    super.postMessage(message, transferList);
  }
}

export interface ThreadsPrep {
  ok: boolean;
  reason: string;
  /** Undoes the temporary os.cpus change; call after the backend finished initialising. */
  restore(): void;
}

/**
 * Prepares globals so that the next wasm backend initialisation loads the threaded SIMD build with
 * `threads` XNNPACK threads. `setFlag` sets WASM_HAS_MULTITHREAD_SUPPORT on the tfjs environment.
 */
export function prepareWasmThreads(threads: number, setFlag: (on: boolean) => void): ThreadsPrep {
  const noop: ThreadsPrep = { ok: false, reason: '', restore() {} };
  if (typeof SharedArrayBuffer === 'undefined')
    return { ...noop, reason: 'SharedArrayBuffer is unavailable in this runtime' };
  try {
    workerSource ??= readWorkerSource();
  } catch (err) {
    return { ...noop, reason: (err as Error).message };
  }
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    // Emscripten assigns worker_threads.Worker to the global on start-up; keep ours.
    set: () => {},
  });
  setFlag(true);
  const realCpus = os.cpus;
  const cpu =
    realCpus()[0] ??
    ({ model: '', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } } satisfies os.CpuInfo);
  // XNNPACK reads only the length: it halves it (assuming hyper-threads), so report twice what we want.
  (os as { cpus: typeof os.cpus }).cpus = () => Array.from({ length: 2 * threads }, () => cpu);
  return {
    ok: true,
    reason: '',
    restore() {
      (os as { cpus: typeof os.cpus }).cpus = realCpus;
      // The pool's 8 workers exist by now (Emscripten pre-spawns them at start-up and XNNPACK uses at most 8),
      // so the global can go: other code must not mistake Node for a browser.
      delete (globalThis as { Worker?: unknown }).Worker;
    },
  };
}
