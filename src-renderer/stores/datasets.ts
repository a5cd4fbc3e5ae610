// Datasets of the open project: list, import (file bytes as base64 in browser mode), preview, split, languages, delete;
// the text/benchmark partition every form picks from (benchmarks are never training text).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InvokeRequest } from '../../src-shared/contract';
import type { Dataset, EvalTask } from '../../src-shared/domain';
import { api } from '../api';
import { useRunsStore } from './runs';

/** The contract's upload limit (64 MiB of bytes); larger files must be imported by path from Electron or the CLI. */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(bin);
}

export type ImportOptions = Omit<InvokeRequest<'datasets.import'>, 'projectId' | 'path' | 'upload'>;

export const useDatasetsStore = defineStore('datasets', () => {
  const list = ref<Dataset[]>([]);
  const previews = ref<Record<string, string[]>>({});
  /** Text corpora: what training, vocabularies, merge previews and perplexity read. */
  const texts = computed(() => list.value.filter((d) => d.kind === 'text'));
  const trainingTexts = computed(() => texts.value.filter((d) => d.split === 'train'));
  const validationTexts = computed(() => texts.value.filter((d) => d.split === 'val'));
  const benchmarks = computed(() => list.value.filter((d) => d.kind === 'benchmark'));

  /** The datasets an evaluation task can read: perplexity held-out text, every other task its own benchmarks. */
  function forTask(task: EvalTask): Dataset[] {
    return task === 'ppl' ? texts.value : benchmarks.value.filter((d) => d.benchmark?.task === task);
  }

  async function load(projectId: string | null): Promise<void> {
    list.value = projectId ? await api().invoke('datasets.list', { projectId }) : [];
  }

  async function importFile(projectId: string, file: File, opts: ImportOptions): Promise<string> {
    if (file.size > MAX_UPLOAD_BYTES)
      throw new Error(
        `${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MiB; browser uploads are limited to 64 MiB — import it with \`espalier\` on the host instead.`,
      );
    const base64 = await fileToBase64(file);
    const { runId } = await api().invoke('datasets.import', {
      projectId,
      upload: { fileName: file.name, base64 },
      ...opts,
    });
    await useRunsStore().refresh(runId);
    return runId;
  }

  /** Electron: a file the native dialog returned (main granted it), read by the import job in place, streamed. */
  async function importPath(projectId: string, path: string, opts: ImportOptions): Promise<string> {
    const { runId } = await api().invoke('datasets.import', { projectId, path, ...opts });
    await useRunsStore().refresh(runId);
    return runId;
  }

  async function preview(id: string): Promise<void> {
    const r = await api().invoke('datasets.preview', { id, lines: 12, chars: 1500 });
    previews.value = { ...previews.value, [id]: r.lines };
  }

  async function setSplit(id: string, split: Dataset['split']): Promise<void> {
    const d = await api().invoke('datasets.setSplit', { id, split });
    list.value = list.value.map((x) => (x.id === id ? d : x));
  }

  async function setLanguages(id: string, languages: string[] | null): Promise<void> {
    const d = await api().invoke('datasets.setLanguages', { id, languages });
    list.value = list.value.map((x) => (x.id === id ? d : x));
  }

  async function remove(id: string): Promise<void> {
    await api().invoke('datasets.delete', { id });
    list.value = list.value.filter((x) => x.id !== id);
  }

  return {
    list,
    previews,
    texts,
    trainingTexts,
    validationTexts,
    benchmarks,
    forTask,
    load,
    importFile,
    importPath,
    preview,
    setSplit,
    setLanguages,
    remove,
  };
});
