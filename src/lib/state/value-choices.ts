/**
 * Which values of a category Play offers, and how each is labelled: when the checkpoint records how
 * many training rows had each value, only the values the model saw, with their share of the rows, the
 * long tail (at most `DEFAULT_EVAL.tailShare` of them, the threshold of the experiments' head-vs-tail
 * findings) marked rare; the values it never saw are counted, not offered. Without counts (older
 * checkpoints) every value of the taxonomy is offered, unlabelled. Pure.
 *
 * @example
 * const rows = trainedRows(info.values!);                        // 2,850
 * valueChoices(['English', 'Korean', 'Italian'], info.values!.lang, rows);
 * // { choices: [{ value: 'English', share: 0.83, tail: false, label: 'English · 83%' },
 * //             { value: 'Italian', share: 0.045, tail: true, label: 'Italian · 4.5% · rare' }], unseen: ['Korean'] }
 */
import { DEFAULT_EVAL } from '../experiment/sweep';
import type { ValueCounts } from '../model/checkpoint-record';
import { pct } from './play-summary';

/** Share of the training rows at or under which a value is the long tail (the paper's rare domains: < 5 %). */
export const TAIL_SHARE = DEFAULT_EVAL.tailShare;

export interface ValueChoice {
  value: string;
  /** Training rows with this value; null when the checkpoint does not record counts. */
  count: number | null;
  /** count / training rows; null without counts. */
  share: number | null;
  /** On at most TAIL_SHARE of the training rows. */
  tail: boolean;
  /** What the control shows: 'Italian · 4.5% · rare', or the bare value without counts. */
  label: string;
}

export interface ValueChoices {
  /** The values to offer, in taxonomy order. */
  choices: ValueChoice[];
  /** Taxonomy values no training row had (empty without counts). */
  unseen: string[];
}

/**
 * The training rows the counts describe: the most rows any one category counts (a row without a
 * category's marker is not counted under it, so the fullest category — length_bucket and lang are on
 * every row of the built-in sets — counts them all). 0 for no counts.
 *
 * @example
 * trainedRows({ lang: { English: 90, Italian: 10 }, format: { JSON: 20 } }); // 100
 */
export function trainedRows(values: ValueCounts): number {
  let rows = 0;
  for (const counts of Object.values(values)) rows = Math.max(rows, Object.values(counts).reduce((a, n) => a + n, 0));
  return rows;
}

/**
 * The values of one category to offer, given its counts (undefined: the checkpoint does not say) and
 * the training rows they are shares of.
 */
export function valueChoices(values: readonly string[], counts: Readonly<Record<string, number>> | undefined, rows: number, tailShare = TAIL_SHARE): ValueChoices {
  if (!counts) return { choices: values.map((value) => ({ value, count: null, share: null, tail: false, label: value })), unseen: [] };
  const choices: ValueChoice[] = [], unseen: string[] = [];
  for (const value of values) {
    const count = counts[value] ?? 0;
    if (count <= 0) {
      unseen.push(value);
      continue;
    }
    const share = rows > 0 ? count / rows : 0;
    const tail = share <= tailShare;
    choices.push({ value, count, share, tail, label: `${value} · ${pct(share)}${tail ? ' · rare' : ''}` });
  }
  return { choices, unseen };
}

/**
 * "3 values never in the training data", or null when there are none.
 *
 * @example
 * unseenNote(['Korean']); // '1 value never in the training data'
 */
export function unseenNote(unseen: readonly string[]): string | null {
  if (unseen.length === 0) return null;
  return `${unseen.length} value${unseen.length === 1 ? '' : 's'} never in the training data`;
}

/**
 * An inferred-value distribution without the values no training row had (its bars are buttons that
 * set the marker, so they offer only what the model saw), and how much probability those held.
 * Unchanged without counts.
 *
 * @example
 * seenValues([{ value: 'English', p: 0.9 }, { value: 'Korean', p: 0.01 }], { English: 200 });
 * // { shown: [{ value: 'English', p: 0.9 }], hidden: 1, hiddenMass: 0.01 }
 */
export function seenValues<T extends { value: string; p: number }>(
  values: readonly T[], counts: Readonly<Record<string, number>> | undefined,
): { shown: T[]; hidden: number; hiddenMass: number } {
  if (!counts) return { shown: [...values], hidden: 0, hiddenMass: 0 };
  const shown = values.filter((v) => (counts[v.value] ?? 0) > 0);
  const hidden = values.filter((v) => (counts[v.value] ?? 0) <= 0);
  return { shown, hidden: hidden.length, hiddenMass: hidden.reduce((a, v) => a + v.p, 0) };
}
