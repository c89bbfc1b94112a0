/**
 * Hashed character n-grams of a prompt: the learned router's features. Character n-grams (1–4)
 * catch what tells languages and topics apart in a few words (accents, "qu'", " der ", "ción")
 * without a tokenizer or a word list, and hashing them into a fixed number of buckets keeps the
 * model's size independent of the data (the "hashing trick"; collisions cost little at this size).
 * Pure: no tf, no DOM.
 */

export interface NgramOptions {
  /** Hash buckets: 4,096 holds the n-grams of a few hundred short prompts with few collisions. */
  dim: number;
  /** Shortest n-gram (1: single letters already separate scripts and accents). */
  minN: number;
  /** Longest n-gram (4: short words and word boundaries, " le ", "the "). */
  maxN: number;
}

export const DEFAULT_NGRAMS: Readonly<NgramOptions> = Object.freeze({ dim: 4096, minN: 1, maxN: 4 });

/** Sparse feature vector: distinct bucket indices (ascending) and their values, L2-normalised. */
export interface SparseFeatures {
  index: Int32Array;
  value: Float64Array;
}

/**
 * The character n-grams of a text, lower-cased (NFC), runs of white space as one space, padded with a
 * space at each end so word beginnings and ends are n-grams of their own. Code points, not UTF-16 units.
 *
 * @example
 * charNgrams('Le', 1, 2); // [' ', 'l', 'e', ' ', ' l', 'le', 'e ']
 */
export function charNgrams(text: string, minN: number, maxN: number): string[] {
  const chars = Array.from(` ${text.normalize('NFC').toLocaleLowerCase().replace(/\s+/gu, ' ').trim()} `);
  const out: string[] = [];
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  }
  return out;
}

/**
 * The bucket of an n-gram: 32-bit FNV-1a over its UTF-16 code units, modulo `dim`.
 *
 * @example
 * hashNgram('qu', 4096); // an integer in [0, 4096), the same on every run and machine
 */
export function hashNgram(gram: string, dim: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < gram.length; i++) h = Math.imul(h ^ gram.charCodeAt(i), 0x01000193);
  return (h >>> 0) % dim;
}

/**
 * A text's features: n-gram counts per bucket, scaled to unit length so a long prompt does not
 * outweigh a short one (and one learning rate suits both).
 *
 * @example
 * const f = featurize('Bonjour', DEFAULT_NGRAMS);
 * f.index.length === f.value.length; // true; Σ value² = 1
 */
export function featurize(text: string, options: NgramOptions = DEFAULT_NGRAMS): SparseFeatures {
  checkNgrams(options);
  const counts = new Map<number, number>();
  for (const g of charNgrams(text, options.minN, options.maxN)) {
    const b = hashNgram(g, options.dim);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const index = Int32Array.from([...counts.keys()].sort((a, b) => a - b));
  const value = Float64Array.from(index, (b) => counts.get(b)!);
  let norm = 0;
  for (const v of value) norm += v * v;
  norm = Math.sqrt(norm);
  for (let i = 0; i < value.length; i++) value[i]! /= norm;
  return { index, value };
}

/**
 * Throws RangeError unless 1 ≤ minN ≤ maxN and dim is a positive whole number.
 *
 * @example
 * checkNgrams({ dim: 1024, minN: 1, maxN: 3 }); // fine
 */
export function checkNgrams(o: NgramOptions): void {
  if (!(Number.isInteger(o.dim) && o.dim > 0)) throw new RangeError(`n-gram buckets must be a whole number > 0, got ${o.dim}`);
  if (!(Number.isInteger(o.minN) && Number.isInteger(o.maxN) && o.minN >= 1 && o.minN <= o.maxN)) {
    throw new RangeError(`n-gram sizes need 1 ≤ minN ≤ maxN, got ${o.minN}…${o.maxN}`);
  }
}
