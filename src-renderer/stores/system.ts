// Connection state, app facts and the System view's machine report (backend, GPUs, memory, versions).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { InvokeResponse } from '../../src-shared/contract';
import type { BackendChoice } from '../../src-shared/settings';
import { api, errorMessage, type ConnectionState } from '../api';

export const useSystemStore = defineStore('system', () => {
  const connection = shallowRef<ConnectionState>({
    status: 'connecting',
    mode: 'browser',
    attempt: 0,
    retryAt: null,
    detail: 'connecting',
    opens: 0,
  });
  const appInfo = ref<InvokeResponse<'app.info'> | null>(null);
  const info = ref<InvokeResponse<'system.info'> | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function loadAppInfo(): Promise<void> {
    try {
      appInfo.value = await api().invoke('app.info', {});
    } catch {
      // the header falls back to the build's own version
    }
  }

  /** `refresh`: a new worker probes the backend again (otherwise main answers from its last probe). */
  async function load(refresh = false): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      info.value = await api().invoke('system.info', refresh ? { refresh: true } : {});
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  /** Saves the workspace's backend choice; main refuses it while a job runs (the caller shows the error). */
  async function setBackend(backend: BackendChoice): Promise<void> {
    info.value = await api().invoke('system.setBackend', { backend });
  }

  function retryNow(): void {
    api().transport.retryNow();
  }

  return { connection, appInfo, info, loading, error, loadAppInfo, load, setBackend, retryNow };
});
