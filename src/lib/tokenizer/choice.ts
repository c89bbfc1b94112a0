/**
 * Which tokenizer a training run uses, as a plain setting, and the one place that turns it into a
 * spec: built from the run's texts, or a checkpoint's spec extended with them (ids never move).
 */
import type { Taxonomy } from '../markers/taxonomy';
import { learnMerges, learnMergesAsync, type AsyncLearnOptions } from './bpe-learn';
import { buildTokenizer, extendTokenizer, type TokenizerSpec } from './vocab';

/** Characters (with byte fallback), or characters plus `merges` BPE merges learned from the data. */
export type TokenizerChoice = { kind: 'char' } | { kind: 'bpe'; merges: number };

/**
 * The tokenizer of a run. Without `base`, a new one from `texts`. With `base` (fine-tuning), base
 * plus the taxonomy's and the texts' new tokens; for `bpe`, new merges are learned on `texts`
 * only up to `merges` in total, so fine-tuning a BPE model with its own count adds none. A BPE
 * base stays BPE whatever the choice (its pieces cannot be taken back).
 *
 * @example
 * prepareTokenizer({ kind: 'bpe', merges: 1000 }, taxonomy, texts); // formatVersion 2, ~1,000 pieces
 */
export function prepareTokenizer(choice: TokenizerChoice, taxonomy: Taxonomy, texts: readonly string[], base?: TokenizerSpec): TokenizerSpec {
  const chars = base ? extendTokenizer(base, taxonomy, texts) : buildTokenizer({ taxonomy, texts });
  if (choice.kind === 'char') return chars;
  return learnMerges(chars, texts, choice.merges - (chars.merges?.length ?? 0));
}

/**
 * prepareTokenizer without a base, in slices that yield to the event loop (the data worker learns
 * with it while the page stays live): the same spec for the same choice, taxonomy and texts.
 *
 * @example
 * const tok = await prepareTokenizerAsync(choice, taxonomy, texts, { onProgress, cancelled: () => stale });
 */
export async function prepareTokenizerAsync(choice: TokenizerChoice, taxonomy: Taxonomy, texts: readonly string[], options: AsyncLearnOptions = {}): Promise<TokenizerSpec> {
  const chars = buildTokenizer({ taxonomy, texts });
  if (choice.kind === 'char') return chars;
  return learnMergesAsync(chars, texts, choice.merges, options);
}

/**
 * The texts a run learns its tokenizer on: the prompt and completion of each training row, in order.
 *
 * @example
 * prepareTokenizer(choice, taxonomy, tokenizerTexts(split.train));
 */
export function tokenizerTexts(rows: readonly { prompt: string; completion: string }[]): string[] {
  return rows.flatMap((r) => [r.prompt, r.completion]);
}

/** A tokenizer learned for a choice, taxonomy and texts, with the key (tokenizerKey) of what it was learned from. */
export interface LearnedTokenizer {
  key: string;
  spec: TokenizerSpec;
}

/**
 * A fingerprint of everything a fresh tokenizer depends on (the choice, the taxonomy, every text in
 * order): equal keys mean prepareTokenizer would return an equal spec, so a tokenizer learned
 * elsewhere (the data worker) can stand in for learning it again. 53-bit hash (cyrb53) plus the count.
 *
 * @example
 * tokenizerKey({ kind: 'bpe', merges: 2000 }, taxonomy, texts); // e.g. '9400:1b2c3d4e5f607'
 */
export function tokenizerKey(choice: TokenizerChoice, taxonomy: Taxonomy, texts: readonly string[]): string {
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  const feed = (s: string): void => {
    // Each string is prefixed by its length, so ['ab', 'c'] and ['a', 'bc'] differ.
    const head = `${s.length}:`;
    for (let i = 0; i < head.length; i++) mix(head.charCodeAt(i));
    for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
  };
  const mix = (c: number): void => {
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  };
  feed(JSON.stringify(validateTokenizerChoice(choice)));
  feed(JSON.stringify(taxonomy));
  for (const text of texts) feed(text);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `${texts.length}:${hash.toString(16)}`;
}

/**
 * What a spec is, for checkpoint metadata and logs.
 *
 * @example
 * describeTokenizer(spec); // { kind: 'bpe', merges: 1000, vocabSize: 1490 }
 */
export function describeTokenizer(tok: TokenizerSpec): { kind: TokenizerChoice['kind']; merges: number; vocabSize: number } {
  const merges = tok.merges?.length ?? 0;
  return { kind: merges > 0 ? 'bpe' : 'char', merges, vocabSize: tok.tokens.length };
}

/**
 * Characters per model token for a checkpoint: 1 for a character tokenizer, else the value its
 * session recorded in `training.tokenizer.charsPerToken` (1 when missing: budgets err on the long side).
 *
 * @example
 * recordedCharsPerToken(record.tokenizer, record.training); // e.g. 2.7 for a BPE model
 */
export function recordedCharsPerToken(tok: TokenizerSpec, training: unknown): number {
  if (!tok.merges || tok.merges.length === 0) return 1;
  const recorded = (training as { tokenizer?: { charsPerToken?: unknown } } | undefined)?.tokenizer?.charsPerToken;
  return typeof recorded === 'number' && Number.isFinite(recorded) && recorded > 0 ? recorded : 1;
}

/**
 * Model tokens that cover `chars` characters (code points) at `charsPerToken`.
 *
 * @example
 * tokensForChars(303, 2.75); // 111
 */
export function tokensForChars(chars: number, charsPerToken = 1): number {
  return Math.ceil(chars / charsPerToken);
}

/**
 * Check a choice read from settings, a URL or a flag.
 *
 * @example
 * validateTokenizerChoice({ kind: 'bpe', merges: 50_000 }); // throws RangeError
 */
export function validateTokenizerChoice(choice: TokenizerChoice): TokenizerChoice {
  if (choice.kind === 'char') return { kind: 'char' };
  if (choice.kind !== 'bpe') throw new RangeError(`tokenizer kind must be char or bpe, got ${JSON.stringify((choice as { kind: unknown }).kind)}`);
  if (!Number.isInteger(choice.merges) || choice.merges < 0 || choice.merges > 20_000) {
    throw new RangeError(`tokenizer merges must be a whole number 0–20000, got ${choice.merges}`);
  }
  return { kind: 'bpe', merges: choice.merges };
}
