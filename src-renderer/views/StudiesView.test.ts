// @vitest-environment happy-dom
// Studies view: the define form turns a preset into a spec, lists an edited spec's problems by field and sends
// a valid one (create, then start); a study on the project's datasets, the paper preset's verdicts and stage table
// (watching and comparing: StudiesView.watch.test.ts).
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StudyComparison } from '../../src-shared/study';
import { useStudiesStore } from '../stores/studies';
import { FakeTransport, makeArmResult, makeDataset, makeStudyDetail } from '../testing/fakes';
import { useDatasetsStore } from '../stores/datasets';
import StudiesView from './StudiesView.vue';
import { COMPARISON, freshStudiesApp, serve } from '../testing/study-fixtures';

vi.mock('../charts/echarts', async () => ({ createChart: (await import('../testing/charts')).recordingChart }));

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  ({ pinia, transport } = freshStudiesApp());
});

describe('StudiesView: define', () => {
  it('builds the spec from a preset, lists problems by field, and creates then starts a valid study', async () => {
    transport.on('studies.list', () => []);
    await useStudiesStore().load('p1');
    const w = mount(StudiesView, { global: { plugins: [pinia] } });
    await flushPromises();
    const spec = () =>
      JSON.parse((w.get('[data-testid="study-spec"]').element as HTMLTextAreaElement).value) as {
        name: string;
        preset: string;
        size: string;
        seeds: number[];
        arms: unknown[];
        model: { heads: number };
      };
    expect(spec()).toMatchObject({ preset: 'c1', size: 'quick', seeds: [1, 2] });
    expect(spec().arms).toHaveLength(4);
    expect(w.get('[data-testid="study-spec-ok"]').text()).toContain('4 arms × 2 seeds = 8 runs');

    await w.get('[data-testid="study-preset-c4"]').setValue(true);
    await w.get('[data-testid="study-seeds"]').setValue('3');
    await flushPromises();
    expect(spec()).toMatchObject({ preset: 'c4', seeds: [1, 2, 3] });

    const text = w.get('[data-testid="study-spec"]');
    const good = (text.element as HTMLTextAreaElement).value;
    await text.setValue(good.replace('"heads": 4', '"heads": 3').replace(/"control": "[^"]*"/, '"control": "nobody"'));
    const fields = w.findAll('[data-testid="study-spec-errors"] li').map((li) => li.attributes('data-field'));
    expect(fields).toEqual(expect.arrayContaining(['model.heads', 'control']));
    expect(w.get('[data-testid="study-spec-errors"]').text()).toContain('"nobody" is not the name of an arm');
    expect((w.get('[data-testid="study-create"]').element as HTMLButtonElement).disabled).toBe(true);
    await text.setValue('{ "name": "x",\n  "seeds": [1,, 2] }');
    expect(w.get('[data-testid="study-spec-errors"]').text()).toMatch(
      /not valid JSON at line 2, column 15: unexpected ","/,
    );

    await w.get('[data-testid="study-spec-reset"]').trigger('click');
    const created = makeStudyDetail({ id: 'st9', name: spec().name });
    transport.on('studies.create', () => ({
      ...created,
      arms: undefined,
      comparison: undefined,
      comparisonNote: undefined,
    }));
    transport.on('studies.start', () => ({
      ...created,
      status: 'queued',
      runId: 'run_s',
      arms: undefined,
      comparison: undefined,
      comparisonNote: undefined,
    }));
    serve(transport, { ...created, status: 'queued', runId: 'run_s' });
    await w.get('[data-testid="study-define"]').trigger('submit');
    await flushPromises();
    const sent = transport.calls.find((c) => c.channel === 'studies.create')!.payload as {
      projectId: string;
      spec: { preset: string; seeds: number[] };
    };
    expect(sent).toMatchObject({ projectId: 'p1', spec: { preset: 'c4', seeds: [1, 2, 3] } });
    expect(transport.calls.find((c) => c.channel === 'studies.start')!.payload).toEqual({ id: 'st9' });
    expect(w.get('[data-testid="study-detail"]').attributes('data-study-id')).toBe('st9');
  });
});

describe('StudiesView: a study on the project datasets', () => {
  it("picks the project's datasets (held out by a dataset or the fixed hold-out) and sends their ids in the spec", async () => {
    transport.on('studies.list', () => []);
    await useStudiesStore().load('p1');
    useDatasetsStore().list = [
      makeDataset({ id: 'ds_ru', name: 'ru-news', split: 'train', language: 'ru' }),
      makeDataset({ id: 'ds_zh', name: 'zh-poems', split: 'train', language: 'zh' }),
      makeDataset({ id: 'ds_zhv', name: 'zh-poems-val', split: 'val', language: 'zh' }),
      makeDataset({ id: 'ds_mmlu', name: 'mmlu', kind: 'benchmark', task: 'mc' } as never),
    ];
    const w = mount(StudiesView, { global: { plugins: [pinia] } });
    await flushPromises();
    const spec = () =>
      JSON.parse((w.get('[data-testid="study-spec"]').element as HTMLTextAreaElement).value) as {
        preset: string;
        data: unknown;
      };
    expect(spec().data).toMatchObject({ kind: 'world' });
    await w.get('[data-testid="study-preset-c4"]').setValue(true);
    await w.get('[data-testid="study-source-datasets"]').setValue(true);
    await flushPromises();
    // Benchmarks are never training text.
    expect(
      w
        .get('[data-testid="study-corpus-1-train"]')
        .findAll('option')
        .map((o) => o.attributes('value')),
    ).toEqual(['', 'ds_ru', 'ds_zh', 'ds_zhv']);
    await w.get('[data-testid="study-corpus-1-train"]').setValue('ds_ru');
    await w.get('[data-testid="study-corpus-2-train"]').setValue('ds_zh');
    await w.get('[data-testid="study-corpus-2-heldout"]').setValue('ds_zhv');
    await flushPromises();
    expect(spec().data).toEqual({
      kind: 'datasets',
      datasets: [{ train: 'ds_ru' }, { train: 'ds_zh', heldOut: 'ds_zhv' }],
    });
    expect(w.find('[data-testid="study-spec-errors"]').exists()).toBe(false);

    // One corpus for a preset with merge arms: said beside the picker and by the spec check, by field.
    await w.get('[data-testid="study-corpus-count"]').setValue('1');
    await flushPromises();
    expect(w.get('[data-testid="study-needs-two"]').text()).toContain('two corpora');
    expect(w.findAll('[data-testid="study-spec-errors"] li').map((li) => li.attributes('data-field'))).toContain(
      'arms[0].merge',
    );
    await w.get('[data-testid="study-corpus-count"]').setValue('2');
    await flushPromises();

    const created = makeStudyDetail({ id: 'st7', name: 'C4 is the frozen substrate what makes merging work (quick)' });
    transport.on('studies.create', () => ({
      ...created,
      arms: undefined,
      comparison: undefined,
      comparisonNote: undefined,
    }));
    transport.on('studies.start', () => ({
      ...created,
      status: 'queued',
      arms: undefined,
      comparison: undefined,
      comparisonNote: undefined,
    }));
    serve(transport, { ...created, status: 'queued' });
    await w.get('[data-testid="study-define"]').trigger('submit');
    await flushPromises();
    const sent = transport.calls.find((c) => c.channel === 'studies.create')!.payload as { spec: { data: unknown } };
    expect(sent.spec.data).toEqual({
      kind: 'datasets',
      datasets: [{ train: 'ds_ru' }, { train: 'ds_zh', heldOut: 'ds_zhv' }],
    });
  });

  it("offers the paper preset, and shows its verdict per question and the per-stage table with depth's control", async () => {
    const paper: StudyComparison = {
      ...COMPARISON,
      verdicts: [
        {
          question: 'C1',
          claim: 'glyph beats trainable',
          verdict: 'fails',
          evidence: [],
          line: "C1 (frozen glyph substrate): the paper's claim fails at this size — glyph − trainable: +0.065 ± 0.049 nats (n = 3)",
        },
        {
          question: 'C3',
          claim: 'depth beats one block',
          verdict: 'inconclusive',
          evidence: [],
          line: "C3 (depth): the paper's claim is inconclusive at this size — grown − one block: +0.03 ± 0.33 nats (n = 2)",
        },
      ],
      stages: [
        {
          arm: 'grown',
          stage: 1,
          blocks: 1,
          steps: 24,
          nll: { mean: 5.33, ci95: 0.35, n: 2, sd: 0.04 },
          delta: null,
          control: false,
        },
        {
          arm: 'grown',
          stage: 2,
          blocks: 2,
          steps: 48,
          nll: { mean: 4.63, ci95: 0.14, n: 2, sd: 0.02 },
          delta: { mean: -0.7061, ci95: 0.2112, n: 2 },
          control: false,
        },
        {
          arm: 'one block',
          stage: 1,
          blocks: 1,
          steps: 48,
          nll: { mean: 4.6, ci95: 0.2, n: 2, sd: 0.02 },
          delta: null,
          control: true,
        },
      ],
    };
    serve(
      transport,
      makeStudyDetail({
        status: 'done',
        runsDone: 4,
        arms: [makeArmResult('frozen glyph', 1, [5, 4], 2.4)],
        comparison: paper,
      }),
    );
    await useStudiesStore().load('p1');
    const w = mount(StudiesView, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(w.find('[data-testid="study-preset-paper"]').exists()).toBe(false); // the form is closed while a study is open
    await w.get('[data-testid="study-new"]').trigger('click');
    await w.get('[data-testid="study-preset-paper"]').setValue(true);
    await flushPromises();
    expect(w.get('[data-testid="study-spec-ok"]').text()).toContain('10 arms × 2 seeds = 20 runs');

    const lines = w.findAll('[data-testid="study-verdict-line"]');
    expect(lines.map((l) => l.attributes('data-verdict'))).toEqual(['fails', 'inconclusive']);
    expect(lines[0]!.text()).toContain('C1 · fails');
    expect(lines[0]!.text()).toContain('glyph − trainable: +0.065 ± 0.049 nats (n = 3)');
    const stages = w.findAll('[data-testid="study-stage-row"]');
    expect(stages.map((r) => r.attributes('data-control'))).toEqual(['false', 'false', 'true']);
    expect(stages[1]!.text()).toContain('4.63 ± 0.14');
    expect(stages[1]!.text()).toContain('Δ −0.71 ± 0.21');
  });
});
