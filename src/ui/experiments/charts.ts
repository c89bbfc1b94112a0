/**
 * Sweep results as chart series (pure): a metric against the dataset-level dropout rate X, one
 * series per sample-level rate Y (and the no-marker baseline as a level line), each point the mean
 * over seeds with the seeds' min–max as its spread. The same data reads out as sentences for
 * screen readers and tests.
 *
 * @example
 * const chart = accuracyChart(results);
 * chart.xs;                       // [0, 0.5]
 * chart.series[0].points[1].mean; // mean inferred-marker accuracy at X=0.5 over the seeds
 */
import { meanAccuracy } from '../../lib/eval/accuracy';
import type { CellResult } from '../../lib/experiment/run-cell';
import { BASELINE_COLOUR, SERIES_COLOURS } from '../shared/palette';

export interface ChartPoint {
  x: number;
  /** Seed → value, for the seeds measured at this x. */
  seeds: Array<{ seed: number; value: number }>;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface ChartSeries {
  label: string;
  color: string;
  dash: boolean;
  /** One per chart x, in order. */
  points: ChartPoint[];
}

export interface ChartModel {
  /** Dataset-level dropout rates, ascending. */
  xs: number[];
  series: ChartSeries[];
}

const COLORS = SERIES_COLOURS;
const BASELINE = BASELINE_COLOUR;

function point(x: number, measured: Array<{ seed: number; value: number | null | undefined }>): ChartPoint {
  const seeds = measured.flatMap((m) => (m.value === null || m.value === undefined || !Number.isFinite(m.value) ? [] : [{ seed: m.seed, value: m.value }]));
  const values = seeds.map((s) => s.value);
  return {
    x, seeds,
    mean: values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null,
    min: values.length > 0 ? Math.min(...values) : null,
    max: values.length > 0 ? Math.max(...values) : null,
  };
}

function xsOf(results: readonly CellResult[]): number[] {
  const xs = [...new Set(results.filter((r) => r.cell.markers).map((r) => r.cell.datasetRate))].sort((a, b) => a - b);
  return xs.length > 0 ? xs : [0, 1];
}

function ysOf(results: readonly CellResult[]): number[] {
  return [...new Set(results.filter((r) => r.cell.markers).map((r) => r.cell.sampleRate))].sort((a, b) => a - b);
}

/** One series per Y of a marker-cell metric. */
function markerSeries(results: readonly CellResult[], xs: number[], name: string, metric: (r: CellResult) => number | null | undefined, offset = 0, dash = false): ChartSeries[] {
  const ys = ysOf(results);
  return ys.map((y, i) => ({
    label: ys.length > 1 ? `${name}, Y=${y}` : name,
    color: COLORS[(i + offset) % COLORS.length]!,
    dash,
    points: xs.map((x) => point(x, results.filter((r) => r.cell.markers && r.cell.datasetRate === x && r.cell.sampleRate === y).map((r) => ({ seed: r.cell.seed, value: metric(r) })))),
  }));
}

/** Mean inferred-marker accuracy (over the judged categories) against X. */
export function accuracyChart(results: readonly CellResult[]): ChartModel {
  const xs = xsOf(results);
  return { xs, series: markerSeries(results, xs, 'inferred-marker accuracy', (r) => (r.accuracy ? meanAccuracy(r.accuracy) : null)) };
}

/** Length-bucket violation rate against X: inferred and fixed mode per Y, the baseline as a level line. */
export function violationChart(results: readonly CellResult[]): ChartModel {
  const xs = xsOf(results);
  const series = [
    ...markerSeries(results, xs, 'inferred mode', (r) => r.lengths.inferred?.rate),
    ...markerSeries(results, xs, 'fixed mode', (r) => r.lengths.fixed?.rate, 3, true),
  ];
  const base = results.filter((r) => !r.cell.markers).map((r) => ({ seed: r.cell.seed, value: r.lengths.baseline?.rate }));
  if (base.length > 0) series.push({ label: 'baseline (no markers)', color: BASELINE, dash: true, points: xs.map((x) => point(x, base)) });
  return { xs, series };
}

export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

/** The chart in words: each series' mean at each X, with the seeds' range when there are several. */
export function describeChart(chart: ChartModel): string[] {
  return chart.series.map((s) => {
    const parts = s.points.flatMap((p) => {
      if (p.mean === null) return [];
      const spread = p.seeds.length > 1 ? ` (${p.seeds.length} seeds, ${pct(p.min)}–${pct(p.max)})` : '';
      return [`X=${p.x} ${pct(p.mean)}${spread}`];
    });
    return `${s.label}: ${parts.length > 0 ? parts.join(', ') : 'not measured'}`;
  });
}

/** Columns for uPlot: x, then per series mean, min, max (min/max drawn as a band). */
export function alignedData(chart: ChartModel): Array<Array<number | null>> {
  const out: Array<Array<number | null>> = [chart.xs];
  for (const s of chart.series) {
    out.push(s.points.map((p) => p.mean), s.points.map((p) => p.min), s.points.map((p) => p.max));
  }
  return out;
}
