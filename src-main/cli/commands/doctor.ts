// `espalier doctor`: which TensorFlow.js backend starts on this machine, and why the others do not.
import { initBackend, parseBackendName, type BackendReport } from '../../engine/backend';
import { defineCommand, optNum, optStr } from '../command';

export default defineCommand({
  path: ['doctor'],
  summary: 'report the compute backend Espalier uses here (CUDA, native CPU, WebAssembly, JS) and why',
  options: [
    { name: 'backend', kind: 'string', metavar: 'NAME', description: 'try only this backend: node-gpu | node | wasm | cpu (default: auto)' },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU, at most 8)' },
  ],
  async run(opts): Promise<BackendReport> {
    return initBackend({ backend: parseBackendName(optStr(opts, 'backend')), threads: optNum(opts, 'threads') });
  },
  human(result) {
    const r = result as BackendReport;
    const lines = [`backend: ${r.backend}`];
    for (const t of r.tried) lines.push(`  ${t.ok ? 'ok  ' : 'no  '} ${t.name.padEnd(8)} ${t.reason}`);
    lines.push(`gpus: ${r.gpus.length > 0 ? r.gpus.join(', ') : 'none'}`);
    if (r.wasm) lines.push(`wasm: simd ${r.wasm.simd ? 'yes' : 'no'}, ${r.wasm.threads} thread(s)${r.wasm.threadsReason ? ` (${r.wasm.threadsReason})` : ''}`);
    if (r.native) lines.push(r.native.ok ? `native matrix products: ${r.native.isa}, ${r.native.threads} thread(s)` : `native matrix products: not in use (${r.native.reason})`);
    const threads = r.native?.ok ? r.native.threads : (r.wasm?.threads ?? 1);
    lines.push(`compute threads: ${threads}`);
    return lines.join('\n');
  },
});
