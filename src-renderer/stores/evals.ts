// Evaluation results of the open project, starting eval runs, and the per-item browser's page.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { InvokeRequest, InvokeResponse } from '../../src-shared/contract';
import type { EvalResult } from '../../src-shared/domain';
import { api } from '../api';
import { useRunsStore } from './runs';

export const PAGE = 20;

export const useEvalsStore = defineStore('evals', () => {
  const list = ref<EvalResult[]>([]);
  const itemsFor = ref<string | null>(null);
  const items = ref<InvokeResponse<'evals.items'> | null>(null);
  const itemsOffset = ref(0);

  async function load(projectId: string | null): Promise<void> {
    list.value = projectId ? await api().invoke('evals.list', { projectId }) : [];
  }

  async function start(req: InvokeRequest<'evals.start'>): Promise<string> {
    const { runId } = await api().invoke('evals.start', req);
    await useRunsStore().refresh(runId);
    return runId;
  }

  async function openItems(evalId: string, offset = 0): Promise<void> {
    const page = await api().invoke('evals.items', { evalId, offset, limit: PAGE });
    itemsFor.value = evalId;
    itemsOffset.value = offset;
    items.value = page;
  }

  function closeItems(): void {
    itemsFor.value = null;
    items.value = null;
  }

  return { list, itemsFor, items, itemsOffset, load, start, openItems, closeItems };
});
