/**
 * Compositions: which teacher answered how much of each language and each domain (the talk's chart
 * of who won where). Plain data a stacked bar chart draws directly: one bar per group, one segment
 * per teacher in pool order, shares summing to 1. Pure: no tf, no DOM.
 */
import type { Row } from '../data/types';

/** One routed answer, reduced to what compositions group by. */
export interface RoutedItem {
  teacher: string;
  /** The language the prompt asked for. */
  lang?: string;
  domain?: string;
}

/** Group label for items without a value. */
export const UNKNOWN_GROUP = '(unknown)';

export interface CompositionGroup {
  /** The language or domain. */
  value: string;
  /** Routed prompts in this group. */
  total: number;
  /** Teacher → prompts, every pool teacher present (0 when it won none). */
  counts: Record<string, number>;
  /** Teacher → counts / total; sums to 1. */
  shares: Record<string, number>;
}

export interface Composition {
  by: 'lang' | 'domain';
  /** Segment order: the pool's order. */
  teachers: string[];
  /** Largest group first (ties by name), the unknown group last. */
  groups: CompositionGroup[];
}

/**
 * Shares of each teacher per value of `by`.
 *
 * @example
 * composition([{ teacher: 'A', lang: 'English' }, { teacher: 'B', lang: 'French' }, { teacher: 'A', lang: 'French' }], 'lang', ['A', 'B']);
 * // { by: 'lang', teachers: ['A', 'B'], groups: [
 * //   { value: 'French', total: 2, counts: { A: 1, B: 1 }, shares: { A: 0.5, B: 0.5 } },
 * //   { value: 'English', total: 1, counts: { A: 1, B: 0 }, shares: { A: 1, B: 0 } }] }
 */
export function composition(items: readonly RoutedItem[], by: 'lang' | 'domain', pool: readonly string[]): Composition {
  const teachers = [...pool];
  for (const item of items) if (!teachers.includes(item.teacher)) teachers.push(item.teacher);
  const groups = new Map<string, Record<string, number>>();
  for (const item of items) {
    const value = item[by] ?? UNKNOWN_GROUP;
    let counts = groups.get(value);
    if (!counts) groups.set(value, (counts = Object.fromEntries(teachers.map((t) => [t, 0]))));
    counts[item.teacher] = counts[item.teacher]! + 1;
  }
  const out: CompositionGroup[] = [...groups].map(([value, counts]) => {
    const total = Object.values(counts).reduce((a, n) => a + n, 0);
    const shares = Object.fromEntries(teachers.map((t) => [t, counts[t]! / total]));
    return { value, total, counts, shares };
  });
  out.sort((a, b) =>
    Number(a.value === UNKNOWN_GROUP) - Number(b.value === UNKNOWN_GROUP) || b.total - a.total || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { by, teachers, groups: out };
}

/**
 * Both compositions of an arbitrage set's rows (arbitrageRows): language from `meta.target_lang`
 * (what the prompt asked for), else the answer's `lang`; domain from the `domain` marker.
 *
 * @example
 * const { byLanguage, byDomain } = compositions(rows, ['A', 'B', 'C']);
 * byLanguage.groups[0]; // { value: 'English', total: 120, counts: { A: 90, B: 10, C: 20 }, shares: { A: 0.75, … } }
 */
export function compositions(rows: readonly Row[], pool: readonly string[]): { byLanguage: Composition; byDomain: Composition } {
  const items: RoutedItem[] = rows.map((r) => {
    const teacher = r.meta?.teacher;
    if (teacher === undefined) throw new Error(`row ${r.id} names no teacher (meta.teacher): not an arbitrage row`);
    const lang = r.meta?.target_lang ?? r.markers.lang;
    const domain = r.markers.domain;
    return { teacher, ...(lang !== undefined ? { lang } : {}), ...(domain !== undefined ? { domain } : {}) };
  });
  return { byLanguage: composition(items, 'lang', pool), byDomain: composition(items, 'domain', pool) };
}
