/**
 * Rule-based annotation: fill in the markers a row lacks, from its completion (lengths, language,
 * format, code type), its metadata (source, domain, task, style, quality score) and the dataset as a
 * whole (length and quality buckets).
 *
 * Values already present in the data always win: a marker a row has is never overwritten, and one
 * that does not fit the taxonomy is reported, not replaced. An empty string counts as absent.
 */
import type { Row } from '../data/types';
import type { Category, Taxonomy } from './taxonomy';
import { checkValue, getCategory } from './taxonomy';
import { countParagraphs, countSentences, countTokens, detectCodeType, detectFormat, detectLanguage } from './measure';
import { matchMetadata, qualityFromMeta, type MetaMatch } from './annotate-meta';
import {
  lengthBucketOf, lengthThresholds, qualityBuckets, thresholdsFromLabels, QUALITY_MIN_ROWS_PER_LANGUAGE,
  type LengthBucket,
  type LengthBucketOptions, type LengthThresholds, type QualityBuckets,
} from './annotate-dataset';

/** Annotators that read one row's completion. Each returns a marker value or undefined (leave unset). */
export const COMPLETION_ANNOTATORS: ReadonlyMap<string, (completion: string) => string | undefined> = new Map([
  ['length_tokens', (c) => String(countTokens(c))],
  ['length_sentences', (c) => String(countSentences(c))],
  ['length_paragraphs', (c) => String(countParagraphs(c))],
  ['lang', (c) => detectLanguage(c).lang],
  ['format', (c) => detectFormat(c)],
  ['code_type', (c) => detectCodeType(c)],
]);

/**
 * Categories filled after the per-row pass: buckets need every row's length or score, and `quality`
 * comes only from metadata. Any other categorical category (source, domain, task, style, user ones)
 * is read from metadata.
 */
const DATASET_ANNOTATED = new Set(['length_bucket', 'quality', 'quality_bucket']);

export interface AnnotateOptions {
  /** Categories to fill; default: every category of the taxonomy that has an annotator. */
  categories?: readonly string[];
  /** How `length_bucket` is cut; default `{ mode: 'quantile' }` (terciles of this dataset). */
  lengthBuckets?: LengthBucketOptions;
  /** Fewest scored rows for a language to get its own quality quartiles (else global). Default 20. */
  qualityMinRows?: number;
  /**
   * The caller hands its rows over (fresh from an import): they are annotated in place and returned,
   * instead of copied first. Saves a second copy of every row at the peak (≈ 60 MB at 200k rows).
   */
  handOver?: boolean;
}

/** Per category, how each row ended up. The four counts sum to the number of rows. */
export interface CategoryCounts {
  /** Set by annotation. */
  annotated: number;
  /** Already present in the data and valid. */
  kept: number;
  /** Absent and no annotator could tell (prose has no format, a short text no language, …). */
  unset: number;
  /** Present in the data but not a value of the taxonomy; left as it was. */
  invalid: number;
}

export interface InvalidMarker {
  rowId: string;
  category: string;
  value: string;
  reason: string;
}

export interface AnnotationReport {
  rows: number;
  categories: Record<string, CategoryCounts>;
  /** Thresholds used for `length_bucket` (when annotated). */
  lengthThresholds?: LengthThresholds;
  /** Quartile groups used for `quality_bucket` (when annotated and any row has a score). */
  quality?: Omit<QualityBuckets, 'buckets'>;
  /** The first invalid values found (up to 100); `categories[c].invalid` has the full counts. */
  invalid: InvalidMarker[];
  /** Metadata values that match no taxonomy value: category → raw value → rows. */
  unknownMeta: Record<string, Record<string, number>>;
}

const MAX_INVALID_EXAMPLES = 100;

/**
 * The categories of `taxonomy` that annotation can fill.
 *
 * @example
 * annotatableCategories(defaultTaxonomy()).length // → 13
 */
export function annotatableCategories(taxonomy: Taxonomy): string[] {
  return taxonomy.categories.filter(hasAnnotator).map((c) => c.name);
}

function hasAnnotator(c: Category): boolean {
  return COMPLETION_ANNOTATORS.has(c.name) || DATASET_ANNOTATED.has(c.name) || c.kind === 'categorical';
}

/**
 * Fill the markers rows lack. Returns new rows (the input is untouched, unless `handOver`) and a report.
 *
 * @example
 * const { rows, report } = annotateRows(imported, defaultTaxonomy(), { lengthBuckets: { mode: 'paper' } });
 * report.categories.lang // → { annotated: 812, kept: 150, unset: 38, invalid: 0 }
 */
export function annotateRows(
  input: readonly Row[],
  taxonomy: Taxonomy,
  options: AnnotateOptions = {},
): { rows: Row[]; report: AnnotationReport } {
  const selected = resolveCategories(taxonomy, options.categories);
  const rows = options.handOver ? (input as Row[]) : input.map((r) => ({ ...r, markers: { ...r.markers } }));
  const report: AnnotationReport = { rows: rows.length, categories: {}, invalid: [], unknownMeta: {} };
  const counts = (name: string): CategoryCounts =>
    (report.categories[name] ??= { annotated: 0, kept: 0, unset: 0, invalid: 0 });

  /** Whether the row brings its own value for `category`; invalid ones are tallied and listed. */
  const ownValue = (row: Row, category: Category): 'valid' | 'invalid' | 'absent' => {
    const value = markerOf(row, category.name);
    if (value === undefined || value.trim() === '') {
      delete row.markers[category.name];
      return 'absent';
    }
    const reason = checkValue(category, value);
    if (reason === null) return 'valid';
    if (report.invalid.length < MAX_INVALID_EXAMPLES) report.invalid.push({ rowId: row.id, category: category.name, value, reason });
    return 'invalid';
  };
  /** Apply one category to every row; `compute` runs only for rows without their own value. */
  const fill = (category: Category, compute: (row: Row, index: number) => MetaMatch | string | undefined): void => {
    const c = counts(category.name);
    rows.forEach((row, i) => {
      const own = ownValue(row, category);
      if (own === 'valid') c.kept++;
      else if (own === 'invalid') c.invalid++;
      else {
        const result = compute(row, i);
        if (typeof result === 'object' && result.kind === 'unknown') {
          const seen = (report.unknownMeta[category.name] ??= {});
          seen[result.raw] = (seen[result.raw] ?? 0) + 1;
        }
        const value = typeof result === 'object' ? (result.kind === 'value' ? result.value : undefined) : result;
        if (value === undefined) c.unset++;
        else {
          row.markers[category.name] = value;
          c.annotated++;
        }
      }
    });
  };

  for (const category of selected) {
    if (DATASET_ANNOTATED.has(category.name)) continue;
    const annotator = COMPLETION_ANNOTATORS.get(category.name);
    if (annotator) fill(category, (row) => annotator(row.completion));
    else if (category.kind === 'categorical') fill(category, (row) => matchMetadata(category, row.meta));
  }

  const quality = selected.find((c) => c.name === 'quality');
  if (quality) fill(quality, (row) => qualityFromMeta(row.meta));

  const lengthBucket = selected.find((c) => c.name === 'length_bucket');
  if (lengthBucket) {
    const tokens = rows.map((row) => numberMarker(taxonomy, row, 'length_tokens') ?? countTokens(row.completion));
    // In the default mode, buckets already in the data define the cut, so every row agrees with them.
    const labelled = (options.lengthBuckets?.mode ?? 'quantile') === 'quantile'
      ? thresholdsFromLabels(labelledLengths(taxonomy, rows, tokens))
      : undefined;
    const thresholds = labelled ?? lengthThresholds(tokens, options.lengthBuckets);
    report.lengthThresholds = thresholds;
    fill(lengthBucket, (_, i) => lengthBucketOf(tokens[i]!, thresholds));
  }

  const qualityBucket = selected.find((c) => c.name === 'quality_bucket');
  if (qualityBucket) {
    const scored: Array<{ index: number; score: number; lang: string | undefined }> = [];
    rows.forEach((row, index) => {
      const score = numberMarker(taxonomy, row, 'quality') ?? metaScore(row);
      if (score !== undefined) scored.push({ index, score, lang: languageOf(taxonomy, row) });
    });
    const result = qualityBuckets(scored, options.qualityMinRows ?? QUALITY_MIN_ROWS_PER_LANGUAGE);
    const bucketByRow = new Map(scored.map((s, k) => [s.index, result.buckets[k]!]));
    if (scored.length > 0) report.quality = { perLanguage: result.perLanguage, global: result.global, fallback: result.fallback };
    fill(qualityBucket, (_, i) => bucketByRow.get(i));
  }

  return { rows, report };
}

function labelledLengths(taxonomy: Taxonomy, rows: readonly Row[], tokens: readonly number[]) {
  const category = getCategory(taxonomy, 'length_bucket');
  const out: Array<{ tokens: number; bucket: LengthBucket }> = [];
  rows.forEach((row, i) => {
    const v = row.markers.length_bucket;
    if (category && v !== undefined && checkValue(category, v) === null) out.push({ tokens: tokens[i]!, bucket: v as LengthBucket });
  });
  return out;
}

function resolveCategories(taxonomy: Taxonomy, names: readonly string[] | undefined): Category[] {
  if (names === undefined) return taxonomy.categories.filter(hasAnnotator);
  return names.map((name) => {
    const category = getCategory(taxonomy, name);
    if (!category) throw new TypeError(`cannot annotate "${name}": the taxonomy has no such category`);
    if (!hasAnnotator(category)) throw new TypeError(`cannot annotate "${name}": no rule derives a numeric user category`);
    return category;
  });
}

/** A numeric marker of the row if present and valid. */
function numberMarker(taxonomy: Taxonomy, row: Row, name: string): number | undefined {
  const category = getCategory(taxonomy, name);
  const value = markerOf(row, name);
  if (!category || value === undefined || checkValue(category, value) !== null) return undefined;
  return Number(value);
}

function metaScore(row: Row): number | undefined {
  const m = qualityFromMeta(row.meta);
  return m.kind === 'value' ? Number(m.value) : undefined;
}

/** The row's language for quality quartiles: its valid `lang` marker, else what detection says. */
function languageOf(taxonomy: Taxonomy, row: Row): string | undefined {
  const category = getCategory(taxonomy, 'lang');
  const value = markerOf(row, 'lang');
  if (category && value !== undefined && checkValue(category, value) === null) return value;
  return detectLanguage(row.completion).lang;
}

/** The row's own marker; a plain `markers[name]` would return Object.prototype members for "toString". */
function markerOf(row: Row, name: string): string | undefined {
  return Object.hasOwn(row.markers, name) ? row.markers[name] : undefined;
}
