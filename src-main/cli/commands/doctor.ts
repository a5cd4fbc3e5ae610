// `espalier doctor`: which TensorFlow.js backend starts on this machine, why the others do not, which optional
// backends could be installed here; `--install node-gpu|node|webgpu` installs one and reports it in one line.
import { fileURLToPath } from 'node:url';
import { describeBackend, initBackend, parseBackendName, type BackendReport } from '../../engine/backend';
import { adapterName, gpuPathLine } from '../../engine/backend-webgpu';
import { nativeOpsLine } from '../../engine/model/native/ops';
import { peekWebgpuProbe } from '../../engine/webgpu-probe';
import { UserError } from '../../common/errors';
import {
  INSTALL_TARGETS,
  installability,
  installBackend,
  parseInstallTarget,
  type Installability,
} from '../../services/installs/backends';
import { defineCommand, optNum, optStr } from '../command';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function mib(n: number): string {
  return `${Math.round(n / 2 ** 20)} MiB`;
}

type DoctorResult =
  | (BackendReport & { description?: string; webgpuWarnings?: string[]; installable: Installability[] })
  | { install: { target: string; ok: true; line: string } };

export default defineCommand({
  path: ['doctor'],
  summary:
    'report the compute backend Espalier uses here (CUDA, WebGPU, native CPU, WebAssembly, JS) and why; install optional ones',
  options: [
    {
      name: 'backend',
      kind: 'string',
      metavar: 'NAME',
      description: 'try only this backend: node-gpu | webgpu | node | wasm | cpu (default: auto)',
    },
    { name: 'threads', kind: 'number', metavar: 'N', description: 'compute threads (default: every CPU)' },
    {
      name: 'install',
      kind: 'string',
      metavar: 'NAME',
      description: `install an optional backend: ${INSTALL_TARGETS.join(' | ')} (npm install, then its own installer)`,
    },
  ],
  async run(opts, _pos, ctx): Promise<DoctorResult> {
    const target = optStr(opts, 'install');
    if (target !== undefined) {
      let t;
      try {
        t = parseInstallTarget(target);
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      const r = await installBackend(t, { root: ROOT, onLine: (l) => ctx.log(l) });
      if (!r.ok) throw new UserError(r.line);
      return { install: { target: t, ok: true, line: r.line } };
    }
    const report = await initBackend({
      backend: parseBackendName(optStr(opts, 'backend')),
      threads: optNum(opts, 'threads'),
    });
    return {
      ...report,
      description: describeBackend(report),
      webgpuWarnings: peekWebgpuProbe()?.warnings ?? [],
      installable: INSTALL_TARGETS.map((t) => installability(t, ROOT)),
    };
  },
  human(result) {
    const r = result as DoctorResult;
    if ('install' in r) return r.install.line;
    const lines = [`backend: ${r.description ?? r.backend}`];
    for (const t of r.tried) lines.push(`  ${t.ok ? 'ok  ' : 'no  '} ${t.name.padEnd(8)} ${t.reason}`);
    lines.push(`gpus: ${r.gpus.length > 0 ? r.gpus.join(', ') : 'none'}`);
    if (r.adapter) {
      const l = r.adapter.limits;
      lines.push(`webgpu adapter: ${adapterName(r.adapter)}${r.backend === 'webgpu' ? '' : ' (not in use)'}`);
      lines.push(
        `  limits: buffer ${mib(l.maxBufferSize)}, storage binding ${mib(l.maxStorageBufferBindingSize)}, workgroup memory ${l.maxComputeWorkgroupStorageSize} B, ${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup`,
      );
      lines.push(`  ${gpuPathLine(r.adapter)}`);
    }
    if (r.wasm)
      lines.push(
        `wasm: simd ${r.wasm.simd ? 'yes' : 'no'}, ${r.wasm.threads} thread(s)${r.wasm.threadsReason ? ` (${r.wasm.threadsReason})` : ''}`,
      );
    if (r.native)
      lines.push(
        r.native.ok
          ? `native kernel: ${r.native.isa}, ${r.native.threads} thread(s) (this CPU runs: ${r.native.kernels.join(', ')}; ESPALIER_KERNEL picks one)`
          : `native kernel: not in use (${r.native.reason})`,
      );
    if (r.native?.ok) lines.push(`native ops: ${nativeOpsLine()}`);
    const threads = r.native?.ok ? r.native.threads : (r.wasm?.threads ?? 1);
    lines.push(`compute threads: ${threads}`);
    // Dawn's own warnings, captured by the one quiet probe: said here, never on every command.
    if (r.webgpuWarnings && r.webgpuWarnings.length > 0) {
      lines.push('webgpu probe: Dawn and the Vulkan loader said (kept out of the output of every other command):');
      for (const w of r.webgpuWarnings) lines.push(`  ${w}`);
    }
    lines.push('optional backends (espalier doctor --install NAME):');
    for (const i of r.installable)
      lines.push(
        `  ${i.installed ? 'installed  ' : i.installable ? 'installable' : 'not here   '} ${i.target.padEnd(8)} ${i.reason}`,
      );
    return lines.join('\n');
  },
});
