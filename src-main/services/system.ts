// App and system information: version and mode, the compute backend (and why the others were not used), memory.
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { InvokeResponse } from '../../src-shared/contract';
import { initBackend } from '../engine/backend';
import { adapterName } from '../engine/backend-webgpu';
import type { ServiceContext } from './context';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    // Bundled builds (Electron) sit elsewhere relative to package.json; the version is informational.
    return process.env['npm_package_version'] ?? '0.0.0';
  }
}

export class SystemService {
  private readonly version = packageVersion();

  constructor(
    private readonly c: ServiceContext,
    private readonly mode: 'electron' | 'browser',
  ) {}

  appInfo(): InvokeResponse<'app.info'> {
    return { name: 'Espalier', version: this.version, mode: this.mode };
  }

  /** Starts the backend in main if needed (the worker picks the same one: same machine, same rules). */
  async systemInfo(): Promise<InvokeResponse<'system.info'>> {
    const r = await initBackend();
    const versions: Record<string, string> = { espalier: this.version, node: process.versions.node, v8: process.versions.v8, 'tfjs-core': tf.version_core };
    const electron = (process.versions as Record<string, string | undefined>)['electron'];
    if (electron) versions['electron'] = electron;
    return {
      backend: r.backend,
      tried: r.tried.map((t) => ({ name: t.name, ok: t.ok, reason: t.reason })),
      gpus: r.gpus,
      wasm: { simd: r.wasm?.simd ?? false, threads: (r.native?.ok ? r.native.threads : (r.wasm?.threads ?? 1)) > 1 },
      adapter: r.adapter
        ? { name: adapterName(r.adapter), vendor: r.adapter.vendor, architecture: r.adapter.architecture, description: r.adapter.description || r.adapter.device, software: r.adapter.software, limits: { ...r.adapter.limits } }
        : null,
      memory: { rssBytes: process.memoryUsage.rss(), totalBytes: totalmem(), freeBytes: freemem() },
      versions,
      workspace: this.c.ws.root,
    };
  }
}
