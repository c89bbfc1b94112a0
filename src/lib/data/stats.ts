/**
 * Dataset statistics for the Datasets view and the CLI: how each marker is distributed
 * (the long tail is the point of the method) and how long prompts and completions are.
 */
import { countTokens } from '../markers/measure';
import type { Taxonomy } from '../markers/taxonomy';
import type { Row } from './types';

/** Length distribution over rows, in tokens (characters unless `countTokens` says otherwise). */
export interface LengthStats {
  total: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface ValueCount {
  value: string;
  count: number;
  /** count / all rows. */
  share: number;
  /** False for a value found in rows but missing from the taxonomy. */
  known: boolean;
}

interface Coverage {
  name: string;
  /** Rows carrying a usable value. */
  set: number;
  /** Rows without the marker. */
  unset: number;
  /** set / rows. */
  coverage: number;
}

export interface CategoricalStats extends Coverage {
  kind: 'categorical';
  /** Every taxonomy value (zero counts included) plus unknown ones found: most frequent first, or in taxonomy order for ordered categories. */
  values: ValueCount[];
}

/** Histogram bin [lo, hi); the last bin of a float category also holds `max`. */
export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

export interface NumericStats extends Coverage {
  kind: 'numeric';
  /** Rows whose value is not a number (counted in neither set nor unset). */
  invalid: number;
  /** null when no row has a value. */
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
  bins: Bin[];
}

export type CategoryStats = CategoricalStats | NumericStats;

export interface DatasetStats {
  rows: number;
  prompt: LengthStats;
  completion: LengthStats;
  /** In taxonomy order. */
  categories: CategoryStats[];
}

export interface StatsOptions {
  /** Tokens in a text; defaults to Unicode code points, which is what a char tokenizer sees. */
  countTokens?: (text: string) => number;
  /** Bins for numeric histograms (default 10). */
  bins?: number;
}

/**
 * Per-category histograms and coverage, plus prompt/completion length totals.
 *
 * @example
 * const s = datasetStats(rows, taxonomy);
 * s.categories.find((c) => c.name === 'lang'); // { kind: 'categorical', values: [{ value: 'English', count: 812, … }, …] }
 */
export function datasetStats(rows: readonly Row[], taxonomy: Taxonomy, options: StatsOptions = {}): DatasetStats {
  const count = options.countTokens ?? countTokens;
  const bins = options.bins ?? 10;
  return {
    rows: rows.length,
    prompt: lengthStats(rows.map((r) => count(r.prompt))),
    completion: lengthStats(rows.map((r) => count(r.completion))),
    categories: taxonomy.categories.map((c) =>
      c.kind === 'categorical' ? categorical(rows, c.name, c.values, c.ordered === true) : numeric(rows, c.name, c.integer, bins),
    ),
  };
}

export interface TailValue {
  category: string;
  value: string;
  count: number;
  share: number;
}

/**
 * Categorical values present in at most `threshold` of all rows (the long tail; the paper calls
 * domains under 5% rare). Absent values are not tail, they are missing, so they are left out.
 *
 * @example
 * tailValues(datasetStats(rows, taxonomy)); // [{ category: 'domain', value: 'Legal', count: 31, share: 0.012 }, …]
 */
export function tailValues(stats: DatasetStats, threshold = 0.05): TailValue[] {
  const tail: TailValue[] = [];
  for (const c of stats.categories) {
    if (c.kind !== 'categorical') continue;
    for (const v of c.values) {
      if (v.count > 0 && v.share <= threshold) tail.push({ category: c.name, value: v.value, count: v.count, share: v.share });
    }
  }
  return tail;
}

function categorical(rows: readonly Row[], name: string, values: readonly string[], ordered: boolean): CategoricalStats {
  const counts = new Map<string, number>(values.map((v) => [v, 0]));
  let set = 0;
  for (const row of rows) {
    const v = row.markers[name];
    if (v === undefined) continue;
    set++;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const rank = new Map(values.map((v, i) => [v, i]));
  const list = [...counts].map(([value, n]) => ({ value, count: n, share: share(n, rows.length), known: rank.has(value) }));
  // The long tail shows best most-frequent first; ordinal values (length, quality buckets) keep their order.
  list.sort((a, b) => (ordered ? 0 : b.count - a.count) || order(a.value, b.value, rank));
  return { name, kind: 'categorical', set, unset: rows.length - set, coverage: share(set, rows.length), values: list };
}

function order(a: string, b: string, rank: Map<string, number>): number {
  const ra = rank.get(a) ?? Infinity, rb = rank.get(b) ?? Infinity;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

function numeric(rows: readonly Row[], name: string, integer: boolean, nBins: number): NumericStats {
  const xs: number[] = [];
  let unset = 0;
  let invalid = 0;
  for (const row of rows) {
    const v = row.markers[name];
    if (v === undefined) unset++;
    else if (v.trim() === '' || !Number.isFinite(Number(v))) invalid++;
    else xs.push(Number(v));
  }
  const base = { name, kind: 'numeric' as const, set: xs.length, unset, invalid, coverage: share(xs.length, rows.length) };
  if (xs.length === 0) return { ...base, min: null, max: null, mean: null, median: null, bins: [] };
  const sorted = Float64Array.from(xs).sort();
  const min = sorted[0]!, max = sorted[sorted.length - 1]!;
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { ...base, min, max, mean: sum(xs) / xs.length, median, bins: histogram(sorted, min, max, integer, nBins) };
}

function histogram(sorted: Float64Array, min: number, max: number, integer: boolean, nBins: number): Bin[] {
  if (min === max) return [{ lo: min, hi: integer ? min + 1 : max, count: sorted.length }];
  // Integer categories get integer-aligned bins so a bin never straddles half a count.
  const width = integer ? Math.ceil((max - min + 1) / nBins) : (max - min) / nBins;
  const n = integer ? Math.ceil((max - min + 1) / width) : nBins;
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ lo: min + i * width, hi: min + (i + 1) * width, count: 0 }));
  if (!integer) bins[n - 1]!.hi = max;
  for (const x of sorted) bins[Math.min(Math.floor((x - min) / width), n - 1)]!.count++;
  return bins;
}

function lengthStats(lengths: number[]): LengthStats {
  if (lengths.length === 0) return { total: 0, mean: 0, p50: 0, p95: 0, max: 0 };
  const sorted = Float64Array.from(lengths).sort();
  const total = sum(lengths);
  return {
    total,
    mean: total / lengths.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1]!,
  };
}

/** Nearest-rank percentile: the smallest value with at least p of the data at or below it. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function share(n: number, total: number): number {
  return total === 0 ? 0 : n / total;
}
