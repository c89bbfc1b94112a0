/**
 * Pure helpers of the Play view: labelled next-token bars (with what top-k / top-p would cut),
 * a streaming sample's text and marker chips, and the N-sample summary (the paper's Fig. 1:
 * measured length against the requested bucket, language, format). No tf, no DOM.
 *
 * @example
 * nextBars(ids, probs, tok, { topK: 5, topP: 0.9 }); // [{ id, label: 'e', p: 0.21, kept: true }, …]
 * summarize(samples, { length_bucket: 'long' }, { mode: 'quantile', concise: 40, medium: 120 });
 */
import { violationRates } from '../eval/violation';
import { measureCompletion } from '../markers/measure';
import { lengthBucketOf, type LengthThresholds } from '../markers/annotate-dataset';
import { formatBlock, parseCompletionPieces, type Piece } from '../markers/template';
import type { Markers, Taxonomy } from '../markers/taxonomy';
import { decodeIds, EOS_ID, tokenLabel, type TokenizerSpec } from '../tokenizer/tokenizer';
import type { PlayedSample } from '../../../workers/player.api';

/** A probability as a short percentage: '<0.1%', '4.2%', '38%'. */
export function pct(p: number): string {
  return p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}

export interface NextBar {
  id: number;
  label: string;
  p: number;
  /** False when the current top-k / top-p settings would never sample this token. */
  kept: boolean;
}

/**
 * Labels for the top next tokens (sorted most likely first, as the player returns them). A token is
 * cut by top-k when k tokens rank above it, and by top-p when the tokens strictly more likely than it
 * already hold p of the mass (the sampler's rule, so the bars show what sampling will do).
 */
export function nextBars(ids: Int32Array, probs: Float32Array, tok: TokenizerSpec, sampling: { topK: number; topP: number }): NextBar[] {
  const bars: NextBar[] = [];
  for (let i = 0; i < ids.length; i++) {
    const p = probs[i]!;
    let above = 0, rank = 0;
    for (let j = 0; j < ids.length; j++) {
      if (probs[j]! > p) {
        above += probs[j]!;
        rank++;
      }
    }
    const cutByK = sampling.topK > 0 && rank >= sampling.topK;
    const cutByP = sampling.topP < 1 && above >= sampling.topP;
    bars.push({ id: ids[i]!, label: tokenLabel(tok, ids[i]!), p, kept: !cutByK && !cutByP });
  }
  return bars;
}

export interface LiveSample {
  /** The answer after the block so far (text only; never markup). */
  text: string;
  /** What the model's block says so far (forced values included in fixed mode). */
  markers: Markers;
  /** Categories the user forced (fixed mode): shown as forced chips, not the model's choice. */
  forced: string[];
  finished: boolean;
  /** Issues with the block once done (malformed, missing); empty while streaming. */
  issues: string[];
  measured?: PlayedSample['measured'];
}

/** The completion's forced start in fixed mode (an opened block holding the user's values), as pieces. */
export function forcedPieces(markers: Markers, mode: 'inferred' | 'fixed', taxonomy: Taxonomy): Piece[] {
  if (mode !== 'fixed' || Object.keys(markers).length === 0) return [];
  return formatBlock(markers, taxonomy).slice(0, -1);
}

/**
 * A sample while it streams: the forced start plus the ids generated so far, parsed tolerantly.
 * `languages` are the model's training languages, among which a finished sample's language is
 * identified (the open set when undefined), as the player worker does.
 */
export function liveSample(
  ids: readonly number[], forced: readonly Piece[], forcedNames: readonly string[], tok: TokenizerSpec, taxonomy: Taxonomy, languages?: readonly string[],
): LiveSample {
  const done = ids.includes(EOS_ID);
  const body = done ? ids.slice(0, ids.indexOf(EOS_ID)) : ids;
  const parsed = parseCompletionPieces([...forced, ...decodeIds(tok, body).pieces], taxonomy);
  // A sample that ended is measured here at once (the same code as the worker's), so the histograms fill in as samples finish.
  return { text: parsed.completion, markers: parsed.markers, forced: [...forcedNames], finished: done, issues: [], ...(done ? { measured: measureCompletion(parsed.completion, languages ? { among: languages } : {}) } : {}) };
}

/** The final form of a sample, from the worker's parse and measurements. */
export function playedSample(s: PlayedSample, forcedNames: readonly string[]): LiveSample {
  return {
    text: s.completion, markers: s.markers, forced: [...forcedNames], finished: s.finished,
    issues: s.issues.map((i) => i.message), measured: s.measured,
  };
}

export interface CountBar {
  key: string;
  label: string;
  count: number;
  /** Matches what the user asked for (requested language / format / length bucket). */
  target: boolean;
}

export interface LengthBin {
  lo: number;
  /** Exclusive upper end. */
  hi: number;
  count: number;
  /** Length bucket of the bin's lengths when thresholds are known (bins never straddle a cut). */
  bucket?: string;
  target: boolean;
}

export interface SampleSummary {
  n: number;
  /** Each measured sample's length (characters), in sample order; `median` of them (null for none). */
  values: number[];
  median: number | null;
  lengths: LengthBin[];
  /** concise / medium / long counts and ranges, when the model carries its length rule. */
  buckets: Array<CountBar & { range: string }>;
  lang: CountBar[];
  format: CountBar[];
  /** Per requested, measurable marker: how many samples meet it (the violation rate's complement), or why it cannot be judged. */
  hits: Array<{ category: string; value: string; hits: number; rate: number | null } | { category: string; value: string; unavailable: string }>;
}

const PLAIN = '(none detected)';

/**
 * The N-sample summary. `requested` are the markers the samples were drawn with; a requested
 * `length_bucket` is judged with `thresholds` (the rule that labelled the training data).
 */
export function summarize(samples: readonly LiveSample[], requested: Markers, thresholds: LengthThresholds | undefined, bins = 12): SampleSummary {
  const measured = samples.flatMap((s) => (s.measured ? [s.measured] : []));
  const lengths = measured.map((m) => m.lengthTokens);
  const wantBucket = requested.length_bucket;
  // Judged with the same code as the Compare view's violation rates.
  const hits: SampleSummary['hits'] = violationRates(requested, measured, thresholds ? { lengthThresholds: thresholds } : {}).map((r) =>
    'unavailable' in r
      ? { category: r.category, value: r.requested, unavailable: r.unavailable }
      : { category: r.category, value: r.requested, hits: r.n - r.violations, rate: r.rate },
  );

  const buckets: SampleSummary['buckets'] = [];
  if (thresholds) {
    const ranges: Record<string, string> = {
      concise: `< ${thresholds.concise}`, medium: `${thresholds.concise}–${thresholds.medium}`, long: `> ${thresholds.medium}`,
    };
    for (const b of ['concise', 'medium', 'long']) {
      const count = lengths.filter((l) => lengthBucketOf(l, thresholds) === b).length;
      buckets.push({ key: b, label: b, range: `${ranges[b]} characters`, count, target: b === wantBucket });
    }
  }

  const lang = tally(measured.map((m) => m.lang ?? PLAIN), requested.lang);
  const format = tally(measured.map((m) => m.format ?? PLAIN), requested.format);

  return { n: measured.length, values: lengths, median: median(lengths), lengths: lengthBins(lengths, thresholds, wantBucket, bins), buckets, lang, format, hits };
}

/**
 * The median (the mean of the middle two for an even count), null for none.
 *
 * @example
 * median([30, 10, 20, 40]); // 25
 */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b), mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * How many of `values` fall in each bin (values past the last bin count in it): the previous
 * batch's lengths over the current batch's bins, drawn faintly behind them.
 *
 * @example
 * countInBins([1, 5, 50], [{ lo: 0, hi: 4 }, { lo: 4, hi: 8 }]); // [1, 2]
 */
export function countInBins(values: readonly number[], bins: readonly { lo: number; hi: number }[]): number[] {
  const counts = bins.map(() => 0);
  if (bins.length === 0) return counts;
  for (const v of values) {
    const i = bins.findIndex((b) => v >= b.lo && v < b.hi);
    counts[i >= 0 ? i : v < bins[0]!.lo ? 0 : bins.length - 1]!++;
  }
  return counts;
}

function tally(values: readonly string[], target: string | undefined): CountBar[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([key, count]) => ({ key, label: key, count, target: key === target }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * Equal-width bins from 0 to past the longest sample (and past the long cut, so every bucket is in
 * view), with the bucket cuts added as bin edges so a bin never mixes two buckets.
 */
export function lengthBins(lengths: readonly number[], thresholds: LengthThresholds | undefined, target: string | undefined, bins = 12): LengthBin[] {
  if (lengths.length === 0) return [];
  const end = Math.max(Math.max(...lengths) + 1, thresholds ? thresholds.medium + 2 : 0); // exclusive
  const width = Math.max(1, Math.ceil(end / bins));
  const edges = new Set<number>([end]);
  for (let x = 0; x < end; x += width) edges.add(x);
  if (thresholds) for (const cut of [thresholds.concise, thresholds.medium + 1]) if (cut > 0 && cut < end) edges.add(cut);
  const sorted = [...edges].sort((a, b) => a - b);
  const out: LengthBin[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const lo = sorted[i]!, hi = sorted[i + 1]!;
    const count = lengths.filter((l) => l >= lo && l < hi).length;
    const bucket = thresholds ? lengthBucketOf(lo, thresholds) : undefined;
    out.push({ lo, hi, count, ...(bucket ? { bucket } : {}), target: bucket !== undefined && bucket === target });
  }
  return out;
}
