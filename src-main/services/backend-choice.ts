// The workspace's compute-backend choice: persisted in settings.json, handed to every worker process as
// ESPALIER_BACKEND, probed in a fresh worker for the System view, and changed only while no job runs or waits.
import { BackendChoice, type WorkspaceSettings } from '../../src-shared/settings';
import { ConflictError, UserError } from '../common/errors';
import { readSettings, writeSettings, type Workspace } from '../store/index';
import type { BackendProbeResult } from '../worker/job-types';
import { probeWorkerBackend } from './jobs/probe';
import type { Supervisor } from './jobs/supervisor';
import type { WorkerSpawner } from './jobs/worker-process';

export type ChoiceSource = 'workspace' | 'environment' | 'default';

export class BackendChoiceService {
  private report: Promise<BackendProbeResult> | null = null;
  /** Called after the choice changed (main's playground drops models loaded on the old backend). */
  onChanged: (() => void) | null = null;

  constructor(
    private readonly ws: Workspace,
    private readonly spawn: WorkerSpawner,
    private readonly supervisor: () => Supervisor,
  ) {}

  /** The choice in force: the workspace's setting, else ESPALIER_BACKEND, else 'auto'. */
  choice(): { backend: BackendChoice; source: ChoiceSource } {
    const saved = readSettings(this.ws.paths.settingsFile).backend;
    if (saved) return { backend: saved, source: 'workspace' };
    const env = process.env['ESPALIER_BACKEND'];
    if (env) {
      const parsed = BackendChoice.safeParse(env);
      if (!parsed.success)
        throw new UserError(`ESPALIER_BACKEND must be one of ${BackendChoice.options.join(', ')}; got "${env}"`);
      return { backend: parsed.data, source: 'environment' };
    }
    return { backend: 'auto', source: 'default' };
  }

  /** What a worker's environment gets: the workspace's choice overrides an inherited ESPALIER_BACKEND. */
  workerEnv(): Record<string, string> {
    const saved = readSettings(this.ws.paths.settingsFile).backend;
    return saved ? { ESPALIER_BACKEND: saved } : {};
  }

  /** The backend a worker starts with the current choice (probed once, again on `refresh` or a change). */
  probe(refresh = false): Promise<BackendProbeResult> {
    if (refresh || !this.report) {
      const p = probeWorkerBackend(this.spawn, { env: this.workerEnv(), workspace: this.ws.root });
      this.report = p;
      p.catch(() => {
        if (this.report === p) this.report = null;
      });
    }
    return this.report;
  }

  /**
   * Saves a new choice once a worker started with it reports a running backend; a choice that cannot start here
   * (webgpu without an adapter, an uninstalled package) is refused and the saved one kept.
   */
  async set(backend: BackendChoice): Promise<BackendProbeResult> {
    this.requireIdle();
    const before: WorkspaceSettings = readSettings(this.ws.paths.settingsFile);
    const report = await probeWorkerBackend(this.spawn, {
      env: { ESPALIER_BACKEND: backend },
      workspace: this.ws.root,
    });
    if (report.backend === 'none') {
      const why = report.tried.map((t) => t.reason).join('; ');
      throw new UserError(
        `the ${backend} backend cannot start here (${why}); the backend stays ${before.backend ?? this.choice().backend}`,
      );
    }
    // A job may have been queued while the probe ran: it must not start on one backend and record another.
    this.requireIdle();
    writeSettings(this.ws.paths.settingsFile, { backend });
    this.report = Promise.resolve(report);
    this.onChanged?.();
    return report;
  }

  private requireIdle(): void {
    const s = this.supervisor();
    // A job that already reported its end is only waiting for its process to exit: no longer in the way.
    const ids = [s.activeRunId, ...s.queuedRunIds()].filter((id): id is string => id !== null);
    const run = ids
      .map((id) => this.ws.runs.get(id))
      .find((r) => !r || r.status === 'running' || r.status === 'queued');
    if (run === undefined) return;
    const what = run ? `the ${run.kind} run${run.name ? ` "${run.name}"` : ''}` : 'a job';
    throw new ConflictError(
      `the compute backend cannot change while ${what} is running or queued; wait for it to finish, or pause or cancel it, then choose again`,
    );
  }
}
