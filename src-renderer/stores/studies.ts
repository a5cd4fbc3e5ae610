// Studies of the open project: the list from 'studies.list', each opened study's detail (finished runs and the
// comparison) from 'studies.get', refreshed when 'studies.changed' says a study moved on.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StudySpecInput } from '../../src-shared/study';
import type { Study, StudyDetail } from '../../src-shared/study-records';
import { api } from '../api';
import { useModelsStore } from './models';

export const useStudiesStore = defineStore('studies', () => {
  const list = ref<Study[]>([]);
  const details = ref<Record<string, StudyDetail>>({});
  const projectId = ref<string | null>(null);
  const byId = computed(() => new Map(list.value.map((s) => [s.id, s])));

  async function load(pid: string | null): Promise<void> {
    projectId.value = pid;
    list.value = pid ? await api().invoke('studies.list', { projectId: pid }) : [];
  }

  function upsert(s: Study): void {
    list.value = list.value.some((x) => x.id === s.id)
      ? list.value.map((x) => (x.id === s.id ? s : x))
      : [...list.value, s];
  }

  /** Fetches one study with its finished runs and comparison. */
  async function refresh(id: string): Promise<StudyDetail> {
    const d = await api().invoke('studies.get', { id });
    details.value = { ...details.value, [id]: d };
    const { arms: _arms, comparison: _comparison, comparisonNote: _note, ...study } = d;
    upsert(study);
    return d;
  }

  async function create(pid: string, spec: StudySpecInput): Promise<Study> {
    const s = await api().invoke('studies.create', { projectId: pid, spec });
    upsert(s);
    return s;
  }

  async function start(id: string): Promise<void> {
    upsert(await api().invoke('studies.start', { id }));
  }

  async function cancel(id: string): Promise<void> {
    upsert(await api().invoke('studies.cancel', { id }));
  }

  async function remove(id: string): Promise<void> {
    await api().invoke('studies.delete', { id });
    list.value = list.value.filter((s) => s.id !== id);
    const { [id]: _gone, ...rest } = details.value;
    details.value = rest;
  }

  async function exportTo(id: string, dest: string, format: 'csv' | 'markdown'): Promise<string> {
    return (await api().invoke('studies.export', { id, dest, format })).path;
  }

  /** A 'studies.changed' event: the list reloads; an opened study refetches its detail. */
  /** A study's model joins the pickers (promoted) or goes back under its study; the catalog reloads. */
  async function promote(modelId: string, promoted: boolean, projectId: string): Promise<void> {
    await api().invoke('studies.promote', { modelId, promoted });
    await useModelsStore().load(projectId);
  }

  async function onChanged(e: { projectId: string; studyId: string }): Promise<void> {
    if (e.projectId !== projectId.value) return;
    await load(e.projectId);
    if (details.value[e.studyId] && byId.value.has(e.studyId)) await refresh(e.studyId);
  }

  return { list, details, byId, load, refresh, create, start, cancel, remove, exportTo, promote, onChanged };
});
