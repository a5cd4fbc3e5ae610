// App-wide coordination: name/version, boot (connect, load the open project), and routing of main-side
// events into the domain stores. Everything shown is reloaded from the main side; events only update.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { Run } from '../../src-shared/runs';
import { api, errorMessage } from '../api';
import { useDatasetsStore } from './datasets';
import { useInstallsStore } from './installs';
import { useEvalsStore } from './evals';
import { useModelsStore } from './models';
import { usePlaygroundStore } from './playground';
import { useProjectsStore } from './projects';
import { useRunsStore } from './runs';
import { useStudiesStore } from './studies';
import { useSubstratesStore } from './substrates';
import { useSystemStore } from './system';
import { useUiStore } from './ui';

const RUN_LABEL: Record<Run['kind'], string> = {
  train: 'Training',
  grow: 'Growth',
  'merge-preview': 'Merge preview',
  'merge-tune': 'Merge head tuning',
  eval: 'Evaluation',
  import: 'Dataset import',
  substrate: 'Substrate build',
  world: 'Demo world',
  study: 'Study',
};

export const useAppStore = defineStore('app', () => {
  const name = ref('Espalier');
  const version = ref(typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0');
  const booted = ref(false);
  /** Set when the first load failed; the shell shows it with a retry. */
  const loadError = ref<string | null>(null);

  /** Reloads every store of the open project; each part fails on its own so one error hides nothing else. */
  async function reloadProject(): Promise<void> {
    const pid = useProjectsStore().currentId;
    const parts: [string, () => Promise<void>][] = [
      ['datasets', () => useDatasetsStore().load(pid)],
      ['substrates', () => useSubstratesStore().load(pid)],
      ['runs', () => useRunsStore().load(pid)],
      ['models', () => useModelsStore().load(pid)],
      ['evaluations', () => useEvalsStore().load(pid)],
      ['studies', () => useStudiesStore().load(pid)],
    ];
    const results = await Promise.allSettled(parts.map(([, f]) => f()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') useUiStore().toast('error', errorMessage(r.reason), `Loading ${parts[i]![0]}`);
    });
    const valid = new Set(useModelsStore().list.map((m) => m.id));
    usePlaygroundStore().keepOnly(valid);
  }

  async function reloadAll(): Promise<void> {
    loadError.value = null;
    const projects = useProjectsStore();
    const before = projects.currentId;
    try {
      await projects.load();
    } catch (err) {
      loadError.value = errorMessage(err);
      return;
    }
    // A changed selection reloads through the watcher in boot(); loading here too would do it twice.
    if (projects.currentId === before || !booted.value) await reloadProject();
  }

  function onRunUpdated(run: Run, previous: Run | undefined): void {
    const pid = useProjectsStore().currentId;
    if (run.projectId !== pid) return;
    if (run.status === previous?.status) return;
    const ui = useUiStore();
    if (run.status === 'failed')
      ui.toast('error', run.error ?? 'The run failed without a message.', RUN_LABEL[run.kind]);
    if (run.status !== 'done') return;
    ui.toast('success', `${RUN_LABEL[run.kind]} finished.`, RUN_LABEL[run.kind]);
    const reload: Promise<void>[] = [];
    if (run.kind === 'import' || run.kind === 'world') reload.push(useDatasetsStore().load(pid));
    if (run.kind === 'substrate' || run.kind === 'world')
      reload.push(useSubstratesStore().load(pid), useProjectsStore().load());
    if (run.kind === 'train' || run.kind === 'grow' || run.kind === 'world') reload.push(useModelsStore().load(pid));
    if (run.kind === 'eval') reload.push(useEvalsStore().load(pid));
    void Promise.allSettled(reload);
  }

  /** Subscribes event channels; returns the unsubscribe. */
  function bindEvents(): () => void {
    const client = api();
    const runs = useRunsStore();
    const offs = [
      client.on('run.updated', (run) => {
        const prev = runs.byId[run.id];
        runs.upsert(run);
        onRunUpdated(run, prev);
      }),
      client.on('run.metrics', (e) => runs.appendMetrics(e.runId, e.points)),
      client.on('run.log', (e) => runs.appendLog(e.runId, e.line, e.seq)),
      client.on('system.installProgress', (e) => useInstallsStore().onProgress(e)),
      client.on('models.changed', (e) => {
        if (e.projectId === useProjectsStore().currentId)
          void useModelsStore()
            .load(e.projectId)
            .catch(() => undefined);
      }),
      client.on(
        'studies.changed',
        (e) =>
          void useStudiesStore()
            .onChanged(e)
            .catch(() => undefined),
      ),
      client.on('datasets.changed', (e) => {
        if (e.projectId === useProjectsStore().currentId)
          void useDatasetsStore()
            .load(e.projectId)
            .catch(() => undefined);
      }),
      client.onConnection((s) => {
        const system = useSystemStore();
        const before = system.connection;
        system.connection = s;
        // A second open means we were away: streamed events were missed, so rebuild from the main side.
        if (s.status === 'open' && before.status !== 'open' && (s.opens > 1 || loadError.value)) {
          runs.invalidateMetrics();
          void reloadAll();
        }
      }),
    ];
    useSystemStore().connection = client.connection();
    return () => offs.forEach((off) => off());
  }

  async function boot(): Promise<() => void> {
    const unbind = bindEvents();
    const projects = useProjectsStore();
    void useSystemStore().loadAppInfo();
    await reloadAll();
    booted.value = true;
    const stop = watch(
      () => projects.currentId,
      () => void reloadProject(),
    );
    return () => {
      stop();
      unbind();
    };
  }

  return { name, version, booted, loadError, boot, bindEvents, reloadAll, reloadProject };
});
