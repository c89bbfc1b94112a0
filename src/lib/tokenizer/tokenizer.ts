/**
 * Encoding pieces to token ids and back. Text is encoded one character at a time: a character
 * with its own token uses it, any other becomes its UTF-8 bytes, so nothing is ever unencodable.
 * A BPE spec then joins characters within each word by its merges (bpe.ts).
 * Markup pieces map to atomic tokens. Because text pieces only ever produce char, byte and piece
 * ids, text that looks like markup (`<lang>French</lang>`) can never yield a marker id.
 */
import { piecesToString } from '../markers/template';
import type { Piece } from '../markers/template';
import { bpeIndex, encodeBpeText, type BpeIndex } from './bpe';
import { BYTE_OFFSET, isTextToken, TokenizerError, tokenKey } from './vocab';
import type { TokenDef, TokenizerSpec } from './vocab';

export * from './vocab';
export { preSplit } from './bpe';
export { learnMerges, learnMergesAsync, type AsyncLearnOptions, type LearnProgress } from './bpe-learn';
export * from './choice';

interface Index {
  /** tokenKey → id, for markup and characters. */
  ids: Map<string, number>;
  /** Merge tables of a BPE spec. */
  bpe?: BpeIndex;
}

// Specs are treated as immutable values, so their lookup tables are built once per spec object.
const indexes = new WeakMap<TokenizerSpec, Index>();

function indexOf(tok: TokenizerSpec): Index {
  let index = indexes.get(tok);
  if (!index) {
    index = { ids: new Map(tok.tokens.map((def, id) => [tokenKey(def), id])) };
    if (tok.merges && tok.merges.length > 0) index.bpe = bpeIndex(tok);
    indexes.set(tok, index);
  }
  return index;
}

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text like any other and must survive the round trip.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Token ids for a sequence of pieces. Throws TokenizerError only for markup the tokenizer has no
 * token for (a category or value added after it was built: extend it); text always encodes.
 *
 * @example
 * encodePieces(tok, toSequence(formatExample(row, kept, taxonomy))); // Int32Array [1, …, 3, …, 2]
 */
export function encodePieces(tok: TokenizerSpec, pieces: readonly Piece[]): Int32Array {
  const { ids, bpe } = indexOf(tok);
  const out: number[] = [];
  for (const piece of pieces) {
    if (piece.type === 'text') {
      if (bpe) encodeBpeText(bpe, piece.text, out);
      else encodeText(ids, piece.text, out);
      continue;
    }
    const id = ids.get(tokenKey(piece));
    if (id === undefined) {
      throw new TokenizerError(`the tokenizer has no token for ${tokenKey(piece)}; extend it with the current taxonomy`);
    }
    out.push(id);
  }
  return Int32Array.from(out);
}

function encodeText(ids: Map<string, number>, text: string, out: number[]): void {
  for (const ch of text) {
    const id = ids.get(`char:${ch}`);
    if (id !== undefined) out.push(id);
    else for (const byte of encoder.encode(ch)) out.push(BYTE_OFFSET + byte);
  }
}

export interface Decoded {
  pieces: Piece[];
  /** Positions in the input of ids that are not tokens of this tokenizer (shown as U+FFFD). */
  invalid: number[];
}

/**
 * Pieces for a sequence of ids. Never throws: byte runs that are not valid UTF-8 decode to U+FFFD,
 * and ids outside the vocabulary become U+FFFD with their positions listed in `invalid`.
 *
 * @example
 * decodeIds(tok, encodePieces(tok, pieces)).pieces; // equal to pieces, adjacent text merged
 */
export function decodeIds(tok: TokenizerSpec, ids: ArrayLike<number>): Decoded {
  const pieces: Piece[] = [];
  const invalid: number[] = [];
  let text = '';
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length === 0) return;
    text += decoder.decode(Uint8Array.from(bytes));
    bytes = [];
  };
  const flushText = (): void => {
    flushBytes();
    if (text.length > 0) pieces.push({ type: 'text', text });
    text = '';
  };
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const def: TokenDef | undefined = Number.isInteger(id) ? tok.tokens[id] : undefined;
    if (def === undefined) {
      invalid.push(i);
      flushBytes();
      text += '\uFFFD';
    } else if (def.type === 'byte') bytes.push(def.byte);
    else if (def.type === 'char' || def.type === 'piece') {
      flushBytes();
      text += def.type === 'char' ? def.char : def.text;
    } else {
      flushText();
      pieces.push({ ...def });
    }
  }
  flushText();
  return { pieces, invalid };
}

/**
 * The display string of a sequence of ids (markup as tags, text escaped as in piecesToString).
 *
 * @example
 * decodeToString(tok, ids); // '<|BOS|>Hi<|SEP|><MARKER_LIST><lang>French</lang></MARKER_LIST>Salut<|EOS|>'
 */
export function decodeToString(tok: TokenizerSpec, ids: ArrayLike<number>): string {
  return piecesToString(decodeIds(tok, ids).pieces, tok);
}

const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥', '\r': '␍' };

function visibleChar(ch: string): string {
  const visible = VISIBLE[ch];
  if (visible) return visible;
  const cp = ch.codePointAt(0)!;
  return cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : ch;
}

/**
 * A short, unambiguous label for one token, for probability bars and token inspectors.
 * Values carry their category (`lang=French`) so `quality_bucket=1` is not confused with the digit;
 * pieces show their spaces and line breaks (`␣the`).
 *
 * @example
 * tokenLabel(tok, 2); // '<|EOS|>'
 * tokenLabel(tok, 4 + 0xe2); // '<0xE2>'
 */
export function tokenLabel(tok: TokenizerSpec, id: number): string {
  const def = Number.isInteger(id) ? tok.tokens[id] : undefined;
  if (!def) return `<invalid ${id}>`;
  switch (def.type) {
    case 'char': return visibleChar(def.char);
    case 'piece': return [...def.text].map(visibleChar).join('');
    case 'byte': return `<0x${def.byte.toString(16).toUpperCase().padStart(2, '0')}>`;
    case 'value': return `${def.category}=${def.value}`;
    default: return piecesToString([def], tok);
  }
}

/**
 * The token id of each value of a categorical category, in vocabulary order: the ids to read off
 * a next-token distribution when the model is about to write that category's value.
 *
 * @example
 * valueTokenIds(tok, 'lang'); // Map { 'English' => 312, 'French' => 313, … }
 */
export function valueTokenIds(tok: TokenizerSpec, category: string): Map<string, number> {
  const out = new Map<string, number>();
  tok.tokens.forEach((def, id) => {
    if (def.type === 'value' && def.category === category) out.set(def.value, id);
  });
  return out;
}

/**
 * Ids of the tokens that are not text: marker markup (block and tag tokens, values) and the special
 * tokens other than EOS. After a completion's marker block only text and EOS may follow; decoding
 * bans the rest there (steer.ts blockConstraint).
 *
 * @example
 * markupIds(tok).includes(EOS_ID); // false
 */
export function markupIds(tok: TokenizerSpec): number[] {
  return tok.tokens.flatMap((def, id) => (isTextToken(def) || (def.type === 'special' && def.name === 'EOS') ? [] : [id]));
}

/**
 * The id of one markup piece, or undefined if the tokenizer lacks it.
 *
 * @example
 * markupId(tok, { type: 'tagOpen', category: 'lang' }); // e.g. 268
 */
export function markupId(tok: TokenizerSpec, piece: Exclude<Piece, { type: 'text' }>): number | undefined {
  return indexOf(tok).ids.get(tokenKey(piece));
}

/**
 * Characters (code points, the unit of length markers and length buckets) per model token on
 * `texts`: 1 for a character tokenizer on covered text, ~3 for BPE on its own data. Budgets in
 * model tokens (max tokens, a bucket's reach) convert through it.
 *
 * @example
 * charsPerToken(bpe, rows.slice(0, 500).map((r) => r.completion)); // e.g. 2.7
 */
export function charsPerToken(tok: TokenizerSpec, texts: readonly string[]): number {
  let chars = 0, tokens = 0;
  for (const text of texts) {
    for (const _ of text) chars++;
    tokens += encodePieces(tok, [{ type: 'text', text }]).length;
  }
  return tokens > 0 ? chars / tokens : 1;
}
