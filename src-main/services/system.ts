// App and system information: version and mode, the compute backend a worker starts (and why the others were not
// used), the workspace's backend choice, memory. Main never loads Dawn; the backend report comes from a worker.
import { readFileSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { InvokeResponse } from '../../src-shared/contract';
import type { BackendChoice } from '../../src-shared/settings';
import type { BackendProbeResult } from '../worker/job-types';
import type { BackendChoiceService } from './backend-choice';
import type { ServiceContext } from './context';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
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
    private readonly backends: BackendChoiceService,
  ) {}

  appInfo(): InvokeResponse<'app.info'> {
    return { name: 'Espalier', version: this.version, mode: this.mode };
  }

  async systemInfo(req: { refresh?: boolean } = {}): Promise<InvokeResponse<'system.info'>> {
    return this.info(await this.backends.probe(req.refresh ?? false));
  }

  /** Saves the workspace's backend choice (refused while a job runs) and reports the worker started with it. */
  async setBackend(req: { backend: BackendChoice }): Promise<InvokeResponse<'system.info'>> {
    return this.info(await this.backends.set(req.backend));
  }

  private info(r: BackendProbeResult): InvokeResponse<'system.info'> {
    const versions: Record<string, string> = {
      espalier: this.version,
      node: process.versions.node,
      v8: process.versions.v8,
      'tfjs-core': tf.version_core,
    };
    const electron = (process.versions as Record<string, string | undefined>)['electron'];
    if (electron) versions['electron'] = electron;
    return {
      ...r,
      choice: this.backends.choice(),
      probedIn: 'worker',
      memory: { rssBytes: process.memoryUsage.rss(), totalBytes: totalmem(), freeBytes: freemem() },
      versions,
      workspace: this.c.ws.root,
    };
  }
}
