/**
 * Readability of generated text, measured against the training data: the share of the words a
 * model wrote that are words the data contains. A character- or subword-level model can invent
 * forms ("pretoueres"); a model that writes readable text in a closed-vocabulary teaching set
 * writes words of that set. It is a measure on the text alone, independent of the model's block.
 *
 * Words are split by `wordsOf` (src/lib/markers/measure.ts), the one tokenisation vocabularies use.
 *
 * Pure: no tf, no DOM.
 */
import { wordsOf } from '../markers/measure';

export { wordsOf };

/**
 * The set of words in some texts.
 *
 * @example
 * vocabularyOf(['The cat.', 'the dog']); // Set { 'the', 'cat', 'dog' }
 */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const w of wordsOf(t)) out.add(w);
  return out;
}

export interface Readability {
  /** Words in the texts. */
  words: number;
  /** Of those, words of the vocabulary. */
  known: number;
  /** known / words; null when there are no words. */
  share: number | null;
  /** The most frequent unknown words, for a reader to see what the model invents (up to 10). */
  unknown: Array<{ word: string; count: number }>;
}

/**
 * The share of the words of `texts` that belong to `vocabulary`.
 *
 * @example
 * readability(['the cat sat', 'the dgo'], new Set(['the', 'cat', 'sat', 'dog'])).share; // 0.8
 */
export function readability(texts: Iterable<string>, vocabulary: ReadonlySet<string>): Readability {
  let words = 0, known = 0;
  const unknown = new Map<string, number>();
  for (const t of texts) {
    for (const w of wordsOf(t)) {
      words++;
      if (vocabulary.has(w)) known++;
      else unknown.set(w, (unknown.get(w) ?? 0) + 1);
    }
  }
  const top = [...unknown].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([word, count]) => ({ word, count }));
  return { words, known, share: words > 0 ? known / words : null, unknown: top };
}
