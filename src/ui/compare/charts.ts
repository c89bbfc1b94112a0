/**
 * Histogram rows for the Compare view's overlaid charts: one row per bin or value, one count per
 * column. Pure, so the binning is tested without a DOM.
 */
import { lengthBucketOf, type LengthBucket, type LengthThresholds } from '../../lib/markers/annotate-dataset';

export interface HistogramRow {
  key: string;
  label: string;
  /** One count per column, in column order. */
  counts: number[];
  /** Length rows: the bucket the whole bin falls in (bins never straddle a bucket limit). */
  bucket?: LengthBucket;
}

/** 1, 2 or 5 × 10^k, the smallest at or above x. */
export function niceStep(x: number): number {
  if (!(x > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * Lengths (tokens) of each column's samples in shared bins of a round width, also cut at the bucket
 * limits when given, so each bin lies in one bucket.
 *
 * @example
 * lengthRows([[3, 12], [25]], undefined, 3) // bins 0–9, 10–19, 20–25 with counts [1,0], [1,0], [0,1]
 */
export function lengthRows(lengths: readonly (readonly number[])[], thresholds?: LengthThresholds, targetBins = 8): HistogramRow[] {
  const all = lengths.flat();
  if (all.length === 0) return [];
  const max = Math.max(...all);
  const step = niceStep((max + 1) / targetBins);
  const edges = new Set<number>();
  for (let e = 0; e <= max; e += step) edges.add(e);
  if (thresholds) {
    // A length is medium from `concise` and long from `medium + 1` (see lengthBucketOf).
    for (const e of [Math.ceil(thresholds.concise), Math.floor(thresholds.medium) + 1]) if (e > 0 && e <= max) edges.add(e);
  }
  const sorted = [...edges].sort((a, b) => a - b);
  return sorted.map((lo, i) => {
    const hi = sorted[i + 1] ?? max + 1; // exclusive
    const counts = lengths.map((col) => col.filter((x) => x >= lo && x < hi).length);
    const label = hi - 1 === lo ? `${lo}` : `${lo}–${hi - 1}`;
    return { key: `${lo}`, label, counts, ...(thresholds ? { bucket: lengthBucketOf(lo, thresholds) } : {}) };
  });
}

/**
 * Counts of each value per column, most frequent first; undefined values become `missing`
 * (e.g. "unidentified" languages, "plain prose"), always last.
 *
 * @example
 * valueRows([['English', undefined], ['French']], 'unidentified')
 * // → English [1,0], French [0,1], unidentified [1,0]
 */
export function valueRows(values: readonly (readonly (string | undefined)[])[], missing: string): HistogramRow[] {
  const totals = new Map<string, number>();
  for (const col of values) for (const v of col) if (v !== undefined) totals.set(v, (totals.get(v) ?? 0) + 1);
  const keys = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const rows = keys.map((k) => ({ key: k, label: k, counts: values.map((col) => col.filter((v) => v === k).length) }));
  const none = values.map((col) => col.filter((v) => v === undefined).length);
  if (none.some((c) => c > 0)) rows.push({ key: '\u0000missing', label: missing, counts: none });
  return rows;
}

/**
 * The words a screen reader gets for a chart: per column, its sample count and non-zero rows.
 *
 * @example
 * chartSummary('Language', rows, ['A', 'B'], [16, 16]) // 'Language. A, 16 samples: English 10, unidentified 6. B, …'
 */
export function chartSummary(title: string, rows: readonly HistogramRow[], names: readonly string[], totals: readonly number[]): string {
  const parts = names.map((name, i) => {
    const bins = rows.filter((r) => (r.counts[i] ?? 0) > 0).map((r) => `${r.label} ${r.counts[i]}`);
    const n = totals[i] ?? 0;
    return `${name}, ${n} sample${n === 1 ? '' : 's'}: ${bins.length > 0 ? bins.join(', ') : 'none'}`;
  });
  return `${title}. ${parts.join('. ')}.`;
}

/** The thresholds every column was judged with, or undefined when they differ or are missing. */
export function sharedThresholds(list: readonly (LengthThresholds | undefined)[]): LengthThresholds | undefined {
  const first = list[0];
  if (!first) return undefined;
  return list.every((t) => t && t.concise === first.concise && t.medium === first.medium) ? first : undefined;
}
