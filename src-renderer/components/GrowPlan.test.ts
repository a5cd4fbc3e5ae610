// @vitest-environment happy-dom
// The Growth form shows the memory plan of its current values before Start, keeps Start off with the reason when
// the plan does not fit, and offers the paper's configurations as presets with their counts beside the paper's.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { GrowPlanRequest, type GrowPlan } from '../../src-shared/grow-plan';
import { setTransport } from '../api';
import { useDatasetsStore } from '../stores/datasets';
import { useProjectsStore } from '../stores/projects';
import { useSubstratesStore } from '../stores/substrates';
import { FakeTransport, makeDataset, makeProject, makeSubstrate } from '../testing/fakes';
import GrowForm from './GrowForm.vue';

const GiB = 2 ** 30;
const PRESETS: GrowPlan['presets'] = [
  {
    name: 'growing-9',
    description: 'the growing-transformers 1–9 series',
    layers: 9,
    dModel: 1024,
    heads: 32,
    context: 1024,
    mlpRatio: 4,
    vocabSize: 65_536,
    substrateDim: 1024,
    params: 247_668_736,
    paperParams: 247.6e6,
    paperText: '247.6 M',
  },
  {
    name: 'best-16',
    description: 'best_bvv',
    layers: 16,
    dModel: 1024,
    heads: 32,
    context: 1024,
    mlpRatio: 4,
    vocabSize: 131_072,
    substrateDim: 1024,
    params: 470_000_000,
    paperParams: 0.5e9,
    paperText: '0.5 B',
  },
];

function planFor(req: GrowPlanRequest, fits: boolean): GrowPlan {
  return {
    backend: 'wasm',
    backendNote: "backend 'auto': planned for the CPU path",
    unit: `the final stage (${req.stages} blocks, ${req.stages - 1} frozen)`,
    vocabSize: 3000,
    params: { total: 1_234_567, trainable: 234_567, frozenBlocks: 800_000, frozenSubstrate: 200_000 },
    bytes: {
      weights: GiB,
      hostWeights: GiB,
      substrate: GiB / 2,
      gradients: GiB / 4,
      optimizer: GiB,
      activations: 3 * GiB,
      logits: GiB / 8,
      base: GiB / 5,
      total: 7.075 * GiB,
      backendHeap: 5 * GiB,
    },
    limits: { ram: 20 * GiB, wasmHeap: 4 * GiB },
    fits,
    problems: fits ? [] : ['needs 5.00 GiB of WebAssembly heap, which holds at most 4.00 GiB'],
    line: 'memory plan: …',
    advice: fits
      ? null
      : 'this job does not fit: it needs 5.00 GiB of WebAssembly heap; it would fit with --batch 2 --grad-accum 8',
    presets: PRESETS,
  };
}

let pinia: Pinia;
let transport: FakeTransport;
let fits: boolean;
beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  transport = new FakeTransport();
  setTransport(transport);
  fits = true;
  transport.on('runs.planGrow', (raw) => planFor(GrowPlanRequest.parse(raw), fits));
  useProjectsStore().list = [makeProject()];
  useProjectsStore().currentId = 'p1';
  useDatasetsStore().list = [makeDataset()];
  useSubstratesStore().list = [makeSubstrate()];
});

const plans = () =>
  transport.calls.filter((c) => c.channel === 'runs.planGrow').map((c) => GrowPlanRequest.parse(c.payload));

describe('GrowForm memory plan', () => {
  it("plans the form's current values before Start and shows parameters and memory parts", async () => {
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await flushPromises();
    const last = plans().at(-1)!;
    expect(last).toMatchObject({ projectId: 'p1', substrateId: 's1', mode: 'grow', stages: 2, shape: { dModel: 64 } });
    expect(w.get('[data-testid="grow-plan-params"]').text()).toContain(
      '1.23 M parameters for the final stage (2 blocks, 1 frozen): 234.6 k trainable, 800.0 k in frozen blocks, 200.0 k frozen substrate',
    );
    const mem = w.get('[data-testid="grow-plan-memory"]').text();
    expect(mem).toContain('peak ≈ 7.1 GB');
    expect(mem).toContain('their host copy at checkpoints 1.0 GB');
    expect(mem).toContain('AdamW moments 1.0 GB');
    expect(mem).toContain('activations 3.0 GB');
    expect(mem).toContain('wasm heap 5.0 GB of 4.0 GB');
    expect(w.find('[data-testid="grow-plan-fits"]').exists()).toBe(true);
    expect(w.get('[data-testid="grow-start"]').attributes('disabled')).toBeUndefined();
    // Changing the shape re-plans.
    await w.get('[data-testid="grow-stages"]').setValue('5');
    await flushPromises();
    expect(plans().at(-1)!.stages).toBe(5);
  });

  it('keeps Start off with the refusal and its advice when the plan does not fit', async () => {
    fits = false;
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="grow-plan-refusal"]').text()).toContain('it would fit with --batch 2 --grad-accum 8');
    expect(w.get('[data-testid="grow-start"]').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="grow-start-blocked"]').text()).toContain('does not fit in memory');
    await w.get('[data-testid="grow-name"]').setValue('big');
    await w.get('[data-testid="grow-dataset-en-ru.train"]').setValue(true);
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(transport.calls.filter((c) => c.channel === 'runs.startGrow')).toHaveLength(0);
  });

  it("fills the form from a paper preset, shown with its count beside the paper's figure", async () => {
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await flushPromises();
    const b = w.get('[data-testid="grow-paper-growing-9"]');
    expect(b.text()).toContain('growing-9: 247.67 M');
    expect(b.text()).toContain('paper 247.6 M, +0.0 %');
    expect(w.get('[data-testid="grow-paper-best-16"]').text()).toContain('paper 0.5 B, -6.0 %');
    await b.trigger('click');
    await flushPromises();
    expect(plans().at(-1)).toMatchObject({
      stages: 9,
      blocksPerStage: 1,
      shape: { dModel: 1024, heads: 32, context: 1024, mlpRatio: 4 },
    });
    expect((w.get('[data-testid="grow-stages"]').element as HTMLInputElement).value).toBe('9');
  });

  it('says why there is no plan when the main side cannot make one', async () => {
    transport.on('runs.planGrow', () => {
      throw new Error('substrate s1 has no tokenizer recorded; rebuild the substrate');
    });
    const w = mount(GrowForm, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.get('[data-testid="grow-plan-note"]').text()).toContain('No memory plan');
    expect(w.get('[data-testid="grow-start"]').attributes('disabled')).toBeUndefined();
  });
});
