/**
 * Per-row caps for the measures that classify a text (language, format, code type). They are applied
 * to the raw text BEFORE any pattern runs, so a 1 MB answer costs no more than a 20 kB one: the
 * classifiers' work per row is bounded, whatever the shape of the text (no spaces, one huge word,
 * thousands of brackets or fences). Counts (tokens, sentences, paragraphs) are never capped: they are
 * exact, and written as single linear scans instead.
 *
 * A row this long is far beyond any context MarkerLab trains on (≤ 512 tokens), and its first 20,000
 * characters tell its language, format and code type as well as the whole would.
 */

/** Characters of a text that language, format and code-type detection look at. */
export const CLASSIFY_MAX_CHARS = 20_000;

/**
 * The head of `text` the classifiers may read: at most CLASSIFY_MAX_CHARS UTF-16 units, never ending
 * inside a surrogate pair.
 *
 * @example
 * classifiable('x'.repeat(1_000_000)).length // → 20000
 * classifiable('short') // → 'short'
 */
export function classifiable(text: string, max: number = CLASSIFY_MAX_CHARS): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  // A high surrogate at the cut would leave half a character behind.
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
