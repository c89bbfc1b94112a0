/**
 * Inferred-marker accuracy (the paper's Table 7): on validation rows whose prompt carries no
 * markers, the share of rows where the block the model writes agrees with the row's annotation,
 * per category. A category is judged when at least one row has it, and then on every row: a row
 * without it (a prose answer has no `format`) expects the block to leave it out. So a category the
 * model leaves out where the row has one is wrong, and so is one it writes where the row has none —
 * judged only on the rows that have the category, a model writing `format` into every block would
 * score on every formatted row for free. Pure.
 *
 * @example
 * inferredAccuracy([{ expected: { lang: 'French', domain: 'Legal' }, written: { lang: 'French' } }], ['lang', 'domain']);
 * // → { lang: { correct: 1, total: 1, accuracy: 1, … }, domain: { correct: 0, total: 1, accuracy: 0, missing: 1, … } }
 */
import type { Markers } from '../markers/taxonomy';

export interface CategoryAccuracy {
  correct: number;
  /** Rows judged: every row, when at least one row's annotation has this category; else 0. */
  total: number;
  /** correct / total, or null when no row has the category. */
  accuracy: number | null;
  /** Rows that have the category where the model's block left it out. */
  missing: number;
  /** Rows without the category where the model's block wrote one. */
  spurious: number;
}

export function inferredAccuracy(
  pairs: ReadonlyArray<{ expected: Markers; written: Markers }>,
  categories: readonly string[],
): Record<string, CategoryAccuracy> {
  const out: Record<string, CategoryAccuracy> = {};
  const valueOf = (m: Markers, category: string): string | undefined => (Object.hasOwn(m, category) ? m[category] : undefined);
  for (const category of categories) {
    if (!pairs.some(({ expected }) => valueOf(expected, category) !== undefined)) {
      out[category] = { correct: 0, total: 0, accuracy: null, missing: 0, spurious: 0 };
      continue;
    }
    let correct = 0, missing = 0, spurious = 0;
    for (const { expected, written } of pairs) {
      const want = valueOf(expected, category);
      const got = valueOf(written, category);
      if (got === want) correct++;
      else if (got === undefined) missing++;
      else if (want === undefined) spurious++;
    }
    out[category] = { correct, total: pairs.length, accuracy: correct / pairs.length, missing, spurious };
  }
  return out;
}

/** Mean accuracy over the categories that had rows (the paper reports per category; this is a summary). */
export function meanAccuracy(result: Record<string, CategoryAccuracy>): number | null {
  const values = Object.values(result).flatMap((r) => (r.accuracy === null ? [] : [r.accuracy]));
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
