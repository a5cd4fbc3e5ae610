// Playground: up to three models generating from one prompt side by side, with shared sampling settings; each
// slot's generation can be stopped on its own, or all at once (the main side keeps what each generated so far).
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

type Output = InvokeResponse<'playground.generate'>['outputs'][number];

/** One slot's generation: its own request (so it can be stopped alone) and its result. */
interface SlotRun {
  requestId: string | null;
  stopping: boolean;
  output: Output | null;
}

const newId = () => `pg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export const usePlaygroundStore = defineStore('playground', () => {
  const slots = ref<(string | null)[]>([null, null, null]);
  const prompt = ref('');
  const sampling = ref<SamplingForm>({ maxTokens: 64, temperature: 0.8, topK: 40, topP: 0.95, seed: 1 });
  const runs = ref<SlotRun[]>(slots.value.map(() => ({ requestId: null, stopping: false, output: null })));
  const busy = computed(() => runs.value.some((r) => r.requestId !== null));
  const stopping = computed(() => runs.value.some((r) => r.stopping));
  /** Each slot's last result, in slot order (for callers that read them as a list). */
  const outputs = computed(() => runs.value.map((r) => r.output).filter((o): o is Output => o !== null));
  const modelIds = computed(() => slots.value.filter((s): s is string => Boolean(s)));

  /** Puts a model in the first free slot (or the last one), e.g. from the catalog's "Open in playground". */
  function place(modelId: string): void {
    if (slots.value.includes(modelId)) return;
    const free = slots.value.indexOf(null);
    slots.value.splice(free >= 0 ? free : slots.value.length - 1, 1, modelId);
  }

  async function runSlot(i: number, modelId: string): Promise<void> {
    const id = newId();
    const r = runs.value[i]!;
    Object.assign(r, { requestId: id, stopping: false, output: null });
    try {
      const res = await api().invoke('playground.generate', {
        modelIds: [modelId],
        prompt: prompt.value,
        sampling: { ...sampling.value },
        requestId: id,
      });
      if (r.requestId === id) r.output = res.outputs[0] ?? null;
    } finally {
      if (r.requestId === id) Object.assign(r, { requestId: null, stopping: false });
    }
  }

  /**
   * Every filled slot generates at once, each in its own request: the main side interleaves their tokens, each
   * slot shows its text when it finishes and can be stopped alone. Rejects with the first slot's error.
   */
  async function generate(): Promise<void> {
    const started = slots.value.flatMap((m, i) => (m ? [runSlot(i, m)] : []));
    const settled = await Promise.allSettled(started);
    const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Asks the main side to stop slot `i` (every slot without one) between tokens; it keeps the partial text. */
  async function stop(i?: number): Promise<void> {
    const targets = i === undefined ? runs.value : [runs.value[i]!];
    await Promise.all(
      targets
        .filter((r) => r.requestId !== null && !r.stopping)
        .map((r) => {
          r.stopping = true;
          return api().invoke('playground.cancel', { requestId: r.requestId! });
        }),
    );
  }

  /** Empties slots whose model no longer exists (deleted, or another project opened). */
  function keepOnly(valid: Set<string>): void {
    slots.value = slots.value.map((s) => (s && valid.has(s) ? s : null));
  }

  return { slots, prompt, sampling, runs, outputs, busy, stopping, modelIds, place, generate, stop, keepOnly };
});
