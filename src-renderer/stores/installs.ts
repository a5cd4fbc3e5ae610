// What can be fetched or installed from the app (GNU Unifont, optional backends), the install running now with its
// output lines and progress, and the last result line per target.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { InstallTarget, Installables } from '../../src-shared/contract';
import { api, errorMessage } from '../api';

export interface InstallState {
  lines: string[];
  fraction: number | null;
  result: { ok: boolean; line: string } | null;
}

export const useInstallsStore = defineStore('installs', () => {
  const list = ref<Installables | null>(null);
  const error = ref<string | null>(null);
  const running = ref<InstallTarget | null>(null);
  const state = shallowRef<Partial<Record<InstallTarget, InstallState>>>({});

  async function load(): Promise<void> {
    try {
      list.value = await api().invoke('system.installables', {});
      running.value = list.value.running;
      error.value = null;
    } catch (err) {
      error.value = errorMessage(err);
    }
  }

  function patch(target: InstallTarget, next: Partial<InstallState>): void {
    const prev = state.value[target] ?? { lines: [], fraction: null, result: null };
    state.value = { ...state.value, [target]: { ...prev, ...next } };
  }

  /** Called for every 'system.installProgress' event. */
  function onProgress(e: { target: InstallTarget; line: string; fraction: number | null }): void {
    const prev = state.value[e.target]?.lines ?? [];
    patch(e.target, {
      lines: [...prev, e.line].slice(-200),
      fraction: e.fraction ?? state.value[e.target]?.fraction ?? null,
    });
  }

  async function install(target: InstallTarget): Promise<void> {
    running.value = target;
    patch(target, { lines: [], fraction: null, result: null });
    try {
      patch(target, { result: await api().invoke('system.install', { target }) });
    } catch (err) {
      patch(target, { result: { ok: false, line: errorMessage(err) } });
    } finally {
      running.value = null;
      await load();
    }
  }

  return { list, error, running, state, load, onProgress, install };
});
