/**
 * Head vs tail (the paper's "the long tail benefits most"): per marker value, a gain from markers —
 * the validation text loss with the prompt's markers against a baseline's without (`headTail`), or
 * the share of samples on target with the value's markers against a baseline's (`splitGains` of
 * `targetingGains`). Values on at
 * most `tailShare` of the training rows are the tail. Gains are averaged per value (each value
 * counts once, as the paper averages per domain), so a frequent value cannot drown the rare ones. Pure.
 *
 * @example
 * headTail([{ category: 'domain', value: 'Legal', share: 0.02, lossWith: 1.9, lossWithout: 2.2, rows: 8 }, …]);
 */
export interface ValueLoss {
  category: string;
  value: string;
  /** Share of training rows with this value. */
  share: number;
  /** Validation loss with the prompt's markers (completion text only). */
  lossWith: number;
  /** The same rows with every prompt marker dropped. */
  lossWithout: number;
  /** Validation rows with this value. */
  rows: number;
}

export interface HeadTailResult<T = ValueLoss> {
  values: Array<T & { gain: number; tail: boolean }>;
  /** Mean gain over head values and over tail values; null when a side is empty. */
  headGain: number | null;
  tailGain: number | null;
}

/** A value's gain from markers, whatever it measures (a loss drop, a rise in samples on target). */
export interface ValueGain {
  category: string;
  value: string;
  /** Share of training rows with this value. */
  share: number;
  /** Validation rows with this value. */
  rows: number;
  gain: number;
}

/** Split gains at the tail share and average each side per value (each value counts once). */
export function splitGains<T extends ValueGain>(values: readonly T[], tailShare = 0.05, minRows = 1): HeadTailResult<Omit<T, 'gain'>> {
  const rows = values.filter((v) => v.rows >= minRows && Number.isFinite(v.gain)).map((v) => ({ ...v, tail: v.share <= tailShare }));
  const mean = (list: typeof rows): number | null => (list.length > 0 ? list.reduce((a, v) => a + v.gain, 0) / list.length : null);
  return { values: rows, headGain: mean(rows.filter((v) => !v.tail)), tailGain: mean(rows.filter((v) => v.tail)) };
}

/** Text-loss gains: lossWithout − lossWith per value, split at the tail share. */
export function headTail(values: readonly ValueLoss[], tailShare = 0.05, minRows = 1): HeadTailResult {
  return splitGains(values.map((v) => ({ ...v, gain: v.lossWithout - v.lossWith })), tailShare, minRows);
}

/**
 * Share of rows per marker value, keyed `category\u0000value` (what a stored sweep keeps): which values
 * are the long tail.
 *
 * @example
 * valueShares(rows)['lang\u0000Italian']; // 0.045
 */
export function valueShares(rows: readonly { markers: Readonly<Record<string, string>> }[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) for (const [k, v] of Object.entries(r.markers)) counts.set(`${k}\u0000${v}`, (counts.get(`${k}\u0000${v}`) ?? 0) + 1);
  return Object.fromEntries([...counts].map(([k, n]) => [k, n / Math.max(1, rows.length)]));
}

/**
 * The share of (category, value) in `shares` (valueShares), 0 for a value no row has: what headTail's
 * callers pass as the training share.
 *
 * @example
 * shareOf(valueShares(rows))('lang', 'Italian'); // 0.045
 */
export function shareOf(shares: Readonly<Record<string, number>>): (category: string, value: string) => number {
  return (category, value) => shares[`${category}\u0000${value}`] ?? 0;
}

