/**
 * The one place a uPlot chart is made, sized and destroyed: a Svelte attachment. It draws only where
 * the browser has a 2D canvas (a DOM without one keeps the component's text summary), follows the
 * element's width and destroys the chart when the element goes or the attachment re-runs.
 *
 * The attachment runs `make` in an effect: reactive values it reads re-create the chart (a new model
 * for MetricChart); wrap reads in `untrack` for values the component streams in with `setData`.
 *
 * @example
 * <div class="plot" {@attach uplotChart(() => ({ options, data, height: 220, minWidth: 220 }), (p) => (plot = p))}></div>
 */
import type { Attachment } from 'svelte/attachments';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSpec {
  /** uPlot's options without the size, which follows the element. */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** px */
  height: number;
  /** px: the chart never gets narrower than this, whatever the element's width. */
  minWidth: number;
}

/** A colour of the theme (a custom property of ../theme.css), for drawing on a canvas. */
export function themeColour(name: `--${string}`): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function canDraw(): boolean {
  return document.createElement('canvas').getContext('2d') !== null;
}

/**
 * @param make the chart's options and first data; its width is the element's.
 * @param onChart told the chart once it is drawn and `null` once it is destroyed (to `setData` or export it).
 */
export function uplotChart(make: () => ChartSpec, onChart?: (plot: uPlot | null) => void): Attachment<HTMLElement> {
  return (host) => {
    if (!canDraw()) return;
    const spec = make();
    const width = () => Math.max(spec.minWidth, host.clientWidth);
    let plot: uPlot;
    try {
      plot = new uPlot({ ...spec.options, width: width(), height: spec.height }, spec.data, host);
    } catch {
      return;
    }
    let drawnWidth = plot.width;
    const resize = new ResizeObserver(() => {
      const w = width();
      if (w === drawnWidth) return;
      drawnWidth = w;
      plot.setSize({ width: w, height: spec.height });
    });
    resize.observe(host);
    onChart?.(plot);
    return () => {
      resize.disconnect();
      onChart?.(null);
      plot.destroy();
    };
  };
}
