import uPlot from 'uplot';
import type { ChartOptions } from './UplotChart';

const SEAL = '#a4161a';
const SEAL_TINT = 'rgba(164, 22, 26, 0.78)';
const INK_MUTED = '#5d554c';
const GRID = '#e2dacd';
const FONT = '12px system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif';

const axis = (extra: Partial<uPlot.Axis> = {}): uPlot.Axis => ({ stroke: INK_MUTED, font: FONT, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 }, ...extra });

/** Whole numbers only on a count axis. */
const countSplits: uPlot.Axis.Splits = (_u, _axis, min, max) => {
  const top = Math.max(1, Math.ceil(max));
  const step = Math.max(1, Math.ceil((top - Math.max(0, Math.floor(min))) / 5));
  const splits: number[] = [];
  for (let v = 0; v <= top; v += step) splits.push(v);
  return splits;
};

const bars = uPlot.paths.bars?.({ size: [0.7, 64], align: 0 });

/** Bars, one per category, labelled under the axis. */
export function categoryBarOptions(labels: readonly string[], seriesLabel: string): ChartOptions {
  return {
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.5, Math.max(0.5, labels.length - 0.5)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      axis({ splits: () => labels.map((_, i) => i), values: (_u, splits) => splits.map((i) => truncate(labels[i] ?? '', labels.length > 6 ? 6 : 12)), grid: { show: false }, size: 40 }),
      axis({ splits: countSplits, values: (_u, splits) => splits.map(String), size: 44 }),
    ],
    series: [{}, { label: seriesLabel, stroke: SEAL, fill: SEAL_TINT, width: 0, ...(bars === undefined ? {} : { paths: bars }), points: { show: false } }],
  };
}

/** Bars over days (x in seconds), in China time. */
export function dayBarOptions(seriesLabel: string): ChartOptions {
  return {
    legend: { show: false },
    cursor: { show: false },
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [axis({ grid: { show: false } }), axis({ splits: countSplits, values: (_u, splits) => splits.map(String), size: 44 })],
    series: [{}, { label: seriesLabel, stroke: SEAL, fill: SEAL_TINT, width: 0, ...(bars === undefined ? {} : { paths: uPlot.paths.bars?.({ size: [0.8, 40], align: 0 }) }), points: { show: false } }],
  };
}

const truncate = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
