// Playground: up to three models generating from one prompt side by side, with shared sampling settings.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { InvokeResponse } from '../../src-shared/contract';
import { api } from '../api';

export interface SamplingForm {
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

export const usePlaygroundStore = defineStore('playground', () => {
  const slots = ref<(string | null)[]>([null, null, null]);
  const prompt = ref('');
  const sampling = ref<SamplingForm>({ maxTokens: 64, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 });
  const outputs = ref<InvokeResponse<'playground.generate'>['outputs']>([]);
  const busy = ref(false);
  const modelIds = computed(() => slots.value.filter((s): s is string => Boolean(s)));

  /** Puts a model in the first free slot (or the last one), e.g. from the catalog's "Open in playground". */
  function place(modelId: string): void {
    if (slots.value.includes(modelId)) return;
    const free = slots.value.indexOf(null);
    slots.value.splice(free >= 0 ? free : slots.value.length - 1, 1, modelId);
  }

  async function generate(): Promise<void> {
    busy.value = true;
    try {
      const r = await api().invoke('playground.generate', { modelIds: modelIds.value, prompt: prompt.value, sampling: { ...sampling.value } });
      outputs.value = r.outputs;
    } finally {
      busy.value = false;
    }
  }

  /** Empties slots whose model no longer exists (deleted, or another project opened). */
  function keepOnly(valid: Set<string>): void {
    slots.value = slots.value.map((s) => (s && valid.has(s) ? s : null));
  }

  return { slots, prompt, sampling, outputs, busy, modelIds, place, generate, keepOnly };
});
