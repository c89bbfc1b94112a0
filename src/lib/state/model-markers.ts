/**
 * What happens to a marker setting (from a link, an earlier model, or another Compare column) when a
 * model is loaded that does not know all of it. One rule for Play and Compare, with the same words:
 *
 * - A category the taxonomy lacks, or a value it does not allow, is **left out**: it cannot be
 *   written as a marker at all.
 * - A category the model was not trained to write in its blocks is **left out**: its tag is not part
 *   of any block the model learned (it may not even have a token), the views offer no control for it,
 *   so keeping it would steer with a marker the person can neither see nor unset.
 * - A value of a trained category that no training row had is **kept, and said**. The block is well
 *   formed and the model reads it; only that value was never learned. The person asked for it, so
 *   the view runs exactly that setting — dropping it would run another one under the same labels
 *   (a Compare column marked lang=Korean that is really "model infers" would seem to follow or fail
 *   Korean) — and the note says why the answers probably do not follow it: the model never learned
 *   it. Seeing that is itself the lesson (a marker steers only once it is trained).
 *
 * Pure.
 *
 * @example
 * markersForModel({ lang: 'Korean', tone: 'dry' }, { taxonomy, trained: ['lang'], values: { lang: { English: 90 } } });
 * // { kept: { lang: 'Korean' }, notes: ['Left out tone=dry: this model has no <tone> marker.',
 * //                                     'Kept lang=Korean, though no training row had it: the model never learned it.'] }
 */
import { checkValue, type Markers, type Taxonomy } from '../markers/taxonomy';
import type { ValueCounts } from '../model/checkpoint-record';

/** What a model says about the markers it knows (ModelInfo in Play, ColumnModel in Compare). */
export interface MarkerModel {
  taxonomy: Taxonomy;
  /** The categories it was trained to write in its blocks. */
  trained: readonly string[];
  /** Training rows per value (absent in older checkpoints: then every allowed value counts as known). */
  values?: ValueCounts;
}

/** The markers the model takes, and one sentence per marker left out or kept though never learned. */
export function markersForModel(markers: Markers, model: MarkerModel): { kept: Markers; notes: string[] } {
  const kept: Markers = {}, notes: string[] = [];
  for (const [name, value] of Object.entries(markers)) {
    const category = model.taxonomy.categories.find((c) => c.name === name);
    const problem = !category
      ? `this model has no <${name}> marker`
      : (checkValue(category, value) ?? (model.trained.includes(name) ? null : `this model was not trained with <${name}> markers`));
    if (problem) {
      notes.push(`Left out ${name}=${value}: ${problem}.`);
      continue;
    }
    kept[name] = value;
    const seen = model.values?.[name];
    if (category?.kind === 'categorical' && seen && !((seen[value] ?? 0) > 0)) notes.push(`Kept ${name}=${value}, though no training row had it: the model never learned it.`);
  }
  return { kept, notes };
}
