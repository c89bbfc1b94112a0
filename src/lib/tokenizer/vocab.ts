/**
 * The tokenizer's vocabulary: a plain, JSON-serialisable list of token definitions whose index is
 * the token id. It travels with a checkpoint, so it is validated when loaded.
 *
 * Id layout of a freshly built tokenizer:
 *   0 PAD, 1 BOS, 2 EOS, 3 SEP                          (fixed)
 *   4 … 259   the 256 UTF-8 bytes, id = 4 + byte        (fixed: fallback for any unseen character)
 *   260 block open, 261 block close
 *   then per category in taxonomy order: its open tag, its close tag, then (categorical) one token
 *   per value in the taxonomy's value order
 *   then the characters, sorted by code point
 * so the same taxonomy and character set always give the same ids. extendTokenizer appends new
 * marker tokens and then new characters after the last id, leaving every existing id unchanged.
 * A BPE tokenizer (bpe-learn.ts) then appends one `piece` token per learned merge; its merge list
 * travels in the spec (format version 2). A spec without merges is written as version 1, exactly as
 * before BPE existed, so character checkpoints stay readable by older builds.
 * The wrapper name is display-only: `MARKER_LIST` and `TEMPLATE` share the block token ids.
 */
import type { Taxonomy } from '../markers/taxonomy';
import { TAG_NAME } from '../markers/taxonomy';
import { SPECIAL_NAMES } from '../markers/template';
import type { Piece, SpecialName } from '../markers/template';
import { errorMessage } from '../util/errors';

/** The newest tokenizer format this build reads and writes: 1 = characters, 2 = characters + BPE merges. */
export const TOKENIZER_FORMAT_VERSION = 2 as const;
export type TokenizerFormatVersion = 1 | typeof TOKENIZER_FORMAT_VERSION;

export const PAD_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
export const SEP_ID = 3;
export const BYTE_OFFSET = 4;
/** Number of ids whose meaning never changes (specials and bytes). */
export const FIXED_TOKENS = BYTE_OFFSET + 256;

/**
 * One token: a marker piece, one character, one UTF-8 byte, or a BPE piece of text (two or more
 * characters, made by a merge). Char, byte and piece tokens are the text tokens: the only ids user
 * text can ever produce.
 */
export type TokenDef =
  | Exclude<Piece, { type: 'text' }>
  | { type: 'char'; char: string }
  | { type: 'byte'; byte: number }
  | { type: 'piece'; text: string };

/** A BPE merge: the ids of the left and right tokens; it makes the piece whose text is theirs joined. */
export type Merge = [left: number, right: number];

export interface TokenizerSpec {
  /** 1 without merges (a character tokenizer), 2 with them. */
  formatVersion: TokenizerFormatVersion;
  /** Block wrapper name used when rendering tokens as text. */
  wrapper: string;
  /** `tokens[id]` defines token `id`. */
  tokens: TokenDef[];
  /** BPE merges in rank order (format version 2 only); absent for a character tokenizer. */
  merges?: Merge[];
}

/** True for the tokens text can encode to (char, byte, piece); false for markup and specials. */
export function isTextToken(def: TokenDef): boolean {
  return def.type === 'char' || def.type === 'byte' || def.type === 'piece';
}

/**
 * A spec of its parts, versioned by what it holds: version 1 without merges (byte for byte what
 * builds before BPE wrote), version 2 with them.
 *
 * @example
 * makeSpec('MARKER_LIST', tokens, []); // { formatVersion: 1, wrapper: 'MARKER_LIST', tokens }
 */
export function makeSpec(wrapper: string, tokens: TokenDef[], merges: readonly Merge[] | undefined): TokenizerSpec {
  return merges && merges.length > 0
    ? { formatVersion: TOKENIZER_FORMAT_VERSION, wrapper, tokens, merges: merges.map(([a, b]): Merge => [a, b]) }
    : { formatVersion: 1, wrapper, tokens };
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export interface BuildOptions {
  taxonomy: Taxonomy;
  /** Text the tokenizer should cover with character tokens (prompts and completions). */
  texts: Iterable<string>;
  /** Keep only the most frequent characters (ties: lower code point); the rest use byte tokens. */
  maxChars?: number;
}

/**
 * A new tokenizer for a taxonomy and a corpus. Digits, `.` and `-` are always characters when the
 * taxonomy has numeric categories, because every numeric marker value is written with them.
 *
 * @example
 * const tok = buildTokenizer({ taxonomy: defaultTaxonomy(), texts: rows.flatMap((r) => [r.prompt, r.completion]) });
 * JSON.stringify(tok); // plain data, ready for a checkpoint
 */
export function buildTokenizer(options: BuildOptions): TokenizerSpec {
  const base = makeSpec(options.taxonomy.wrapper, fixedTokens(), []);
  return extendTokenizer(base, options.taxonomy, options.texts, options.maxChars);
}

/**
 * `base` plus tokens for whatever `taxonomy` and `texts` add (new categories, values, characters),
 * appended so every id of `base` keeps its meaning: a checkpoint's embeddings stay valid and only
 * new rows need initialising when fine-tuning on new data. `maxNewChars` caps added characters.
 * A BPE spec keeps its merges (learnMerges can add more, after these ids).
 *
 * @example
 * const tok2 = extendTokenizer(tok, addCategory(taxonomy, persona), newRows.map((r) => r.completion));
 * tok2.tokens.slice(0, tok.tokens.length); // same as tok.tokens
 */
export function extendTokenizer(
  base: TokenizerSpec,
  taxonomy: Taxonomy,
  texts: Iterable<string>,
  maxNewChars = Infinity,
): TokenizerSpec {
  const tokens = [...base.tokens];
  const have = new Set(tokens.map(tokenKey));
  const add = (def: TokenDef): void => {
    const key = tokenKey(def);
    if (have.has(key)) return;
    have.add(key);
    tokens.push(def);
  };
  add({ type: 'blockOpen' });
  add({ type: 'blockClose' });
  for (const c of taxonomy.categories) {
    add({ type: 'tagOpen', category: c.name });
    add({ type: 'tagClose', category: c.name });
    if (c.kind === 'categorical') for (const value of c.values) add({ type: 'value', category: c.name, value });
  }

  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const ch of text) if (!isLoneSurrogate(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  const required = taxonomy.categories.some((c) => c.kind === 'numeric') ? [...'0123456789.-'] : [];
  const fresh = (ch: string): boolean => !have.has(tokenKey({ type: 'char', char: ch }));
  const candidates = [...counts.entries()]
    .filter(([ch]) => fresh(ch) && !required.includes(ch))
    .sort((a, b) => b[1] - a[1] || codePointOrder(a[0], b[0]));
  const newChars = [...required.filter(fresh), ...candidates.slice(0, Math.max(0, maxNewChars)).map(([ch]) => ch)];
  for (const ch of newChars.sort(codePointOrder)) add({ type: 'char', char: ch });

  return makeSpec(taxonomy.wrapper, tokens, base.merges);
}

/**
 * Load a spec from JSON text or an already-parsed value, checking everything an id depends on.
 * Throws TokenizerError naming the first problem.
 *
 * @example
 * tokenizerFromJSON(JSON.stringify(tok)); // deep copy of tok
 */
export function tokenizerFromJSON(json: unknown): TokenizerSpec {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new TokenizerError(`tokenizer is not valid JSON: ${errorMessage(e)}`);
    }
  }
  if (typeof value !== 'object' || value === null) throw new TokenizerError('tokenizer must be an object');
  const v = value as Partial<TokenizerSpec>;
  if (v.formatVersion !== 1 && v.formatVersion !== TOKENIZER_FORMAT_VERSION) {
    throw new TokenizerError(`tokenizer format ${String(v.formatVersion)} is not supported (expected 1 or ${TOKENIZER_FORMAT_VERSION})`);
  }
  if (typeof v.wrapper !== 'string' || !TAG_NAME.test(v.wrapper)) {
    throw new TokenizerError(`tokenizer wrapper "${String(v.wrapper)}" is not a valid tag name`);
  }
  if (!Array.isArray(v.tokens)) throw new TokenizerError('tokenizer.tokens must be an array');
  const tokens = v.tokens.map((t: unknown, id) => checkToken(t, id));
  const fixed = fixedTokens();
  fixed.forEach((def, id) => {
    if (tokens[id] === undefined || tokenKey(tokens[id]) !== tokenKey(def)) {
      throw new TokenizerError(`token ${id} must be ${tokenKey(def)} (ids 0–${FIXED_TOKENS - 1} are fixed)`);
    }
  });
  const seen = new Map<string, number>();
  tokens.forEach((def, id) => {
    const key = tokenKey(def);
    const first = seen.get(key);
    if (first !== undefined) throw new TokenizerError(`tokens ${first} and ${id} are both ${key}`);
    seen.set(key, id);
  });
  for (const need of ['blockOpen', 'blockClose']) {
    if (!seen.has(need)) throw new TokenizerError(`tokenizer has no ${need} token`);
  }
  for (const def of tokens) {
    if (def.type !== 'tagOpen' && def.type !== 'value') continue;
    for (const need of [`tagOpen:${def.category}`, `tagClose:${def.category}`]) {
      if (!seen.has(need)) throw new TokenizerError(`tokenizer has ${tokenKey(def)} but no ${need} token`);
    }
  }
  const merges = checkMerges(v.formatVersion, (v as { merges?: unknown }).merges, tokens, seen);
  return makeSpec(v.wrapper, tokens, merges);
}

/** Version 1 has no merges; version 2 has a list of [left, right] text-token ids whose joined piece exists. */
function checkMerges(version: TokenizerFormatVersion, merges: unknown, tokens: TokenDef[], ids: Map<string, number>): Merge[] {
  if (version === 1) {
    if (merges !== undefined) throw new TokenizerError('a version 1 tokenizer has no merges');
    return [];
  }
  if (!Array.isArray(merges)) throw new TokenizerError('tokenizer.merges must be an array (format 2)');
  return merges.map((m: unknown, rank): Merge => {
    const [a, b] = Array.isArray(m) && m.length === 2 ? (m as unknown[]) : [];
    const text = (id: unknown): string | undefined => {
      const def = typeof id === 'number' && Number.isInteger(id) ? tokens[id] : undefined;
      return def?.type === 'char' ? def.char : def?.type === 'piece' ? def.text : undefined;
    };
    const left = text(a), right = text(b);
    if (left === undefined || right === undefined) throw new TokenizerError(`merge ${rank} must be two ids of char or piece tokens, got ${JSON.stringify(m)}`);
    if (!ids.has(`piece:${left}${right}`)) throw new TokenizerError(`merge ${rank} makes ${JSON.stringify(left + right)}, which has no piece token`);
    return [a as number, b as number];
  });
}

function checkToken(t: unknown, id: number): TokenDef {
  const bad = (why: string): TokenizerError => new TokenizerError(`token ${id}: ${why}`);
  if (typeof t !== 'object' || t === null) throw bad('must be an object');
  const d = t as Record<string, unknown>;
  const name = (field: string): string => {
    const s = d[field];
    if (typeof s !== 'string' || !TAG_NAME.test(s)) throw bad(`${field} must be a tag name, got ${JSON.stringify(s)}`);
    return s;
  };
  switch (d.type) {
    case 'special': {
      const n = d.name;
      if (!(SPECIAL_NAMES as readonly unknown[]).includes(n)) throw bad(`unknown special ${JSON.stringify(n)}`);
      return { type: 'special', name: n as SpecialName };
    }
    case 'byte': {
      const b = d.byte;
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) throw bad('byte must be an integer 0–255');
      return { type: 'byte', byte: b };
    }
    case 'char': {
      const c = d.char;
      if (typeof c !== 'string' || [...c].length !== 1 || isLoneSurrogate(c)) throw bad('char must be one Unicode character');
      return { type: 'char', char: c };
    }
    case 'piece': {
      const text = d.text;
      if (typeof text !== 'string' || [...text].length < 2 || [...text].some(isLoneSurrogate)) {
        throw bad('piece must be two or more Unicode characters');
      }
      return { type: 'piece', text };
    }
    case 'blockOpen':
    case 'blockClose':
      return { type: d.type };
    case 'tagOpen':
    case 'tagClose':
      return { type: d.type, category: name('category') };
    case 'value': {
      const value = d.value;
      if (typeof value !== 'string' || value.length === 0) throw bad('value must be a non-empty string');
      return { type: 'value', category: name('category'), value };
    }
    default:
      throw bad(`unknown token type ${JSON.stringify(d.type)}`);
  }
}

/** A string that identifies a token definition (used for lookups and duplicate checks). */
export function tokenKey(def: TokenDef): string {
  switch (def.type) {
    case 'special': return `special:${def.name}`;
    case 'byte': return `byte:${def.byte}`;
    case 'char': return `char:${def.char}`;
    case 'piece': return `piece:${def.text}`;
    case 'blockOpen':
    case 'blockClose': return def.type;
    case 'tagOpen':
    case 'tagClose': return `${def.type}:${def.category}`;
    case 'value': return `value:${def.category}=${def.value}`;
  }
}

function fixedTokens(): TokenDef[] {
  const specials: TokenDef[] = SPECIAL_NAMES.map((name) => ({ type: 'special', name }));
  const bytes: TokenDef[] = Array.from({ length: 256 }, (_, byte) => ({ type: 'byte', byte }));
  return [...specials, ...bytes];
}

function codePointOrder(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

/** Half a surrogate pair is not a character; it has no UTF-8 form and is never a char token. */
export function isLoneSurrogate(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c >= 0xd800 && c <= 0xdfff;
}
