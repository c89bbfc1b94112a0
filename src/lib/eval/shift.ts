/**
 * Distribution shift (the paper's Fig. 1): for each requested value of a category, the measured
 * attribute of the samples drawn under it — here lengths — summarised by quantiles, and whether
 * the medians follow the values' order (concise → medium → long). Pure.
 *
 * @example
 * lengthShift({ concise: [40, 52, 61], medium: [180, 210], long: [400, 520] }, ['concise', 'medium', 'long']).ordered; // true
 */
export interface LengthSummary {
  value: string;
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
}

export interface ShiftResult {
  summaries: LengthSummary[];
  /** Medians increase in the given order, each by at least `minStep`. */
  ordered: boolean;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarise(value: string, lengths: readonly number[]): LengthSummary {
  const s = [...lengths].sort((a, b) => a - b);
  return {
    value, n: s.length, min: s[0] ?? NaN, q1: quantile(s, 0.25), median: quantile(s, 0.5), q3: quantile(s, 0.75), max: s.at(-1) ?? NaN,
    mean: s.length > 0 ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
  };
}

/**
 * `minStep`: the least rise between consecutive medians that counts as a move (0: any rise), so three
 * samples sets piling up at the same token limit are not read as "in order" by a few tokens' noise.
 */
export function lengthShift(byValue: Readonly<Record<string, readonly number[]>>, order: readonly string[], minStep = 0): ShiftResult {
  const summaries = order.filter((v) => Object.hasOwn(byValue, v)).map((v) => summarise(v, byValue[v]!));
  const ordered = summaries.length >= 2 && summaries.every((s, i) => i === 0 || s.median - summaries[i - 1]!.median > minStep);
  return { summaries, ordered };
}
