/**
 * Inferred-marker accuracy (the paper's Table 7): on validation rows whose prompt carries no
 * markers, the share of categories where the block the model writes agrees with the row's
 * annotation. A category the model leaves out of its block counts as wrong. Pure.
 *
 * @example
 * inferredAccuracy([{ expected: { lang: 'French', domain: 'Legal' }, written: { lang: 'French' } }], ['lang', 'domain']);
 * // → { lang: { correct: 1, total: 1, accuracy: 1 }, domain: { correct: 0, total: 1, accuracy: 0 } }
 */
import type { Markers } from '../markers/taxonomy';

export interface CategoryAccuracy {
  correct: number;
  /** Rows whose annotation has this category. */
  total: number;
  /** correct / total, or null without rows. */
  accuracy: number | null;
  /** Rows where the model's block left the category out. */
  missing: number;
}

export function inferredAccuracy(
  pairs: ReadonlyArray<{ expected: Markers; written: Markers }>,
  categories: readonly string[],
): Record<string, CategoryAccuracy> {
  const out: Record<string, CategoryAccuracy> = {};
  for (const category of categories) {
    let correct = 0, total = 0, missing = 0;
    for (const { expected, written } of pairs) {
      const want = Object.hasOwn(expected, category) ? expected[category] : undefined;
      if (want === undefined) continue;
      total++;
      const got = Object.hasOwn(written, category) ? written[category] : undefined;
      if (got === undefined) missing++;
      else if (got === want) correct++;
    }
    out[category] = { correct, total, accuracy: total > 0 ? correct / total : null, missing };
  }
  return out;
}

/** Mean accuracy over the categories that had rows (the paper reports per category; this is a summary). */
export function meanAccuracy(result: Record<string, CategoryAccuracy>): number | null {
  const values = Object.values(result).flatMap((r) => (r.accuracy === null ? [] : [r.accuracy]));
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
