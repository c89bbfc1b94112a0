/**
 * Annotators that need the whole dataset, not one row: length buckets (thresholds from the length
 * distribution) and quality buckets (quartiles of the quality score within each language).
 */
import { countTokens } from './measure';
import { LENGTH_BUCKETS, type QUALITY_BUCKETS } from './taxonomy';

export type LengthBucket = (typeof LENGTH_BUCKETS)[number];
export type QualityBucket = (typeof QUALITY_BUCKETS)[number];

/**
 * How length buckets are cut. `quantile` (default) takes the dataset's own terciles, so even a small
 * or uniformly short dataset has concise, medium and long examples to learn the marker from; `paper`
 * is the paper's < 300 / 300–1000 / > 1000 tokens (its tokens are subwords; ours are characters);
 * `fixed` sets the two limits by hand.
 */
export type LengthBucketOptions =
  | { mode: 'quantile' }
  | { mode: 'paper' }
  | { mode: 'fixed'; concise: number; medium: number };

/** concise: tokens < `concise`; medium: `concise` ≤ tokens ≤ `medium`; long: tokens > `medium`. */
export interface LengthThresholds {
  /**
   * `labels`: cut where the data's own length_bucket markers change (see thresholdsFromLabels);
   * `spread`: quantile mode whose terciles were too close to separate, cut at even steps on a log
   * scale between the shortest and the longest completion instead (see lengthThresholds).
   */
  mode: LengthBucketOptions['mode'] | 'labels' | 'spread';
  concise: number;
  medium: number;
}

export const PAPER_LENGTH_THRESHOLDS: Readonly<LengthThresholds> = { mode: 'paper', concise: 300, medium: 1000 };

/**
 * Thresholds for `length_bucket` from the lengths (in tokens) of a dataset's completions.
 *
 * Quantile mode never splits a group of equal lengths: each cut goes to the change of value nearest
 * to a third (two thirds) of the sorted lengths. With three or more distinct lengths all three buckets
 * are non-empty; with two, there are concise and long; when all lengths are equal, all are medium.
 * When the terciles fall so close that the medium band is under a tenth of the concise limit wide
 * (a small upload: 94 / 96), the rule says so (mode `spread`) and cuts halfway, on a log scale,
 * between the lengths on either side of each tercile; if that is still too narrow, at a third and
 * two thirds of the way from the shortest to the longest length on a log scale.
 *
 * @example
 * lengthThresholds([10, 20, 30, 40, 50, 60], { mode: 'quantile' }) // → { mode: 'quantile', concise: 30, medium: 40 }
 * lengthThresholds([], { mode: 'paper' })                           // → { mode: 'paper', concise: 300, medium: 1000 }
 */
export function lengthThresholds(lengths: readonly number[], options: LengthBucketOptions = { mode: 'quantile' }): LengthThresholds {
  if (options.mode === 'paper') return { ...PAPER_LENGTH_THRESHOLDS };
  if (options.mode === 'fixed') {
    const { concise, medium } = options;
    if (!(Number.isFinite(concise) && Number.isFinite(medium) && concise > 0 && concise <= medium)) {
      throw new RangeError(`length buckets need 0 < concise ≤ medium, got concise=${concise}, medium=${medium}`);
    }
    return { mode: 'fixed', concise, medium };
  }
  const sorted = [...lengths].sort((a, b) => a - b);
  const n = sorted.length;
  // Positions p where sorted[p - 1] < sorted[p]: the only places a cut can go without splitting ties.
  const changes: number[] = [];
  for (let p = 1; p < n; p++) if (sorted[p - 1]! < sorted[p]!) changes.push(p);
  if (changes.length === 0) {
    const v = sorted[0] ?? 0;
    return { mode: 'quantile', concise: v, medium: v };
  }
  const nearest = (target: number, among: readonly number[]): number =>
    among.reduce((best, p) => (Math.abs(p - target) < Math.abs(best - target) ? p : best));
  const first = nearest(n / 3, changes.length > 1 ? changes.slice(0, -1) : changes);
  const later = changes.filter((p) => p > first);
  const second = later.length > 0 ? nearest((2 * n) / 3, later) : first;
  const terciles: LengthThresholds = { mode: 'quantile', concise: sorted[first]!, medium: sorted[second - 1]! };
  if (separates(terciles)) return terciles;
  // Too close: cut halfway (on a log scale) between the neighbouring lengths instead of at them.
  const mid = (p: number) => Math.sqrt(Math.max(1, sorted[p - 1]!) * Math.max(1, sorted[p]!));
  const between: LengthThresholds = { mode: 'spread', concise: Math.ceil(mid(first)), medium: Math.floor(mid(second)) };
  if (second > first && separates(between)) return between;
  return spreadThresholds(sorted[0]!, sorted[n - 1]!) ?? terciles;
}

/**
 * Terciles separate when the medium band is at least a tenth of the concise limit wide: a small
 * upload's terciles can fall on neighbouring lengths (94 / 96), and then a generated answer's bucket
 * turns on one or two characters.
 */
const MIN_MEDIUM_BAND = 0.1;

function separates(t: LengthThresholds): boolean {
  return t.medium - t.concise + 1 >= MIN_MEDIUM_BAND * t.concise;
}

/**
 * Cuts at a third and two thirds of the way from the shortest to the longest length on a log scale
 * (lengths vary by factors, not by steps); undefined when even those do not separate.
 *
 * @example
 * spreadThresholds(50, 400); // { mode: 'spread', concise: 100, medium: 199 }
 */
function spreadThresholds(min: number, max: number): LengthThresholds | undefined {
  const lo = Math.max(1, min);
  const at = (f: number) => Math.round(lo * (max / lo) ** f);
  const t: LengthThresholds = { mode: 'spread', concise: at(1 / 3), medium: at(2 / 3) - 1 };
  return t.concise > min && separates(t) ? t : undefined;
}

/**
 * Thresholds that agree best with length_bucket markers already in the data, so rows the data did
 * not label (and, later, generated text) are judged by the rule that labelled the rest. Each cut is
 * placed where the fewest labelled rows fall on the wrong side (midway between the neighbouring
 * lengths). Needs labelled rows in at least two buckets; otherwise undefined.
 *
 * @example
 * thresholdsFromLabels([{ tokens: 40, bucket: 'concise' }, { tokens: 200, bucket: 'medium' }, { tokens: 500, bucket: 'long' }])
 * // → { mode: 'labels', concise: 120, medium: 350 }
 */
export function thresholdsFromLabels(
  labelled: ReadonlyArray<{ tokens: number; bucket: LengthBucket }>,
): LengthThresholds | undefined {
  const rank: Record<LengthBucket, number> = { concise: 0, medium: 1, long: 2 };
  const present = new Set(labelled.map((l) => l.bucket));
  if (present.size < 2) return undefined;
  const sorted = [...labelled].sort((a, b) => a.tokens - b.tokens);
  // Best cut between "rank ≤ k" and "rank > k": errors = rows above the cut with rank ≤ k + rows below with rank > k.
  const cut = (k: number): number => {
    let above = sorted.filter((l) => rank[l.bucket] <= k).length;
    let below = 0;
    let best = { errors: above, at: sorted[0]!.tokens };
    for (let i = 0; i < sorted.length; i++) {
      if (rank[sorted[i]!.bucket] <= k) above--;
      else below++;
      const next = sorted[i + 1];
      if (next && next.tokens === sorted[i]!.tokens) continue;
      const at = next ? (sorted[i]!.tokens + next.tokens) / 2 : sorted[i]!.tokens + 1;
      if (above + below < best.errors) best = { errors: above + below, at };
    }
    return Math.ceil(best.at);
  };
  const concise = cut(0);
  const medium = Math.max(concise, cut(1) - 1);
  return { mode: 'labels', concise, medium };
}

/**
 * The length_bucket rule of labelled rows: thresholdsFromLabels over their completions' lengths
 * (code points) and labels. Rows without a valid length_bucket are skipped.
 *
 * @example
 * lengthRuleOfRows(rows); // { mode: 'labels', concise: 115, medium: 303 } on the teaching set
 */
export function lengthRuleOfRows(rows: ReadonlyArray<{ completion: string; markers: Readonly<Record<string, string>> }>): LengthThresholds | undefined {
  const labelled = rows.flatMap((r) => {
    const b = r.markers.length_bucket;
    return b !== undefined && (LENGTH_BUCKETS as readonly string[]).includes(b) ? [{ tokens: countTokens(r.completion), bucket: b as LengthBucket }] : [];
  });
  return thresholdsFromLabels(labelled);
}

/**
 * The bucket of one length under given thresholds; evaluation and the Play view use this to judge a
 * generated completion by the rule that labelled the training data.
 *
 * @example
 * lengthBucketOf(250, { mode: 'paper', concise: 300, medium: 1000 }) // → 'concise'
 */
export function lengthBucketOf(tokens: number, t: LengthThresholds): LengthBucket {
  if (tokens < t.concise) return 'concise';
  return tokens <= t.medium ? 'medium' : 'long';
}

/** One quality score to bucket, with the language whose quartiles it belongs to (undefined: global). */
export interface ScoredItem {
  score: number;
  lang: string | undefined;
}

/** Scores of one group: how many, and the lowest score in each bucket (null when a bucket is empty). */
export interface QualityGroup {
  rows: number;
  bucketMin: [number | null, number | null, number | null, number | null];
}

export interface QualityBuckets {
  /** One bucket per input item, in order. */
  buckets: QualityBucket[];
  /** Languages with their own quartiles. */
  perLanguage: Record<string, QualityGroup>;
  /** All scored rows together; used for rows without a language or whose language has too few rows. */
  global: QualityGroup;
  /** Languages that had rows but fewer than `minRows`, so their rows were bucketed globally. */
  fallback: string[];
}

/**
 * Fewest scored rows a language needs for its own quartiles. Below 20 a quartile holds under five
 * rows and one row moves its cut, so the global quartiles are the steadier estimate.
 */
export const QUALITY_MIN_ROWS_PER_LANGUAGE = 20;

/**
 * Quality quartiles, 1 = best (top quarter of scores, higher is better), computed per language as in
 * the paper so that each language has its own best examples. Buckets go by rank; tied scores share
 * the rank of their middle, so equal scores always get the same bucket.
 *
 * @example
 * qualityBuckets([{ score: 0.9, lang: 'English' }, { score: 0.1, lang: 'English' }], 1).buckets // → ['1', '3']
 */
export function qualityBuckets(items: readonly ScoredItem[], minRows: number = QUALITY_MIN_ROWS_PER_LANGUAGE): QualityBuckets {
  const byLang = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (item.lang === undefined) return;
    const group = byLang.get(item.lang) ?? [];
    group.push(i);
    byLang.set(item.lang, group);
  });
  const buckets: QualityBucket[] = new Array<QualityBucket>(items.length).fill('4');
  const perLanguage: Record<string, QualityGroup> = {};
  const fallback: string[] = [];
  const globalMembers: number[] = [];
  items.forEach((item, i) => {
    const group = item.lang === undefined ? undefined : byLang.get(item.lang);
    if (!group || group.length < minRows) globalMembers.push(i);
  });
  for (const [lang, members] of byLang) {
    if (members.length >= minRows) perLanguage[lang] = assign(items, members, buckets);
    else fallback.push(lang);
  }
  // The global quartiles rank every scored row; only the fallback rows take their bucket from them.
  const all = items.map((_, i) => i);
  const globalBuckets = [...buckets];
  const global = assign(items, all, globalBuckets);
  for (const i of globalMembers) buckets[i] = globalBuckets[i]!;
  return { buckets, perLanguage, global, fallback: fallback.sort() };
}

/** Bucket `members` by the rank of their score (descending), writing into `out`. */
function assign(items: readonly ScoredItem[], members: readonly number[], out: QualityBucket[]): QualityGroup {
  const order = [...members].sort((a, b) => items[b]!.score - items[a]!.score);
  const n = order.length;
  const bucketMin: QualityGroup['bucketMin'] = [null, null, null, null];
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && items[order[end + 1]!]!.score === items[order[start]!]!.score) end++;
    const midRank = (start + end) / 2;
    const b = Math.min(3, Math.floor((4 * midRank) / n));
    const score = items[order[start]!]!.score;
    for (let k = start; k <= end; k++) out[order[k]!] = String(b + 1) as QualityBucket;
    bucketMin[b] = score;
    start = end + 1;
  }
  return { rows: n, bucketMin };
}
