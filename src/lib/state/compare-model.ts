/**
 * What Compare knows about a checkpoint without a worker — its taxonomy, tokenizer, trained
 * categories and length rule, read from the file's metadata — and the small pure helpers of its
 * columns: the model as the shared marker rule reads it (markerModel), whether a length bucket is reachable, and the answer a
 * streamed sample has written so far.
 *
 * @example
 * const model = describeCheckpoint(bytes, 'demo.safetensors');
 * unreachableLength({ length_bucket: 'long' }, model.lengthThresholds, 120); // a reason, or null
 */
import type { LengthThresholds } from '../markers/annotate-dataset';
import type { CategoricalCategory, Markers, Taxonomy } from '../markers/taxonomy';
import { fromSafetensors } from '../model/checkpoint';
import { trainedCategories, trainedLengthThresholds, trainedValues, type ValueCounts } from '../model/checkpoint-record';
import type { MarkerModel } from './model-markers';
import { decodeIds, recordedCharsPerToken, tokensForChars, type TokenizerSpec } from '../tokenizer/tokenizer';

/** What a column's checkpoint offers: its taxonomy and the categories it was trained with. */
export interface ColumnModel {
  taxonomy: Taxonomy;
  tokenizer: TokenizerSpec;
  /** Categorical categories that went into its training blocks, in taxonomy order (none: no markers). */
  categories: CategoricalCategory[];
  /** The rule that labelled length_bucket in its training data (judges generated lengths). */
  lengthThresholds?: LengthThresholds;
  /** The model's context in tokens (prompt, marker blocks and answer share it). */
  contextSize: number;
  /** Characters per token (1 for a character tokenizer): converts character lengths to token budgets. */
  charsPerToken?: number;
  /** Training rows per value (absent in older checkpoints): the columns offer only values the model saw. */
  values?: ValueCounts;
}

/**
 * A checkpoint file's taxonomy, tokenizer and trained categories (read by trainedCategories, as Play's
 * worker reads them: the record's list, or every categorical category, less those no training row had).
 *
 * @example
 * describeCheckpoint(bytes, 'demo.safetensors').categories.map((c) => c.name); // ['lang', 'length_bucket', …]
 */
export function describeCheckpoint(bytes: Uint8Array, name: string): ColumnModel {
  const record = fromSafetensors(bytes, name);
  const trained = new Set(trainedCategories(record));
  const categories = record.taxonomy.categories.filter((c): c is CategoricalCategory => c.kind === 'categorical' && trained.has(c.name));
  const lengthThresholds = trainedLengthThresholds(record);
  const values = trainedValues(record);
  return {
    taxonomy: record.taxonomy, tokenizer: record.tokenizer, categories, contextSize: record.config.blockSize,
    charsPerToken: recordedCharsPerToken(record.tokenizer, record.training),
    ...(lengthThresholds ? { lengthThresholds } : {}), ...(values ? { values } : {}),
  };
}

/**
 * Why a column cannot reach the length bucket it asks for within `maxTokens` (which also pays for
 * the marker block), or null. Buckets are in characters; `charsPerToken` (the model's, 1 for a
 * character tokenizer) converts them to tokens.
 *
 * @example
 * unreachableLength({ length_bucket: 'long' }, { mode: 'labels', concise: 81, medium: 300 }, 120)
 * // → 'long answers need more than 300 tokens; max tokens is 120'
 */
export function unreachableLength(markers: Markers, thresholds: LengthThresholds | undefined, maxTokens: number, charsPerToken = 1): string | null {
  const bucket = markers.length_bucket;
  if (!thresholds || (bucket !== 'long' && bucket !== 'medium')) return null;
  const need = tokensForChars(bucket === 'long' ? thresholds.medium + 1 : thresholds.concise, charsPerToken);
  if (maxTokens >= need) return null;
  const unit = (chars: number): string => (charsPerToken === 1 ? `${chars} tokens` : `${chars} characters (about ${need} tokens)`);
  return bucket === 'long'
    ? `long answers need more than ${unit(thresholds.medium)}; max tokens is ${maxTokens}`
    : `medium answers need at least ${unit(thresholds.concise)}; max tokens is ${maxTokens}`;
}

/**
 * A column's model as the marker rule shared with Play reads it (model-markers.ts): its trained
 * (categorical) categories and, when recorded, its training rows per value.
 *
 * @example
 * markersForModel(column.markers, markerModel(model)); // { kept, notes }
 */
export function markerModel(model: ColumnModel): MarkerModel {
  return { taxonomy: model.taxonomy, trained: model.categories.map((c) => c.name), ...(model.values ? { values: model.values } : {}) };
}

/**
 * Same names with the same values.
 *
 * @example
 * sameMarkers({ lang: 'French' }, { lang: 'French' }); // true
 */
export function sameMarkers(a: Markers, b: Markers): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}


/**
 * A streamed sample's answer so far: the text after its marker block ('' while the model still
 * writes its markers).
 *
 * @example
 * answerSoFar(tokenizer, ids); // 'Rain falls when…'
 */
export function answerSoFar(tokenizer: TokenizerSpec, ids: readonly number[]): string {
  const { pieces } = decodeIds(tokenizer, [...ids]);
  const close = pieces.findIndex((p) => p.type === 'blockClose');
  if (close < 0) return '';
  return pieces.slice(close + 1).map((p) => (p.type === 'text' ? p.text : '')).join('');
}
