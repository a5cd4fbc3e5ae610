// @vitest-environment happy-dom
// Issue 28 item 4: chart axes print round ticks, never the raw float ECharts gives a zoomed or data-bound end
// (0.546837218935656, 11,980.894548455222): each chart's value axes format through tickLabel, and the depth
// chart's own data-bound ends are rounded.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import DepthChart from './DepthChart.vue';
import LossChart from './LossChart.vue';
import OverlayChart from './OverlayChart.vue';
import { niceEnd, tickLabel } from './ticks';

const fake = vi.hoisted(() => ({ options: [] as Record<string, unknown>[] }));
vi.mock('./echarts', () => ({
  createChart: () => ({
    setOption: (o: Record<string, unknown>) => fake.options.push(o),
    resize: () => undefined,
    dispose: () => undefined,
  }),
}));

type Axis = {
  axisLabel: { formatter?: (v: number) => string };
  min?: (v: { min: number }) => number;
  max?: (v: { max: number }) => number;
};
const axes = (o: Record<string, unknown>) => [o['xAxis'] as Axis, o['yAxis'] as Axis];

describe('tickLabel', () => {
  it('rounds the floats the issue saw and keeps round numbers as they are', () => {
    expect(tickLabel(0.546837218935656)).toBe('0.5468');
    expect(tickLabel(11980.894548455222)).toBe('11,981');
    expect(tickLabel(0.30000000000000004)).toBe('0.3');
    expect(tickLabel(4)).toBe('4');
    expect(tickLabel(2.5)).toBe('2.5');
    expect(tickLabel(-0.0007239)).toBe('-0.0007239');
    expect(tickLabel(0)).toBe('0');
  });
  it('rounds an axis end outwards to the span’s second digit', () => {
    expect(niceEnd(0.546837218935656, 0.3, 'down')).toBe(0.54);
    expect(niceEnd(0.546837218935656, 0.3, 'up')).toBe(0.55);
    expect(niceEnd(11980.894548455222, 5000, 'up')).toBe(12000);
  });
});

describe('charts use round ticks', () => {
  it('the loss, overlay and depth charts format every value axis', async () => {
    setActivePinia(createPinia());
    fake.options = [];
    mount(LossChart, { props: { runId: 'r1' } });
    mount(OverlayChart, {
      props: {
        series: [{ name: 'a', points: [[1, 0.546837218935656]] }],
        testid: 'overlay',
        label: 'loss by arm',
        xName: 'tokens',
        yName: 'loss',
      },
    });
    mount(DepthChart, {
      props: {
        points: [
          { depth: 1, value: 0.546837218935656, ci: 0.1 },
          { depth: 2, value: 0.61, ci: 0.1 },
        ],
        metric: 'acc',
        protocol: 'loglik (harness)',
        dataset: 'arc',
      },
    });
    await flushPromises();
    expect(fake.options.length).toBeGreaterThanOrEqual(3);
    for (const o of fake.options) {
      for (const a of axes(o)) expect(a.axisLabel.formatter?.(0.546837218935656)?.length ?? 99).toBeLessThanOrEqual(6);
    }
    const depthY = axes(fake.options.at(-1)!)[1]!;
    const lo = depthY.min!({ min: 0.4468372189 });
    const hi = depthY.max!({ max: 0.7 });
    expect(String(lo).length).toBeLessThanOrEqual(5);
    expect(String(hi).length).toBeLessThanOrEqual(5);
  });
});
