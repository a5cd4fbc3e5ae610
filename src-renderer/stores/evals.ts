// Evaluation results of the open project, starting eval runs, the per-item browser's page, and the Evaluate
// view's state per project (form, filters, depth chart, the run being watched), kept across navigation.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { InvokeRequest, InvokeResponse } from '../../src-shared/contract';
import type { EvalResult } from '../../src-shared/domain';
import { api } from '../api';
import { NO_FILTERS, type EvalFilters } from '../components/evaluate/matrix';
import { useRunsStore } from './runs';

export const PAGE = 20;

export type ItemsView = 'scored' | 'left-out';

export interface EvalForm {
  modelIds: string[];
  datasetId: string;
  task: EvalResult['task'];
  protocol: EvalResult['protocol'];
  runs: number;
  limit: number | '';
  seed: number;
  pair: string;
}

/** The depth chart's choice: which growth run, and which task + protocol + dataset column ('' = the form's). */
export interface DepthChoice {
  runId: string;
  column: string;
}

export interface EvaluateViewState {
  form: EvalForm;
  filters: EvalFilters;
  depth: DepthChoice;
  /** The eval run whose progress the form shows. */
  watchRunId: string | null;
}

export function freshViewState(): EvaluateViewState {
  return {
    form: { modelIds: [], datasetId: '', task: 'mc', protocol: 'loglik', runs: 10, limit: '', seed: 1, pair: '' },
    filters: { ...NO_FILTERS, modelIds: [] },
    depth: { runId: '', column: '' },
    watchRunId: null,
  };
}

export const useEvalsStore = defineStore('evals', () => {
  const list = ref<EvalResult[]>([]);
  const itemsFor = ref<string | null>(null);
  const items = ref<InvokeResponse<'evals.items'> | null>(null);
  const itemsOffset = ref(0);
  const itemsView = ref<ItemsView>('scored');
  /** Evaluate's view state by project id (a project never opened has none yet). */
  const views = ref<Record<string, EvaluateViewState>>({});

  /** The view state of a project, created on first use; the same object every time, so edits persist. */
  function viewFor(projectId: string | null): EvaluateViewState {
    const key = projectId ?? '';
    if (!views.value[key]) views.value[key] = freshViewState();
    return views.value[key]!;
  }

  async function load(projectId: string | null): Promise<void> {
    list.value = projectId ? await api().invoke('evals.list', { projectId }) : [];
    if (itemsFor.value && !list.value.some((r) => r.id === itemsFor.value)) closeItems();
  }

  async function start(req: InvokeRequest<'evals.start'>): Promise<string> {
    const { runId } = await api().invoke('evals.start', req);
    await useRunsStore().refresh(runId);
    return runId;
  }

  async function openItems(
    evalId: string,
    offset = 0,
    view: ItemsView = evalId === itemsFor.value ? itemsView.value : 'scored',
  ): Promise<void> {
    const page = await api().invoke('evals.items', { evalId, offset, limit: PAGE, view });
    itemsFor.value = evalId;
    itemsOffset.value = offset;
    itemsView.value = view;
    items.value = page;
  }

  function closeItems(): void {
    itemsFor.value = null;
    items.value = null;
  }

  return { list, itemsFor, items, itemsOffset, itemsView, views, viewFor, load, start, openItems, closeItems };
});
