// The composition root of the main side: opens the workspace, wires services, the runs sink and the job
// supervisor, and returns the validated dispatcher plus the event bus. Used by Electron, `serve` and tests.
import { resolve } from 'node:path';
import { processAlive, Workspace, WorkspaceLock } from '../store/index';
import { DatasetsService } from './datasets';
import { createDispatcher, type Dispatcher } from './dispatch';
import { EvalsService } from './evals';
import { FilesService, type FileChooser } from './files';
import { EventBus } from './events';
import { HostPaths, type HostPathMode } from './host-paths';
import { contractHandlers } from './handlers';
import { Supervisor } from './jobs/supervisor';
import { spawnNodeWorker, type WorkerSpawner } from './jobs/worker-process';
import { MergeService } from './merge';
import { ModelsService } from './models';
import { PlaygroundService } from './playground';
import { ProjectsService } from './projects';
import { RunsService } from './runs';
import { StudiesService } from './studies';
import { SubstratesService } from './substrates';
import { InstallsService } from './installs/service';
import { SystemService } from './system';
import { BackendChoiceService } from './backend-choice';
import { TrainingService } from './training';
import { userMessage, workspaceNames } from './user-names';
import { browserRoots, pathHider } from './client-paths';
import { appDataDir } from '../engine/util/app-data';
import { fileURLToPath } from 'node:url';

export interface AppOptions {
  /** How worker processes start: a Node child process by default; Electron passes a utilityProcess spawner. */
  spawn?: WorkerSpawner;
  mode?: 'electron' | 'browser';
  /**
   * Host paths clients may name: 'refuse' (browser default: clients upload), 'granted' (Electron default: only
   * paths the native dialog returned), 'any' (trusted in-process callers: tests, the demo).
   */
  hostPaths?: HostPathMode;
  /** How long a job may take to honour cancel/pause before its worker is killed (default 30 s). */
  graceMs?: number;
  /** Per-run metric event interval (default 100 ms, i.e. ≤ 10 events/s). */
  metricIntervalMs?: number;
  checkpointEverySteps?: number;
  checkpointEverySeconds?: number;
  /** Whether a process still exists (tests inject one); recovery leaves runs whose worker is alive alone. */
  isAlive?: (pid: number) => boolean;
  /** Electron: the native file dialog (main side); its answers are the only host paths accepted afterwards. */
  chooseFile?: FileChooser;
  /** Diagnostics (default: stderr). */
  log?: (line: string) => void;
}

export interface App {
  dispatcher: Dispatcher;
  /** Electron main grants the paths its native file dialog returned. */
  hostPaths: HostPaths;
  events: EventBus;
  supervisor: Supervisor;
  workspace: Workspace;
  /** This instance's exclusive hold on the workspace, released by close(). */
  lock: WorkspaceLock;
  runs: RunsService;
  /** What startup recovery did: runs interrupted by a crash (now failed, resumable) and runs queued again. */
  recovered: { failed: string[]; requeued: string[]; waiting: string[] };
  /** What a client may be shown of a value (replies and events): browser mode hides host paths (client-paths.ts). */
  forClient<T>(value: T): T;
  /** Pauses the running job (it checkpoints), flushes metrics and closes the database; safe to call twice. */
  close(): Promise<void>;
}

export function createApp(workspaceDir: string, opts: AppOptions = {}): App {
  const log = opts.log ?? ((line: string) => process.stderr.write(`espalier: ${line}\n`));
  const mode = opts.mode ?? 'browser';
  // Before the database opens: a second instance must not migrate, recover or requeue anything.
  const lock = WorkspaceLock.acquire(resolve(workspaceDir), mode === 'browser' ? 'espalier serve' : 'the Espalier app');
  const releaseOnExit = () => lock.release();
  process.once('exit', releaseOnExit);
  let workspace: Workspace;
  try {
    workspace = Workspace.open(workspaceDir);
  } catch (err) {
    lock.release();
    process.off('exit', releaseOnExit);
    throw err;
  }
  const events = new EventBus((channel, message) => log(`dropped invalid ${channel} event: ${message}`));
  const runs = new RunsService(workspace, events, { metricIntervalMs: opts.metricIntervalMs, log });
  const spawn = opts.spawn ?? spawnNodeWorker;
  // Every worker starts with the workspace's backend choice; jobs never see a choice changed under them.
  const backends: BackendChoiceService = new BackendChoiceService(workspace, spawn, (): Supervisor => supervisor);
  const supervisor: Supervisor = new Supervisor({
    workspace: workspace.root,
    spawn: () => spawn({ env: backends.workerEnv() }),
    sink: runs,
    graceMs: opts.graceMs,
  });
  runs.attach(supervisor);

  const hostPaths = new HostPaths(
    opts.hostPaths ?? (mode === 'browser' ? 'refuse' : 'granted'),
    workspace.paths.exportsDir,
  );
  const ctx = {
    ws: workspace,
    bus: events,
    runs,
    hostPaths,
    checkpointEverySteps: opts.checkpointEverySteps,
    checkpointEverySeconds: opts.checkpointEverySeconds,
  };
  const models = new ModelsService(ctx);
  const playground = new PlaygroundService(ctx, () => backends.choice().backend);
  models.onChanged = (id) => playground.forget(id);
  backends.onChanged = () => playground.clear();
  const services = {
    system: new SystemService(ctx, mode, backends),
    files: new FilesService(ctx, opts.chooseFile),
    projects: new ProjectsService(ctx),
    datasets: new DatasetsService(ctx),
    substrates: new SubstratesService(ctx),
    runs,
    training: new TrainingService(ctx, () => backends.choice().backend),
    models,
    merge: new MergeService(ctx, models),
    evals: new EvalsService(ctx),
    playground,
    studies: new StudiesService(ctx),
    installs: new InstallsService(events),
  };
  // Clients that may not name host paths are not shown any either (serve); trusted in-process callers see them.
  const forClient =
    hostPaths.mode === 'refuse'
      ? pathHider(browserRoots(workspace.root, appDataDir(), fileURLToPath(new URL('../../', import.meta.url))))
      : <T>(v: T) => v;
  const inner = createDispatcher(
    contractHandlers(services),
    (channel, err) => log(`${channel} failed: ${(err as Error)?.stack ?? String(err)}`),
    workspace.paths.dbFile,
    (message) => userMessage(message, workspaceNames(workspace)),
  );
  const dispatcher: Dispatcher = {
    dispatch: async (channel, payload) => forClient(await inner.dispatch(channel, payload)),
  };
  const recovered = runs.recover(opts.isAlive ?? processAlive);
  if (recovered.failed.length > 0)
    log(`marked ${recovered.failed.length} interrupted run(s) failed; they can be resumed`);

  let closing: Promise<void> | null = null;
  return {
    dispatcher,
    hostPaths,
    events,
    supervisor,
    workspace,
    lock,
    runs,
    recovered,
    forClient,
    close() {
      closing ??= (async () => {
        await supervisor.shutdown();
        runs.flush();
        runs.dispose();
        playground.clear();
        workspace.close();
        lock.release();
        process.off('exit', releaseOnExit);
      })();
      return closing;
    },
  };
}
