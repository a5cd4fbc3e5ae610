// @vitest-environment happy-dom
// The loss chart follows a streamed series: one chart instance for its lifetime, updated by setOption with
// downsampled data, stage boundaries as markLines and block insertions as a labelled scatter series.
import { flushPromises, mount } from '@vue/test-utils';
import type { Pinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { useAppStore } from '../stores/app';
import { FakeTransport } from '../testing/fakes';
import { freshApp } from '../testing/setup';
import LossChart from './LossChart.vue';

const fake = vi.hoisted(() => ({ created: 0, disposed: 0, options: [] as Record<string, unknown>[] }));
vi.mock('./echarts', () => ({
  createChart: () => {
    fake.created++;
    return {
      setOption: (o: Record<string, unknown>) => fake.options.push(o),
      resize: () => undefined,
      dispose: () => fake.disposed++,
    };
  },
}));

type Series = {
  name: string;
  data: [number, number][];
  markLine?: { data: { xAxis: number }[] };
  markPoint?: { data: { coord: number[] }[] };
};
const seriesOf = (o: Record<string, unknown> | undefined) => (o?.['series'] ?? []) as Series[];
const named = (o: Record<string, unknown> | undefined, name: string) => seriesOf(o).find((s) => s.name === name);

let pinia: Pinia;
let transport: FakeTransport;
beforeEach(() => {
  fake.created = 0;
  fake.disposed = 0;
  fake.options = [];
  ({ pinia, transport } = freshApp());
  useAppStore().bindEvents();
});

const batch = (from: number, to: number) => ({
  runId: 'r1',
  points: Array.from({ length: to - from }, (_, i) => ({
    step: from + i,
    name: 'train/loss',
    value: 4 + Math.cos(from + i),
    t: (from + i) / 10,
  })),
});

describe('LossChart', () => {
  it('updates one chart instance as metric events stream in', async () => {
    const w = mount(LossChart, { props: { runId: 'r1' }, global: { plugins: [pinia] } });
    await flushPromises();
    expect(fake.created).toBe(1);
    expect(w.get('[data-testid="loss-chart"]').attributes('data-points')).toBe('0');

    transport.emit('run.metrics', batch(1, 11));
    await nextTick();
    expect(named(fake.options.at(-1), 'train')!.data).toHaveLength(10);

    transport.emit('run.metrics', batch(11, 31));
    transport.emit('run.metrics', { runId: 'r1', points: [{ step: 30, name: 'val/loss', value: 4.2, t: 3 }] });
    await nextTick();
    const last = fake.options.at(-1);
    expect(named(last, 'train')!.data).toHaveLength(30);
    expect(named(last, 'validation')!.data).toEqual([[30, 4.2]]);
    expect(w.get('[data-testid="loss-chart"]').attributes('data-points')).toBe('30');
    expect(fake.created).toBe(1);
    expect(fake.options.length).toBeGreaterThanOrEqual(3);

    w.unmount();
    expect(fake.disposed).toBe(1);
  });

  it('downsamples a 200k-point series for display, keeping its ends and extremes', async () => {
    mount(LossChart, { props: { runId: 'r1', maxPoints: 1000 }, global: { plugins: [pinia] } });
    await flushPromises();
    const b = batch(0, 200_000);
    b.points[150_000]!.value = 42;
    transport.emit('run.metrics', b);
    await nextTick();
    const data = named(fake.options.at(-1), 'train')!.data;
    expect(data.length).toBeLessThanOrEqual(1000);
    expect(data[0]![0]).toBe(0);
    expect(data.at(-1)![0]).toBe(199_999);
    expect(data).toContainEqual([150_000, 42]);
  });

  it('marks stage boundaries and block insertions (named in the legend), and maps x to tokens or time', async () => {
    const insertions = [{ stage: 2, step: 10, before: 4.25, after: 4.2501 }];
    const w = mount(LossChart, {
      props: { runId: 'r1', boundaries: [10], insertions, tokensPerStep: 256 },
      global: { plugins: [pinia] },
    });
    await flushPromises();
    transport.emit('run.metrics', batch(1, 21));
    await nextTick();
    let train = named(fake.options.at(-1), 'train')!;
    expect(train.markLine!.data[0]!.xAxis).toBe(10);
    const inserted = named(fake.options.at(-1), 'val loss after a block was stacked')!;
    expect(inserted.data).toEqual([[10, 4.2501]]);
    expect((fake.options.at(-1)!['legend'] as { data: string[] }).data).toContain('val loss after a block was stacked');
    const tip = (
      inserted as unknown as { tooltip: { formatter: (p: { dataIndex: number }) => string } }
    ).tooltip.formatter({ dataIndex: 0 });
    expect(tip).toBe('stage 2: block stacked at step 10<br/>val loss 4.2500 → 4.2501 (+0.0001)');
    // The axis tooltip says "step N" (an integer) and skips anything without a value.
    const axis = (fake.options.at(-1)!['tooltip'] as { formatter: (p: unknown) => string }).formatter([
      { seriesName: 'train', value: [326, 4.123456], marker: '' },
      { seriesName: 'validation', value: undefined, marker: '' },
    ]);
    expect(axis).toBe('step 326<br/>train: 4.1235');
    await w.setProps({ xAxis: 'tokens' });
    train = named(fake.options.at(-1), 'train')!;
    expect(train.data[0]![0]).toBe(256);
    expect(train.markLine!.data[0]!.xAxis).toBe(2560);
    await w.setProps({ xAxis: 'time', smoothing: 0.5 });
    const opt = fake.options.at(-1);
    expect(named(opt, 'train')!.data[0]![0]).toBeCloseTo(0.1);
    expect(named(opt, 'train (raw)')).toBeDefined();
    expect(fake.created).toBe(1);
  });
});
