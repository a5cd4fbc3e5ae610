// Projects: the list, which one is open (remembered across reloads), and create/demo/rename/delete.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Project } from '../../src-shared/domain';
import { api } from '../api';
import { loadPref, savePref } from './persist';
import { useRunsStore } from './runs';

export const useProjectsStore = defineStore('projects', () => {
  const list = ref<Project[]>([]);
  const currentId = ref<string | null>(loadPref('project'));
  const loaded = ref(false);
  const current = computed(() => list.value.find((p) => p.id === currentId.value) ?? null);

  watch(currentId, (id) => savePref('project', id));

  async function load(): Promise<void> {
    list.value = await api().invoke('projects.list', {});
    loaded.value = true;
    if (!list.value.some((p) => p.id === currentId.value)) currentId.value = list.value[0]?.id ?? null;
  }

  function open(id: string): void {
    currentId.value = id;
  }

  function replace(p: Project): void {
    const i = list.value.findIndex((q) => q.id === p.id);
    if (i >= 0) list.value.splice(i, 1, p);
    else list.value.push(p);
  }

  async function create(name: string, description = ''): Promise<Project> {
    const p = await api().invoke('projects.create', { name, description });
    replace(p);
    open(p.id);
    return p;
  }

  /** Creates a project with the built-in demo world's datasets; the world run's progress is shown by its view. */
  async function createDemo(
    name: string,
    scale: 'quick' | 'default' = 'quick',
  ): Promise<{ project: Project; runId: string }> {
    const r = await api().invoke('projects.createDemo', { name, scale });
    replace(r.project);
    open(r.project.id);
    await useRunsStore().refresh(r.runId);
    return r;
  }

  async function rename(id: string, name: string): Promise<void> {
    replace(await api().invoke('projects.rename', { id, name }));
  }

  async function remove(id: string): Promise<void> {
    await api().invoke('projects.delete', { id });
    list.value = list.value.filter((p) => p.id !== id);
    if (currentId.value === id) currentId.value = list.value[0]?.id ?? null;
  }

  async function setSubstrate(substrateId: string | null): Promise<void> {
    if (!currentId.value) return;
    replace(await api().invoke('projects.setSubstrate', { id: currentId.value, substrateId }));
  }

  return { list, currentId, current, loaded, load, open, create, createDemo, rename, remove, setSubstrate };
});
