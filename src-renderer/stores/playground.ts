// Playground: up to three models generating from one prompt side by side, with shared sampling settings; a
// running generation can be stopped (the main side keeps and returns what each model generated so far).
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
  /** The running generation's id, for 'playground.cancel'. */
  const requestId = ref<string | null>(null);
  const stopping = ref(false);
  const modelIds = computed(() => slots.value.filter((s): s is string => Boolean(s)));

  /** Puts a model in the first free slot (or the last one), e.g. from the catalog's "Open in playground". */
  function place(modelId: string): void {
    if (slots.value.includes(modelId)) return;
    const free = slots.value.indexOf(null);
    slots.value.splice(free >= 0 ? free : slots.value.length - 1, 1, modelId);
  }

  async function generate(): Promise<void> {
    busy.value = true;
    stopping.value = false;
    const id = `pg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    requestId.value = id;
    try {
      const r = await api().invoke('playground.generate', { modelIds: modelIds.value, prompt: prompt.value, sampling: { ...sampling.value }, requestId: id });
      outputs.value = r.outputs;
    } finally {
      if (requestId.value === id) requestId.value = null;
      busy.value = false;
      stopping.value = false;
    }
  }

  /** Asks the main side to stop between tokens; generate() then resolves with the partial outputs. */
  async function stop(): Promise<void> {
    const id = requestId.value;
    if (!id) return;
    stopping.value = true;
    await api().invoke('playground.cancel', { requestId: id });
  }

  /** Empties slots whose model no longer exists (deleted, or another project opened). */
  function keepOnly(valid: Set<string>): void {
    slots.value = slots.value.map((s) => (s && valid.has(s) ? s : null));
  }

  return { slots, prompt, sampling, outputs, busy, stopping, modelIds, place, generate, stop, keepOnly };
});
