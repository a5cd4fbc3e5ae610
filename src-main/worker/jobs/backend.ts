// The compute backend as the worker's jobs start it (ESPALIER_BACKEND, which main sets from the workspace's
// choice), summarised for runs ("which backend trained this") and for the System view's report.
import {
  describeBackend,
  initBackend,
  previewWebgpuAdapter,
  type BackendReport,
  type GpuAdapterReport,
} from '../../engine/backend';
import { peekWebgpuProbe } from '../../engine/webgpu-probe';
import { adapterName } from '../../engine/backend-webgpu';
import type { RunBackend } from '../../../src-shared/settings';
import type { BackendProbeResult } from '../job-types';
import type { JobContext } from '../runtime';

export function runBackend(r: BackendReport): RunBackend {
  const onGpu = r.backend === 'webgpu' && r.adapter !== null;
  return {
    name: r.backend,
    adapter: onGpu ? adapterName(r.adapter!) : null,
    software: onGpu && r.adapter!.software,
    description: backendLine(r),
  };
}

/** The one description of what computes, for the run log, the run panel and the System view (doctor's words). */
export function backendLine(r: BackendReport): string {
  const onGpu = r.backend === 'webgpu' && r.adapter !== null;
  return `${describeBackend(r)}${onGpu ? ` on ${adapterName(r.adapter!)}` : ''}`;
}

/** Starts the backend for a job, logs it and returns both the report and the run's record of it. */
export async function startJobBackend(ctx: JobContext): Promise<{ report: BackendReport; record: RunBackend }> {
  const report = await initBackend();
  const record = runBackend(report);
  ctx.log(`backend: ${record.description ?? report.backend}`);
  return { report, record };
}

/** The System view's report: the backend this worker started and the adapter `webgpu` uses or would use. */
export async function probeBackend(): Promise<BackendProbeResult> {
  let r: BackendReport;
  try {
    r = await initBackend();
  } catch (err) {
    // The choice cannot start here (e.g. webgpu without an adapter): a report saying so, not a failed probe.
    const reason = (err as Error).message;
    const preview = await previewWebgpuAdapter();
    return {
      backend: 'none',
      tried: [{ name: process.env['ESPALIER_BACKEND'] ?? 'auto', ok: false, reason }],
      gpus: [],
      wasm: { simd: false, threads: false },
      adapter: preview.adapter ? adapterReport(preview.adapter) : null,
      adapterNote: preview.reason,
      description: 'none',
      webgpuWarnings: preview.warnings,
    };
  }
  const triedGpu = r.tried.find((t) => t.name === 'webgpu');
  let adapter = r.adapter;
  let adapterNote: string;
  if (r.backend === 'webgpu' && adapter) adapterNote = `in use: ${adapterName(adapter)}`;
  else if (adapter) adapterNote = `not in use: ${triedGpu?.reason ?? adapterName(adapter)}`;
  else if (triedGpu) adapterNote = triedGpu.reason;
  else {
    const preview = await previewWebgpuAdapter();
    adapter = preview.adapter;
    adapterNote = preview.adapter
      ? `not in use (${r.backend} runs): webgpu would use ${adapterName(preview.adapter)}`
      : preview.reason;
  }
  return {
    backend: r.backend,
    tried: r.tried.map((t) => ({ name: t.name, ok: t.ok, reason: t.reason })),
    gpus: r.gpus,
    wasm: { simd: r.wasm?.simd ?? false, threads: (r.native?.ok ? r.native.threads : (r.wasm?.threads ?? 1)) > 1 },
    adapter: adapter ? adapterReport(adapter) : null,
    adapterNote,
    description: backendLine(r),
    webgpuWarnings: peekWebgpuProbe()?.warnings ?? [],
  };
}

function adapterReport(a: GpuAdapterReport): NonNullable<BackendProbeResult['adapter']> {
  return {
    name: adapterName(a),
    vendor: a.vendor,
    architecture: a.architecture,
    description: a.description || a.device,
    software: a.software,
    limits: { ...a.limits },
  };
}
