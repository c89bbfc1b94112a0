/**
 * Byte-pair encoding of text with a learned merge list (bpe-learn.ts learns it). Text is first
 * split into words and punctuation, GPT-2 style: a leading space stays with the word after it, so
 * the pieces of the words joined give back the text exactly. Each word starts as its characters
 * (char tokens; a character without one becomes its UTF-8 byte tokens, which never merge), and the
 * merges apply by rank: the lowest-ranked adjacent pair is joined everywhere in the word, then the
 * next, until no pair has a merge. Training applies the merges in the same order, so encoding
 * reproduces the segmentation the merges were learned on.
 *
 * Only text reaches this file: markup is never split into words, so no piece can be a marker.
 */
import { BYTE_OFFSET, tokenKey } from './vocab';
import type { TokenizerSpec } from './vocab';

/**
 * Words, numbers, punctuation runs (each with the one space before it) and whitespace runs; a
 * whitespace run before a word leaves its last space to the word. Letters keep their combining marks.
 */
const WORD = / ?[\p{L}\p{M}]+| ?\p{N}+| ?[^\s\p{L}\p{M}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * The text split into the words BPE merges within; joined they are the text.
 *
 * @example
 * preSplit('Hello, world!\n'); // ['Hello', ',', ' world', '!', '\n']
 */
export function preSplit(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Merge lookup key of an adjacent pair of ids (ids stay far below 2^20). */
export function pairKey(left: number, right: number): number {
  return left * 0x100000 + right;
}

export interface BpeIndex {
  /** char → its token id. */
  chars: Map<string, number>;
  /** pairKey(left, right) → rank of the merge and the id of the piece it makes. */
  merges: Map<number, { rank: number; id: number }>;
  /** Word → its ids, for words seen before (bounded). */
  cache: Map<string, readonly number[]>;
}

const CACHE_LIMIT = 50_000;
const encoder = new TextEncoder();

/**
 * Lookup tables for encoding with a spec's merges.
 *
 * @example
 * const index = bpeIndex(tok); encodeWord(index, ' rain'); // e.g. [812]
 */
export function bpeIndex(tok: TokenizerSpec): BpeIndex {
  const ids = new Map(tok.tokens.map((def, id) => [tokenKey(def), id]));
  const chars = new Map<string, number>();
  tok.tokens.forEach((def, id) => {
    if (def.type === 'char') chars.set(def.char, id);
  });
  const text = (id: number): string => {
    const def = tok.tokens[id]!;
    return def.type === 'char' ? def.char : def.type === 'piece' ? def.text : '';
  };
  const merges = new Map<number, { rank: number; id: number }>();
  (tok.merges ?? []).forEach(([a, b], rank) => {
    const key = pairKey(a, b);
    // The same pair twice would be a malformed list; the first rank wins, as when it was learned.
    if (!merges.has(key)) merges.set(key, { rank, id: ids.get(`piece:${text(a)}${text(b)}`)! });
  });
  return { chars, merges, cache: new Map() };
}

/**
 * The initial symbols of a word: one char id per character, or the UTF-8 byte ids of a character
 * without a token (lone surrogates encode as U+FFFD's bytes, as in the character tokenizer).
 */
export function wordSymbols(chars: Map<string, number>, word: string): number[] {
  const out: number[] = [];
  for (const ch of word) {
    const id = chars.get(ch);
    if (id !== undefined) out.push(id);
    else for (const byte of encoder.encode(ch)) out.push(BYTE_OFFSET + byte);
  }
  return out;
}

/**
 * Join every occurrence of (left, right) in `symbols`, left to right, into `id`; returns a new array.
 *
 * @example
 * mergePair([5, 5, 5], 5, 5, 9); // [9, 5]
 */
export function mergePair(symbols: readonly number[], left: number, right: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(id);
      i++;
    } else out.push(symbols[i]!);
  }
  return out;
}

/**
 * The ids of one pre-split word: its symbols with the merges applied by rank.
 *
 * @example
 * encodeWord(bpeIndex(tok), ' the'); // [id of the piece ' the'] once that merge was learned
 */
export function encodeWord(index: BpeIndex, word: string): readonly number[] {
  const hit = index.cache.get(word);
  if (hit) return hit;
  let symbols = wordSymbols(index.chars, word);
  for (;;) {
    let best: { rank: number; id: number } | undefined, left = 0, right = 0;
    for (let i = 0; i + 1 < symbols.length; i++) {
      const m = index.merges.get(pairKey(symbols[i]!, symbols[i + 1]!));
      if (m && (!best || m.rank < best.rank)) [best, left, right] = [m, symbols[i]!, symbols[i + 1]!];
    }
    if (!best) break;
    symbols = mergePair(symbols, left, right, best.id);
  }
  if (index.cache.size >= CACHE_LIMIT) index.cache.clear();
  index.cache.set(word, symbols);
  return symbols;
}

/**
 * Append the ids of `text` to `out`: pre-split, then each word encoded.
 *
 * @example
 * const out: number[] = []; encodeBpeText(bpeIndex(tok), 'Tell me about rain.', out);
 */
export function encodeBpeText(index: BpeIndex, text: string, out: number[]): void {
  for (const word of preSplit(text)) for (const id of encodeWord(index, word)) out.push(id);
}
