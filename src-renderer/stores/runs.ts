// Runs (jobs) of the open project: status from 'runs.list' / 'run.updated', live metrics as columnar series in
// shallowRefs (appended from 'run.metrics', one reactive update per batch), and a short live log tail per run.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, type ShallowRef } from 'vue';
import type { InvokeRequest } from '../../src-shared/contract';
import type { MetricPoint, MetricSeries } from '../../src-shared/domain';
import type { Run } from '../../src-shared/runs';
import { api } from '../api';
import { compactSeries, type Series } from '../charts/downsample';

export type RunSeries = Record<string, Series>;

/** Stored points per series before it is compacted by min/max bucketing (display takes ~2k of them). */
export const MAX_STORED_POINTS = 300_000;
const MAX_LOG_LINES = 400;
const TERMINAL = new Set(['done', 'failed', 'cancelled']);

export function isTerminal(run: Pick<Run, 'status'>): boolean {
  return TERMINAL.has(run.status);
}

/** Live metrics per run: columnar series in shallowRefs, fetched once, then appended from the stream. */
function runMetrics() {
  const metrics = new Map<string, ShallowRef<RunSeries>>();
  const loadedMetrics = new Set<string>();
  /** Bumped when streamed points may have been missed (reconnect); views refetch the runs they show. */
  const metricsEpoch = ref(0);

  /** The reactive series map of a run (created empty on first use; components read `.value`). */
  function seriesOf(runId: string): ShallowRef<RunSeries> {
    let s = metrics.get(runId);
    if (!s) metrics.set(runId, (s = shallowRef<RunSeries>({})));
    return s;
  }

  /** Fetches stored metrics, keeping any streamed points that arrived after the fetched range. */
  async function loadMetrics(runId: string, force = false): Promise<void> {
    if (loadedMetrics.has(runId) && !force) return;
    const fetched = await api().invoke('runs.metrics', { runId });
    loadedMetrics.add(runId);
    const ref = seriesOf(runId);
    const next: RunSeries = {};
    for (const ms of fetched) next[ms.name] = mergeFetched(ms, ref.value[ms.name]);
    for (const [name, s] of Object.entries(ref.value)) if (!next[name]) next[name] = s;
    ref.value = next;
  }

  /** Appends one streamed batch; points at or before a series' last step are duplicates and skipped. */
  function appendMetrics(runId: string, points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    const ref = seriesOf(runId);
    ref.value = appendPoints(ref.value, points);
  }

  /** After a reconnect, streamed points may have been missed: refetch what was loaded. */
  function invalidateMetrics(): void {
    loadedMetrics.clear();
    metricsEpoch.value++;
  }
  return { metricsEpoch, seriesOf, loadMetrics, appendMetrics, invalidateMetrics };
}

/** A short live log tail per run: the stored log fetched once, streamed lines appended without repeats. */
function runLogs() {
  const logs = shallowRef<Record<string, string[]>>({});
  /** Highest stored line number seen per run: a streamed line at or below it came with a fetch already. */
  const logSeq = new Map<string, number>();

  function appendLog(runId: string, line: string, seq?: number): void {
    if (seq !== undefined) {
      if (seq <= (logSeq.get(runId) ?? 0)) return;
      logSeq.set(runId, seq);
    }
    const cur = logs.value[runId] ?? [];
    logs.value = { ...logs.value, [runId]: [...cur.slice(-(MAX_LOG_LINES - 1)), line] };
  }

  /** Fetches the run's stored log (it outlives reloads and restarts); lines streamed meanwhile are kept once. */
  async function loadLogs(runId: string): Promise<void> {
    const stored = await api().invoke('runs.logs', { runId });
    const last = stored.at(-1)?.seq ?? 0;
    const known = logSeq.get(runId) ?? 0;
    // Lines streamed after the fetched tail stay; anything up to it comes from the store, in order.
    const streamedAfter = known > last ? (logs.value[runId] ?? []).slice(-(known - last)) : [];
    logSeq.set(runId, Math.max(known, last));
    logs.value = { ...logs.value, [runId]: [...stored.map((l) => l.line), ...streamedAfter].slice(-MAX_LOG_LINES) };
  }
  return { logs, appendLog, loadLogs };
}

export const useRunsStore = defineStore('runs', () => {
  const byId = ref<Record<string, Run>>({});
  const projectId = ref<string | null>(null);

  const list = computed(() =>
    Object.values(byId.value)
      .filter((r) => r.projectId === projectId.value)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
  );

  function latest(kinds: readonly Run['kind'][]): Run | null {
    return list.value.find((r) => kinds.includes(r.kind)) ?? null;
  }

  async function load(pid: string | null): Promise<void> {
    projectId.value = pid;
    if (!pid) return;
    const runs = await api().invoke('runs.list', { projectId: pid });
    const next: Record<string, Run> = {};
    for (const r of Object.values(byId.value)) if (r.projectId !== pid) next[r.id] = r;
    for (const r of runs) next[r.id] = r;
    byId.value = next;
  }

  function upsert(run: Run): void {
    byId.value = { ...byId.value, [run.id]: run };
  }

  async function refresh(id: string): Promise<Run> {
    const run = await api().invoke('runs.get', { id });
    upsert(run);
    return run;
  }

  async function startGrow(req: InvokeRequest<'runs.startGrow'>): Promise<string> {
    const { runId } = await api().invoke('runs.startGrow', req);
    await refresh(runId);
    return runId;
  }

  async function startTrain(req: InvokeRequest<'runs.startTrain'>): Promise<string> {
    const { runId } = await api().invoke('runs.startTrain', req);
    await refresh(runId);
    return runId;
  }

  async function control(action: 'cancel' | 'pause' | 'resume', id: string): Promise<void> {
    upsert(await api().invoke(`runs.${action}`, { id }));
  }

  const { metricsEpoch, seriesOf, loadMetrics, appendMetrics, invalidateMetrics } = runMetrics();
  const { logs, appendLog, loadLogs } = runLogs();
  return {
    byId,
    list,
    logs,
    metricsEpoch,
    latest,
    load,
    upsert,
    refresh,
    startGrow,
    startTrain,
    control,
    seriesOf,
    loadMetrics,
    appendMetrics,
    appendLog,
    loadLogs,
    invalidateMetrics,
  };
});

/** The series map with a streamed batch appended (columns grow in place; touched series get new wrappers). */
function appendPoints(current: RunSeries, points: readonly MetricPoint[]): RunSeries {
  const map: RunSeries = { ...current };
  const touched = new Set<string>();
  for (const p of points) {
    let s = map[p.name];
    if (!s) map[p.name] = s = { steps: [], values: [], t: [] };
    const last = s.steps.length > 0 ? s.steps[s.steps.length - 1]! : -Infinity;
    if (p.step <= last) continue;
    s.steps.push(p.step);
    s.values.push(p.value);
    s.t.push(p.t);
    touched.add(p.name);
  }
  // The arrays grow in place (no copying of long columns); only the small wrappers are new, so computeds
  // that pick one series out of the map see a changed value and propagate.
  for (const name of touched) {
    const s = map[name]!;
    map[name] =
      s.steps.length > MAX_STORED_POINTS
        ? compactSeries(s, MAX_STORED_POINTS / 2)
        : { steps: s.steps, values: s.values, t: s.t };
  }
  return map;
}

function mergeFetched(ms: MetricSeries, live: Series | undefined): Series {
  const s: Series = { steps: [...ms.steps], values: [...ms.values], t: [...ms.t] };
  if (!live) return s;
  const lastStep = s.steps.length > 0 ? s.steps[s.steps.length - 1]! : -Infinity;
  for (let i = 0; i < live.steps.length; i++) {
    if (live.steps[i]! <= lastStep) continue;
    s.steps.push(live.steps[i]!);
    s.values.push(live.values[i]!);
    s.t.push(live.t[i]!);
  }
  return s;
}
