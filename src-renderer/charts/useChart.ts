// Binds one ECharts instance to an element for a component's lifetime: created once, updated with
// setOption as the option changes (never re-created), resized with its box, disposed on unmount.
import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import type { Chart } from './echarts';

export type ChartOption = Record<string, unknown>;
/** What the loss chart's x-axis counts. */
export type XAxisMode = 'steps' | 'tokens' | 'time';

/** One load of the chart module for every chart on the page (charts mounting together share it); a failed load is retried. */
let loading: Promise<typeof import('./echarts')> | null = null;
function loadCharts(): Promise<typeof import('./echarts')> {
  loading ??= import('./echarts').catch((err: unknown) => {
    loading = null;
    throw err;
  });
  return loading;
}

export function useChart(el: Ref<HTMLElement | null>, option: () => ChartOption | null): void {
  let chart: Chart | null = null;
  let observer: ResizeObserver | null = null;
  let alive = true;

  function apply(opt: ChartOption | null): void {
    // replaceMerge drops series/markers that vanished (e.g. validation turned off) instead of keeping stale ones.
    if (chart && opt) chart.setOption(opt, { replaceMerge: ['series'], lazyUpdate: true });
  }

  onMounted(async () => {
    const { createChart } = await loadCharts();
    if (!alive || !el.value) return;
    chart = createChart(el.value);
    apply(option());
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => chart?.resize());
      observer.observe(el.value);
    }
  });

  watch(option, apply);

  onBeforeUnmount(() => {
    alive = false;
    observer?.disconnect();
    chart?.dispose();
    chart = null;
  });
}

/** Chart colours from the theme's CSS variables, so charts follow light/dark like the rest of the page. */
export function chartPalette(): { fg: string; muted: string; grid: string; series: string[] } {
  const cs = typeof getComputedStyle === 'function' ? getComputedStyle(document.documentElement) : null;
  const v = (name: string, fallback: string) => cs?.getPropertyValue(name).trim() || fallback;
  return {
    fg: v('--fg', '#1d2430'),
    muted: v('--muted', '#5b6472'),
    grid: v('--line', '#d9dee6'),
    series: [v('--c-train', '#2f6fdf'), v('--c-val', '#d9772b'), v('--c-3', '#2a9d6f'), v('--c-4', '#a04fc2')],
  };
}
