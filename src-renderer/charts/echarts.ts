// The only module that imports ECharts: registers just the pieces our charts use, the first time a chart
// is created (it is loaded with a dynamic import, so views without charts never download it).
import { LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
} from 'echarts/components';
import { init, use, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

let registered = false;

export type Chart = Pick<EChartsType, 'setOption' | 'resize' | 'dispose'>;

export function createChart(el: HTMLElement): Chart {
  if (!registered) {
    use([
      LineChart,
      ScatterChart,
      GridComponent,
      TooltipComponent,
      LegendComponent,
      MarkLineComponent,
      MarkPointComponent,
      DataZoomComponent,
      CanvasRenderer,
    ]);
    registered = true;
  }
  return init(el, undefined, { renderer: 'canvas' });
}
