// Merge workbench: chosen experts, compatibility from 'merge.check', the preview run (its result parsed with
// the contract's MergePreviewResult), saving the merge to the catalog, and tuning a saved merge's heads
// (a 'merge-tune' run whose result is the contract's MergeTuneResult). The form is kept per project, and an
// empty form adopts the shown preview's experts, so checkboxes and preview never disagree after navigating.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { InvokeResponse } from '../../src-shared/contract';
import type { RunOf } from '../../src-shared/runs';
import type { MergeMode } from '../../src-shared/domain';
import type { z } from 'zod';
import { api } from '../api';
import { useModelsStore } from './models';
import { useProjectsStore } from './projects';
import { useRunsStore } from './runs';

type Check = InvokeResponse<'merge.check'>;

/** What the form holds for one project while the user is elsewhere. */
interface SavedForm {
  selected: string[];
  mode: z.infer<typeof MergeMode>;
  weights: number[];
  datasetIds: string[];
  sampleText: string;
  previewRunId: string | null;
  tuneRunId: string | null;
}

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

  const tuneRunId = ref<string | null>(null);
  const tuneRun = computed<RunOf<'merge-tune'> | null>(() => {
    const r = tuneRunId.value ? runs.byId[tuneRunId.value] : runs.latest(['merge-tune']);
    return r?.kind === 'merge-tune' ? r : null;
  });
  const tuneResult = computed(() => {
    const r = tuneRun.value;
    return r && r.status === 'done' ? r.result : null;
  });

  async function startTune(req: { mergeId: string; datasetIds: string[]; steps: number }): Promise<string> {
    const { runId } = await api().invoke('merge.tune', { mergeId: req.mergeId, datasetIds: [...req.datasetIds], steps: req.steps });
    tuneRunId.value = runId;
    await runs.refresh(runId);
    return runId;
  }

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
    tuneRunId.value = null;
    datasetIds.value = [];
    weights.value = [];
    mode.value = 'logits';
    sampleText.value = '';
  }

  /**
   * An empty form takes the shown preview's request (experts, mode, weights, datasets, sample), so the preview
   * on screen is always the one for the checked experts; returns whether it did.
   */
  async function adoptPreview(): Promise<boolean> {
    const r = previewRun.value;
    if (!r || selected.value.length > 0) return false;
    const known = new Set(useModelsStore().experts.map((m) => m.id));
    if (!r.params.expertIds.every((id) => known.has(id))) return false;
    selected.value = [...r.params.expertIds];
    mode.value = r.params.mode;
    weights.value = r.params.weights.length === selected.value.length ? [...r.params.weights] : selected.value.map(() => 1);
    datasetIds.value = [...r.params.datasetIds];
    sampleText.value = r.params.sampleText;
    previewRunId.value = r.id;
    await recheck();
    return true;
  }

  /** The preview shown was made for other experts or another mode than the form now holds. */
  const previewStale = computed(() => {
    const r = previewRun.value;
    if (!r) return false;
    const a = [...r.params.expertIds].sort().join(',');
    const b = [...selected.value].sort().join(',');
    return a !== b || r.params.mode !== mode.value;
  });

  // Per-project form: switching projects parks this one's form and restores (or clears) the other's.
  const forms = new Map<string, SavedForm>();
  let formOf: string | null = useProjectsStore().currentId;
  watch(
    () => useProjectsStore().currentId,
    (next) => {
      if (next === formOf) return;
      if (formOf) {
        forms.set(formOf, { selected: [...selected.value], mode: mode.value, weights: [...weights.value], datasetIds: [...datasetIds.value], sampleText: sampleText.value, previewRunId: previewRunId.value, tuneRunId: tuneRunId.value });
      }
      formOf = next;
      reset();
      const f = next ? forms.get(next) : undefined;
      if (!f) return;
      selected.value = f.selected;
      mode.value = f.mode;
      weights.value = f.weights;
      datasetIds.value = f.datasetIds;
      sampleText.value = f.sampleText;
      previewRunId.value = f.previewRunId;
      tuneRunId.value = f.tuneRunId;
      void recheck();
    },
  );

  return { selected, mode, weights, datasetIds, sampleText, check, checkError, previewRunId, previewRun, preview, previewExperts, previewStale, selectionProblem, reasonFor, recheck, toggle, startPreview, save, reset, adoptPreview, tuneRunId, tuneRun, tuneResult, startTune };
});
