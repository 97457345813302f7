import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { createEffect, onCleanup, onMount } from 'solid-js';

/** Options without the size: the chart takes its container's width. */
export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

const HEIGHT = 240;

/**
 * A uPlot chart filling its container's width, drawn again when `options` or `data` change. The
 * canvas is hidden from assistive technology: every chart has its text alternative beside it.
 */
export function UplotChart(props: { options: ChartOptions; data: uPlot.AlignedData; testId?: string }) {
  let host: HTMLDivElement | undefined;
  let chart: uPlot | undefined;
  const width = (): number => Math.max(240, Math.floor(host?.clientWidth ?? 480));
  onMount(() => {
    const observer = new ResizeObserver(() => {
      if (chart !== undefined && chart.width !== width()) chart.setSize({ width: width(), height: HEIGHT });
    });
    if (host !== undefined) observer.observe(host);
    onCleanup(() => observer.disconnect());
  });
  createEffect(() => {
    const options = props.options;
    const data = props.data;
    chart?.destroy();
    if (host === undefined) return;
    chart = new uPlot({ ...options, width: width(), height: HEIGHT }, data, host);
  });
  onCleanup(() => chart?.destroy());
  return <div class="hq-chart-canvas" ref={host} aria-hidden="true" data-testid={props.testId} />;
}
