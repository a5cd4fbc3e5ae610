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

/** The form's fields (what a project parks while the user is elsewhere). */
function formFields() {
  const f = {
    selected: ref<string[]>([]),
    mode: ref<z.infer<typeof MergeMode>>('logits'),
    weights: ref<number[]>([]),
    datasetIds: ref<string[]>([]),
    sampleText: ref(''),
    previewRunId: ref<string | null>(null),
    tuneRunId: ref<string | null>(null),
  };
  const snapshot = (): SavedForm => ({
    selected: [...f.selected.value],
    mode: f.mode.value,
    weights: [...f.weights.value],
    datasetIds: [...f.datasetIds.value],
    sampleText: f.sampleText.value,
    previewRunId: f.previewRunId.value,
    tuneRunId: f.tuneRunId.value,
  });
  const restore = (s: SavedForm): void => {
    f.selected.value = s.selected;
    f.mode.value = s.mode;
    f.weights.value = s.weights;
    f.datasetIds.value = s.datasetIds;
    f.sampleText.value = s.sampleText;
    f.previewRunId.value = s.previewRunId;
    f.tuneRunId.value = s.tuneRunId;
  };
  return { ...f, snapshot, restore };
}
type Form = ReturnType<typeof formFields>;

/** The preview and tune runs the form shows (the chosen ones, else the project's latest) and their results. */
function shownRuns(form: Form, runs: ReturnType<typeof useRunsStore>) {
  const previewRun = computed<RunOf<'merge-preview'> | null>(() => {
    const r = form.previewRunId.value ? runs.byId[form.previewRunId.value] : runs.latest(['merge-preview']);
    return r?.kind === 'merge-preview' ? r : null;
  });
  const preview = computed(() => {
    const r = previewRun.value;
    return r && r.status === 'done' ? r.result : null;
  });
  const previewExperts = computed<string[]>(() => previewRun.value?.params.expertIds ?? []);
  const tuneRun = computed<RunOf<'merge-tune'> | null>(() => {
    const r = form.tuneRunId.value ? runs.byId[form.tuneRunId.value] : runs.latest(['merge-tune']);
    return r?.kind === 'merge-tune' ? r : null;
  });
  const tuneResult = computed(() => {
    const r = tuneRun.value;
    return r && r.status === 'done' ? r.result : null;
  });
  /** The preview shown was made for other experts or another mode than the form now holds. */
  const previewStale = computed(() => {
    const r = previewRun.value;
    if (!r) return false;
    const a = [...r.params.expertIds].sort().join(',');
    const b = [...form.selected.value].sort().join(',');
    return a !== b || r.params.mode !== form.mode.value;
  });
  return { previewRun, preview, previewExperts, tuneRun, tuneResult, previewStale };
}

/** Compatibility of every candidate with the first selected expert, from 'merge.check'. */
function compatibility(selected: Form['selected']) {
  const check = ref<Check | null>(null);
  const checkError = ref<string | null>(null);

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
    const others = useModelsStore()
      .experts.map((m) => m.id)
      .filter((id) => id !== anchor);
    try {
      check.value = await api().invoke('merge.check', { expertIds: [anchor, ...others] });
    } catch (err) {
      check.value = null;
      checkError.value = err instanceof Error ? err.message : String(err);
    }
  }
  return { check, checkError, selectionProblem, reasonFor, recheck };
}

/** Switching projects parks this one's form and restores (or clears) the other's. */
function keepFormPerProject(form: Form, reset: () => void, recheck: () => Promise<void>): void {
  const forms = new Map<string, SavedForm>();
  let formOf: string | null = useProjectsStore().currentId;
  watch(
    () => useProjectsStore().currentId,
    (next) => {
      if (next === formOf) return;
      if (formOf) forms.set(formOf, form.snapshot());
      formOf = next;
      reset();
      const f = next ? forms.get(next) : undefined;
      if (!f) return;
      form.restore(f);
      void recheck();
    },
  );
}

export const useMergeStore = defineStore('merge', () => {
  const form = formFields();
  const { selected, mode, weights, datasetIds, sampleText, previewRunId, tuneRunId } = form;
  const runs = useRunsStore();
  const shown = shownRuns(form, runs);
  const compat = compatibility(selected);
  const { check, recheck } = compat;

  async function startTune(req: { mergeId: string; datasetIds: string[]; steps: number }): Promise<string> {
    const { runId } = await api().invoke('merge.tune', {
      mergeId: req.mergeId,
      datasetIds: [...req.datasetIds],
      steps: req.steps,
    });
    tuneRunId.value = runId;
    await runs.refresh(runId);
    return runId;
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
    const m = await api().invoke('merge.save', {
      name,
      expertIds: [...selected.value],
      mode: mode.value,
      weights: weightsOrUndefined(),
    });
    useModelsStore().add(m);
  }

  function reset(): void {
    form.restore({
      selected: [],
      mode: 'logits',
      weights: [],
      datasetIds: [],
      sampleText: '',
      previewRunId: null,
      tuneRunId: null,
    });
    check.value = null;
  }

  /**
   * An empty form takes the shown preview's request (experts, mode, weights, datasets, sample), so the preview
   * on screen is always the one for the checked experts; returns whether it did.
   */
  async function adoptPreview(): Promise<boolean> {
    const r = shown.previewRun.value;
    if (!r || selected.value.length > 0) return false;
    const known = new Set(useModelsStore().experts.map((m) => m.id));
    if (!r.params.expertIds.every((id) => known.has(id))) return false;
    selected.value = [...r.params.expertIds];
    mode.value = r.params.mode;
    weights.value =
      r.params.weights.length === selected.value.length ? [...r.params.weights] : selected.value.map(() => 1);
    datasetIds.value = [...r.params.datasetIds];
    sampleText.value = r.params.sampleText;
    previewRunId.value = r.id;
    await recheck();
    return true;
  }

  keepFormPerProject(form, reset, recheck);

  const { previewRun, preview, previewExperts, previewStale, tuneRun, tuneResult } = shown;
  const { checkError, selectionProblem, reasonFor } = compat;
  return {
    selected,
    mode,
    weights,
    datasetIds,
    sampleText,
    check,
    checkError,
    previewRunId,
    previewRun,
    preview,
    previewExperts,
    previewStale,
    selectionProblem,
    reasonFor,
    recheck,
    toggle,
    startPreview,
    save,
    reset,
    adoptPreview,
    tuneRunId,
    tuneRun,
    tuneResult,
    startTune,
  };
});
