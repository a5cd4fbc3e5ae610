// The value axes every line chart shares (compact tick labels, themed label and grid colours), so the loss chart
// and the overlay chart draw their axes the same way.
import { tickLabel } from './ticks';
import type { chartPalette, ChartOption } from './useChart';

type Palette = ReturnType<typeof chartPalette>;

/** A scaled value axis named `name` (the y axis as is; the x axis through `xValueAxis`). */
export function valueAxis(pal: Palette, name: string): ChartOption {
  return {
    type: 'value',
    name,
    scale: true,
    axisLabel: { color: pal.muted, formatter: tickLabel },
    splitLine: { lineStyle: { color: pal.grid } },
  };
}

/** The x axis: a value axis with its name centred below the ticks. */
export function xValueAxis(pal: Palette, name: string): ChartOption {
  return { ...valueAxis(pal, name), nameLocation: 'middle', nameGap: 28 };
}
