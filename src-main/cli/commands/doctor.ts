// `espalier doctor`: which TensorFlow.js backend starts on this machine, and why the others do not.
import { initBackend, parseBackendName, type BackendReport } from '../../engine/backend';
import { adapterName } from '../../engine/backend-webgpu';
import { defineCommand, optNum, optStr } from '../command';

function mib(n: number): string {
  return `${Math.round(n / 2 ** 20)} MiB`;
}

export default defineCommand({
  path: ['doctor'],
  summary: 'report the compute backend Espalier uses here (CUDA, WebGPU, native CPU, WebAssembly, JS) and why',
  options: [
    { name: 'backend', kind: 'string', metavar: 'NAME', description: 'try only this backend: node-gpu | webgpu | node | wasm | cpu (default: auto)' },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'WebAssembly threads (default: the CPUs available less one, at most 8)' },
  ],
  async run(opts): Promise<BackendReport> {
    return initBackend({ backend: parseBackendName(optStr(opts, 'backend')), threads: optNum(opts, 'threads') });
  },
  human(result) {
    const r = result as BackendReport;
    const lines = [`backend: ${r.backend}`];
    for (const t of r.tried) lines.push(`  ${t.ok ? 'ok  ' : 'no  '} ${t.name.padEnd(8)} ${t.reason}`);
    lines.push(`gpus: ${r.gpus.length > 0 ? r.gpus.join(', ') : 'none'}`);
    if (r.adapter) {
      const l = r.adapter.limits;
      lines.push(`webgpu adapter: ${adapterName(r.adapter)}${r.backend === 'webgpu' ? '' : ' (not in use)'}`);
      lines.push(`  limits: buffer ${mib(l.maxBufferSize)}, storage binding ${mib(l.maxStorageBufferBindingSize)}, workgroup memory ${l.maxComputeWorkgroupStorageSize} B, ${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup`);
    }
    if (r.wasm) lines.push(`wasm: simd ${r.wasm.simd ? 'yes' : 'no'}, ${r.wasm.threads} thread(s)${r.wasm.threadsReason ? ` (${r.wasm.threadsReason})` : ''}`);
    return lines.join('\n');
  },
});
