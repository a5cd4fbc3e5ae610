// A chart that records every option it is given instead of drawing (happy-dom has no canvas), for tests that read
// what a view plots. Use: vi.mock('../charts/echarts', async () => ({ createChart: (await import('../testing/charts')).recordingChart })).
// Not imported by the app.
export const recordedCharts = { options: [] as { el: HTMLElement; option: Record<string, unknown> }[] };

export function recordingChart(el: HTMLElement) {
  return {
    setOption: (o: Record<string, unknown>) => recordedCharts.options.push({ el, option: o }),
    resize: () => undefined,
    dispose: () => undefined,
  };
}

export type ChartLine = { name: string; data: [number, number][] };

/** The series the chart with this data-testid was last given. */
export function lastSeries(testid: string): ChartLine[] {
  const hit = [...recordedCharts.options].reverse().find((o) => o.el.dataset['testid'] === testid);
  return (hit?.option['series'] ?? []) as ChartLine[];
}
