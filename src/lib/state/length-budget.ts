/**
 * Token budgets against the length buckets, one rule for Play and Compare: buckets are measured in
 * characters, budgets are in model tokens (`charsPerToken` ≈ 3 with BPE, 1 for characters), and a
 * default budget must leave room for the long bucket, or a view's own warning fires on its defaults.
 *
 * @example
 * const t = { mode: 'quantile', concise: 56, medium: 90 } as const;
 * tokensToReach('long', t, 3);   // 31: more than 90 characters
 * roomyMaxTokens(t, 3, 32);      // 61: the long bucket with room to spare, block included
 */
import type { LengthThresholds } from '../markers/annotate-dataset';
import { tokensForChars } from '../tokenizer/tokenizer';

/** Tokens a marker block may take (wrapper and a few categories), on top of the answer's. */
export const BLOCK_ROOM = 16;

/** Tokens an answer needs to reach `bucket` (0 for concise or an unknown bucket). */
export function tokensToReach(bucket: string | undefined, t: LengthThresholds, charsPerToken = 1): number {
  if (bucket === 'long') return tokensForChars(t.medium + 1, charsPerToken);
  if (bucket === 'medium') return tokensForChars(t.concise, charsPerToken);
  return 0;
}

/**
 * A default budget: half again the medium cut (so long answers show and can end on their own) plus
 * the block's room, at least `floor`, at most `ceiling`; `floor` when the model has no length rule.
 */
export function roomyMaxTokens(t: LengthThresholds | undefined, charsPerToken = 1, floor = 32, ceiling = 1000): number {
  if (!t) return floor;
  const want = Math.max(tokensForChars(t.medium * 1.5, charsPerToken), tokensToReach('long', t, charsPerToken) + 1) + BLOCK_ROOM;
  return Math.min(ceiling, Math.max(floor, want));
}

/**
 * Why samples cannot reach the requested bucket within `maxTokens` (null when they can): tokens past
 * the budget are never written.
 *
 * @example
 * budgetWarning({ mode: 'quantile', concise: 10, medium: 30 }, 1, 'long', 25);
 * // 'Max tokens (25) is below the long bucket (> 30 tokens): samples are cut before they get there.'
 */
export function budgetWarning(t: LengthThresholds | undefined, charsPerToken: number | undefined, bucket: string | undefined, maxTokens: number): string | null {
  if (!t || !bucket) return null;
  const cpt = charsPerToken ?? 1;
  const needed = tokensToReach(bucket, t, cpt);
  const range = bucket === 'long' ? `> ${t.medium}` : `${t.concise}–${t.medium}`;
  return maxTokens < needed
    ? `Max tokens (${maxTokens}) is below the ${bucket} bucket (${range} ${cpt === 1 ? 'tokens' : `characters, about ${needed} tokens`}): samples are cut before they get there.`
    : null;
}
