// The model catalog of the open project: experts, growth stages and merges, with rename/delete/export/import.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ModelFolderFormat } from '../../src-shared/contract';
import type { ModelEntry } from '../../src-shared/domain';
import { api } from '../api';

export const useModelsStore = defineStore('models', () => {
  const list = ref<ModelEntry[]>([]);
  const byId = computed(() => new Map(list.value.map((m) => [m.id, m])));
  /** Models a merge may take as experts: anything trained (a whole model or one growth stage). */
  const experts = computed(() => list.value.filter((m) => m.kind !== 'merge'));

  async function load(projectId: string | null): Promise<void> {
    list.value = projectId ? await api().invoke('models.list', { projectId }) : [];
  }

  function nameOf(id: string): string {
    return byId.value.get(id)?.name ?? id;
  }

  async function rename(id: string, name: string): Promise<void> {
    const m = await api().invoke('models.rename', { id, name });
    list.value = list.value.map((x) => (x.id === id ? m : x));
  }

  async function remove(id: string): Promise<void> {
    await api().invoke('models.delete', { id });
    list.value = list.value.filter((x) => x.id !== id);
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

  return { list, byId, experts, load, nameOf, rename, remove, exportTo, importFrom, add };
});
