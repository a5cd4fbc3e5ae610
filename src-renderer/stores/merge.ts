// Merge workbench: chosen experts, compatibility from 'merge.check', the preview run (its result parsed with
// the contract's MergePreviewResult) and saving the merge to the catalog.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InvokeResponse } from '../../src-shared/contract';
import type { RunOf } from '../../src-shared/runs';
import type { MergeMode } from '../../src-shared/domain';
import type { z } from 'zod';
import { api } from '../api';
import { useModelsStore } from './models';
import { useRunsStore } from './runs';

type Check = InvokeResponse<'merge.check'>;

export const useMergeStore = defineStore('merge', () => {
  const selected = ref<string[]>([]);
  const mode = ref<z.infer<typeof MergeMode>>('logits');
  const weights = ref<number[]>([]);
  const datasetIds = ref<string[]>([]);
  const sampleText = ref('');
  /** Compatibility of every candidate with the first selected expert. */
  const check = ref<Check | null>(null);
  const checkError = ref<string | null>(null);
  const previewRunId = ref<string | null>(null);

  const runs = useRunsStore();
  const previewRun = computed<RunOf<'merge-preview'> | null>(() => {
    const r = previewRunId.value ? runs.byId[previewRunId.value] : runs.latest(['merge-preview']);
    return r?.kind === 'merge-preview' ? r : null;
  });
  const preview = computed(() => {
    const r = previewRun.value;
    return r && r.status === 'done' ? r.result : null;
  });
  const previewExperts = computed<string[]>(() => previewRun.value?.params.expertIds ?? []);

  /** Why the current selection cannot be merged (the check covers every candidate, so look at the chosen). */
  const selectionProblem = computed<string | null>(() => {
    const bad = selected.value.slice(1).filter((id) => check.value?.incompatible[id]);
    if (bad.length === 0) return null;
    const names = useModelsStore();
    return bad.map((id) => `${names.nameOf(id)}: ${check.value!.incompatible[id]}`).join('; ');
  });

  function reasonFor(id: string): string | null {
    if (selected.value.length === 0 || selected.value[0] === id) return null;
    return check.value?.incompatible[id] ?? null;
  }

  /** Checks every expert against the anchor (the first selected) so incompatible ones can be disabled. */
  async function recheck(): Promise<void> {
    checkError.value = null;
    const anchor = selected.value[0];
    if (!anchor) {
      check.value = null;
      return;
    }
    const others = useModelsStore().experts.map((m) => m.id).filter((id) => id !== anchor);
    try {
      check.value = await api().invoke('merge.check', { expertIds: [anchor, ...others] });
    } catch (err) {
      check.value = null;
      checkError.value = err instanceof Error ? err.message : String(err);
    }
  }

  async function toggle(id: string): Promise<void> {
    const i = selected.value.indexOf(id);
    if (i >= 0) selected.value.splice(i, 1);
    else if (selected.value.length < 8) selected.value.push(id);
    weights.value = selected.value.map((_, k) => weights.value[k] ?? 1);
    await recheck();
  }

  function weightsOrUndefined(): number[] | undefined {
    return mode.value === 'weighted' ? weights.value.slice(0, selected.value.length) : undefined;
  }

  async function startPreview(): Promise<string> {
    const { runId } = await api().invoke('merge.preview', {
      expertIds: [...selected.value],
      mode: mode.value,
      weights: weightsOrUndefined(),
      datasetIds: [...datasetIds.value],
      sampleText: sampleText.value,
    });
    previewRunId.value = runId;
    await runs.refresh(runId);
    return runId;
  }

  async function save(name: string): Promise<void> {
    const m = await api().invoke('merge.save', { name, expertIds: [...selected.value], mode: mode.value, weights: weightsOrUndefined() });
    useModelsStore().add(m);
  }

  function reset(): void {
    selected.value = [];
    check.value = null;
    previewRunId.value = null;
    datasetIds.value = [];
  }

  return { selected, mode, weights, datasetIds, sampleText, check, checkError, previewRunId, previewRun, preview, previewExperts, selectionProblem, reasonFor, recheck, toggle, startPreview, save, reset };
});
