/**
 * The one way rows become a dataset ready to look at or train on, shared by the app's data
 * worker and the CLI: annotate (existing markers win), then measure.
 *
 * rows (built-in or imported) → annotateRows → datasetStats + tailValues
 */
import { annotateRows, type AnnotateOptions, type AnnotationReport } from '../markers/annotate';
import type { Taxonomy } from '../markers/taxonomy';
import { datasetStats, tailValues, type DatasetStats, type TailValue } from './stats';
import type { Row } from './types';

export interface PreparedDataset {
  name: string;
  rows: Row[];
  taxonomy: Taxonomy;
  annotation: AnnotationReport;
  stats: DatasetStats;
  /** Values on ≤ 5% of rows: the long tail the method targets. */
  tail: TailValue[];
}

/**
 * Annotate rows and compute their statistics.
 *
 * @example
 * const ds = prepareDataset('teaching', generateTeachingDataset(), defaultTaxonomy());
 * ds.stats.categories.find((c) => c.name === 'lang');
 */
export function prepareDataset(
  name: string,
  rows: readonly Row[],
  taxonomy: Taxonomy,
  options: AnnotateOptions = {},
): PreparedDataset {
  const { rows: annotated, report } = annotateRows(rows, taxonomy, options);
  const stats = datasetStats(annotated, taxonomy);
  return { name, rows: annotated, taxonomy, annotation: report, stats, tail: tailValues(stats) };
}
