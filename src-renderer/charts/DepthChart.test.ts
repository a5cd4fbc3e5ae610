// @vitest-environment happy-dom
// The depth chart names its dataset, draws each stage's 95% interval as an error bar and, for multiple
// choice, the chance level — 0.17 → 0.25 with ±0.13 bars around a 0.25 chance line does not read as a trend.
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import DepthChart from './DepthChart.vue';

const fake = vi.hoisted(() => ({ options: [] as Record<string, unknown>[] }));
vi.mock('./echarts', () => ({
  createChart: () => ({
    setOption: (o: Record<string, unknown>) => fake.options.push(o),
    resize: () => undefined,
    dispose: () => undefined,
  }),
}));

type Seg = [{ coord: [number, number] }, { coord: [number, number] }];
type MarkLine = { data: (Seg | { yAxis: number; name: string })[] };

describe('DepthChart', () => {
  it('names the dataset and draws error bars and the chance line', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const points = [
      { depth: 2, value: 0.25, ci: 0.13 },
      { depth: 1, value: 0.17, ci: 0.1 },
    ];
    const w = mount(DepthChart, {
      props: { points, metric: 'acc', protocol: 'paper (sampled runs)', dataset: 'multiple choice', chance: 0.25 },
      global: { plugins: [pinia] },
    });
    await flushPromises();
    expect(w.get('[data-testid="depth-caption"]').text()).toMatch(
      /^acc on multiple choice · paper \(sampled runs\) · bars: 95% interval · dashed: chance 0\.250$/,
    );
    expect(w.get('[data-testid="depth-chart"]').attributes('aria-label')).toBe(
      'acc on multiple choice · paper (sampled runs) by depth: depth 1 0.170 ± 0.100, depth 2 0.250 ± 0.130; chance 0.250',
    );
    const series = (fake.options.at(-1)!['series'] as { data: number[][]; markLine: MarkLine }[])[0]!;
    expect(series.data).toEqual([
      [1, 0.17],
      [2, 0.25],
    ]);
    const lines = series.markLine.data;
    const bars = lines.filter((l): l is Seg => Array.isArray(l) && l[0].coord[0] === l[1].coord[0]);
    expect(bars.map((b) => [b[0].coord[0], b[0].coord[1], b[1].coord[1]])).toEqual([
      [1, 0.17 - 0.1, 0.17 + 0.1],
      [2, 0.25 - 0.13, 0.25 + 0.13],
    ]);
    expect(lines.find((l) => !Array.isArray(l))).toMatchObject({ yAxis: 0.25, name: 'chance' });
    w.unmount();
  });
});
