// Substrates of the open project: list, build (a run), label, delete, and glyph lookups for the viewer.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { InvokeRequest, InvokeResponse } from '../../src-shared/contract';
import type { Substrate } from '../../src-shared/domain';
import { api } from '../api';
import { useRunsStore } from './runs';

export type Lookup = InvokeResponse<'substrates.lookup'>;

export const useSubstratesStore = defineStore('substrates', () => {
  const list = ref<Substrate[]>([]);

  async function load(projectId: string | null): Promise<void> {
    list.value = projectId ? await api().invoke('substrates.list', { projectId }) : [];
  }

  async function build(req: InvokeRequest<'substrates.build'>): Promise<string> {
    const { runId } = await api().invoke('substrates.build', req);
    await useRunsStore().refresh(runId);
    return runId;
  }

  /** Names the substrate in every picker ('' clears the label). */
  async function setLabel(projectId: string, id: string, label: string): Promise<void> {
    const s = await api().invoke('substrates.setLabel', { projectId, id, label });
    list.value = list.value.map((x) => (x.id === id ? s : x));
  }

  /** Deletes an unused substrate; returns the bytes freed. */
  async function remove(projectId: string, id: string): Promise<number> {
    const { freedBytes } = await api().invoke('substrates.delete', { id });
    await load(projectId);
    return freedBytes;
  }

  function lookup(substrateId: string, token: string): Promise<Lookup> {
    return api().invoke('substrates.lookup', { substrateId, token });
  }

  return { list, load, build, setLabel, remove, lookup };
});
