// The Growth view's state per project, kept while the user visits other views: the run shown, the chart's
// x-axis and smoothing, whether the form is open, and the form's fields.
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import type { BlockInitKind, NormKind, RunPreset } from '../../src-shared/params';
import type { XAxisMode } from '../charts/useChart';

export interface GrowFormState {
  mode: 'grow' | 'train';
  name: string;
  datasetIds: string[];
  valDatasetIds: string[];
  substrateId: string;
  embeddings: 'frozen' | 'trainable';
  stages: number;
  stepsPerStage: number;
  blocksPerStage: number;
  init: BlockInitKind;
  loraRank: number;
  loraFromStage: number;
  layers: number;
  steps: number;
  dModel: number;
  heads: number;
  context: number;
  mlpRatio: number;
  dropout: number;
  norm: NormKind;
  batch: number;
  lr: number;
  seed: number;
}

export function defaultGrowForm(): GrowFormState {
  return {
    mode: 'grow',
    name: '',
    datasetIds: [],
    valDatasetIds: [],
    substrateId: '',
    embeddings: 'frozen',
    stages: 2,
    stepsPerStage: 60,
    blocksPerStage: 1,
    init: 'scaled',
    loraRank: 0,
    loraFromStage: 2,
    layers: 2,
    steps: 120,
    dModel: 128,
    heads: 2,
    context: 32,
    mlpRatio: 4,
    dropout: 0,
    norm: 'rmsnorm',
    batch: 8,
    lr: 0.003,
    seed: 1,
  };
}

export interface GrowthViewState {
  /** The run the user picked (null: the view picks, preferring the running run). */
  selectedId: string | null;
  xAxis: XAxisMode;
  smoothing: number;
  showForm: boolean;
  preset: RunPreset;
  form: GrowFormState;
  /** Whether the form's width was set from the project's substrate once already. */
  widthSynced: boolean;
}

const NO_PROJECT = '';

export const useGrowthStore = defineStore('growth', () => {
  const byProject = reactive<Record<string, GrowthViewState>>({});

  /** The state of a project's Growth view, created with defaults on first use. */
  function of(projectId: string | null): GrowthViewState {
    const key = projectId ?? NO_PROJECT;
    byProject[key] ??= {
      selectedId: null,
      xAxis: 'steps',
      smoothing: 0.6,
      showForm: false,
      preset: 'tiny',
      form: defaultGrowForm(),
      widthSynced: false,
    };
    return byProject[key];
  }

  return { byProject, of };
});
