/**
 * What a tokenizer does to a dataset, for the Data view's Tokenizer panel: its kind and size, how
 * many tokens a row costs as training writes it, characters per text token, and one typical row
 * cut into tokens. Pure: no tf, no DOM.
 */
import { formatExample, toSequence } from '../markers/template';
import { markersInBlocks, type Taxonomy } from '../markers/taxonomy';
import { describeTokenizer, encodePieces, tokenLabel, type TokenizerSpec } from '../tokenizer/tokenizer';
import type { Row } from './types';

/** How a chip is drawn: user text (a character or a piece), a byte of an unseen character, marker markup, a special. */
export type ChipKind = 'text' | 'byte' | 'markup' | 'special';

/** One token of the example row: its label (spaces as ␣, markup as tags) and what kind of token it is. */
export interface TokenChip {
  id: number;
  label: string;
  kind: ChipKind;
}

export interface TokenizerReport {
  kind: 'bpe' | 'char';
  merges: number;
  vocabSize: number;
  /** Tokens of a row as training writes it with every block marker (BOS prompt block SEP block completion EOS), averaged over the rows. */
  meanTokensPerRow: number;
  /** Characters (code points) of prompts and completions per token they encode to. */
  charsPerToken: number;
  /** A row of typical length (the median by characters), as tokens; at most `maxChips` of them. */
  example: { rowId: string; chips: TokenChip[]; tokens: number } | null;
}

/**
 * The chips of a token sequence.
 *
 * @example
 * tokenChips(tok, [1, 812]); // [{ id: 1, label: '<|BOS|>', kind: 'special' }, { id: 812, label: '␣rain', kind: 'text' }]
 */
export function tokenChips(tok: TokenizerSpec, ids: ArrayLike<number>): TokenChip[] {
  return Array.from(ids, (id): TokenChip => {
    const def = tok.tokens[id];
    const kind: ChipKind = !def ? 'special'
      : def.type === 'char' || def.type === 'piece' ? 'text'
      : def.type === 'byte' ? 'byte'
      : def.type === 'special' ? 'special'
      : 'markup';
    return { id, label: tokenLabel(tok, id), kind };
  });
}

/**
 * The index of a row of typical length: the median of prompt + completion characters (ties: the
 * earlier row), so every tokenizer is shown on the same row. -1 for no rows.
 *
 * @example
 * typicalRow([{ prompt: 'a', completion: 'bb' }, { prompt: 'a', completion: 'b' }, { prompt: '', completion: 'cccc' }]); // 0
 */
export function typicalRow(rows: readonly { prompt: string; completion: string }[]): number {
  if (rows.length === 0) return -1;
  const order = rows.map((r, i) => ({ i, n: r.prompt.length + r.completion.length })).sort((a, b) => a.n - b.n || a.i - b.i);
  return order[(order.length - 1) >> 1]!.i;
}

/**
 * The report of `tok` on `rows`, with the blocks carrying `categories` (null: every categorical one,
 * as training does by default).
 *
 * @example
 * tokenizerReport(tok, rows, taxonomy, null).meanTokensPerRow; // e.g. 102.6 for BPE on the teaching set
 */
export function tokenizerReport(
  tok: TokenizerSpec, rows: readonly Row[], taxonomy: Taxonomy, categories: readonly string[] | null, maxChips = 160,
): TokenizerReport {
  const { kind, merges, vocabSize } = describeTokenizer(tok);
  let rowTokens = 0, chars = 0, textTokens = 0;
  const encodeRow = (row: Row): Int32Array => {
    const markers = markersInBlocks(row.markers, taxonomy, categories);
    return encodePieces(tok, toSequence(formatExample({ ...row, markers }, markers, taxonomy)));
  };
  for (const row of rows) {
    rowTokens += encodeRow(row).length;
    for (const text of [row.prompt, row.completion]) {
      for (const _ of text) chars++;
      textTokens += encodePieces(tok, [{ type: 'text', text }]).length;
    }
  }
  const pick = typicalRow(rows);
  let example: TokenizerReport['example'] = null;
  if (pick >= 0) {
    const ids = encodeRow(rows[pick]!);
    example = { rowId: rows[pick]!.id, chips: tokenChips(tok, ids.subarray(0, maxChips)), tokens: ids.length };
  }
  return {
    kind, merges, vocabSize,
    meanTokensPerRow: rows.length > 0 ? rowTokens / rows.length : 0,
    charsPerToken: textTokens > 0 ? chars / textTokens : 1,
    example,
  };
}
