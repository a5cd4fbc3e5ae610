// The model catalog of the open project: experts, growth stages and merges, with rename/delete/export/import.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DiskUsage, ModelFolderFormat } from '../../src-shared/contract';
import type { ModelEntry } from '../../src-shared/domain';
import { isStudyModel } from '../../src-shared/study-records';
import { api } from '../api';

export const useModelsStore = defineStore('models', () => {
  const list = ref<ModelEntry[]>([]);
  /** Disk use of the project's models and the substrates they share; null until loaded. */
  const disk = ref<DiskUsage | null>(null);
  let loadedFor: string | null = null;
  const byId = computed(() => new Map(list.value.map((m) => [m.id, m])));
  /** What the Merge, Playground and Evaluate pickers offer: a study's models only once promoted (Catalog keeps the rest). */
  const pickable = computed(() => list.value.filter((m) => !isStudyModel(m)));
  /** Models a merge may take as experts: anything trained (a whole model or one growth stage). */
  const experts = computed(() => pickable.value.filter((m) => m.kind !== 'merge'));

  async function load(projectId: string | null): Promise<void> {
    loadedFor = projectId;
    list.value = projectId ? await api().invoke('models.list', { projectId }) : [];
    await refreshDisk();
  }

  async function refreshDisk(): Promise<void> {
    const projectId = loadedFor;
    const d = projectId ? await api().invoke('models.disk', { projectId }) : null;
    if (projectId === loadedFor) disk.value = d;
  }

  function nameOf(id: string): string {
    return byId.value.get(id)?.name ?? id;
  }

  async function rename(id: string, name: string): Promise<void> {
    const m = await api().invoke('models.rename', { id, name });
    list.value = list.value.map((x) => (x.id === id ? m : x));
  }

  /** Deletes the model; returns what that freed (its folder, and its substrate when it was the last user). */
  async function remove(id: string): Promise<{ freedBytes: number; substrateFreed: boolean }> {
    const r = await api().invoke('models.delete', { id });
    list.value = list.value.filter((x) => x.id !== id);
    await refreshDisk();
    return { freedBytes: r.freedBytes, substrateFreed: r.substrateFreed };
  }

  async function exportTo(id: string, dest: string, format: ModelFolderFormat = 'espalier'): Promise<string> {
    return (await api().invoke('models.export', { id, dest, format })).folder;
  }

  /** Registers a Hugging Face folder on the host as a new model of the project. */
  async function importFrom(projectId: string, from: string, name?: string): Promise<ModelEntry> {
    const m = await api().invoke('models.import', { projectId, from, format: 'hf', ...(name ? { name } : {}) });
    add(m);
    return m;
  }

  function add(m: ModelEntry): void {
    list.value = [...list.value.filter((x) => x.id !== m.id), m];
  }

  return { list, pickable, byId, experts, disk, load, nameOf, rename, remove, exportTo, importFrom, add };
});
