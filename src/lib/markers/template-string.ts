/**
 * The string form of pieces, for display and export: `<MARKER_LIST><lang>French</lang></MARKER_LIST>`.
 *
 * Escape scheme (reversible for every string, and a no-op for almost all real text):
 * a "tag-like" run is `<name>`, `</name>` (name = letter or `_`, then letters, digits, `_`)
 * or one of `<|BOS|>`, `<|EOS|>`, `<|PAD|>`, `<|SEP|>`. In user text,
 *   - a tag-like `<` preceded by k backslashes becomes 2k+1 backslashes and the `<`;
 *   - k backslashes at the very end of the text become 2k (the text may be followed by markup);
 *   - everything else, including `a < b`, `i<n` and `C:\path`, stays as it is.
 * Reading back: a tag-like `<` after an even number of backslashes is markup, after an odd number
 * it is a literal `<`; each such run, and a run at the end of a text span, is halved.
 */
import { SPECIAL_NAMES } from './template-format';
import type { Piece, SpecialName } from './template-format';
import type { Taxonomy } from './taxonomy';

// Sticky so it matches only at the position we set: (1) "/" of a close tag, (2) tag name, (3) special.
const TAG_AT = new RegExp(`<(?:(/?)([A-Za-z_][A-Za-z0-9_]*)|\\|(${SPECIAL_NAMES.join('|')})\\|)>`, 'y');

interface TagMatch {
  length: number;
  close: boolean;
  name: string;
  special: SpecialName | undefined;
}

function tagAt(text: string, i: number): TagMatch | null {
  TAG_AT.lastIndex = i;
  const m = TAG_AT.exec(text);
  if (!m) return null;
  const special = m[3] as SpecialName | undefined;
  return { length: m[0].length, close: m[1] === '/', name: m[2] ?? '', special };
}

function backslashesBefore(text: string, i: number): number {
  let k = 0;
  while (i - k - 1 >= 0 && text.charCodeAt(i - k - 1) === 0x5c) k++;
  return k;
}

/**
 * Escape user text so that, inside the string form, it can never be read as markup.
 *
 * @example
 * escapeText('say <lang>French</lang>'); // 'say \\<lang>French\\</lang>'
 * escapeText('if (a < b) x = "\\n";');   // unchanged
 */
export function escapeText(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    if (!tagAt(text, i)) continue;
    // The run already sits in text.slice(from, i); add k more plus the escaping one.
    out += text.slice(from, i) + '\\'.repeat(backslashesBefore(text, i) + 1);
    from = i;
  }
  return out + text.slice(from) + '\\'.repeat(backslashesBefore(text, text.length));
}

/**
 * Inverse of escapeText: `unescapeText(escapeText(s)) === s` for every string s.
 * Tolerant of text escapeText could not have produced (it never throws).
 *
 * @example
 * unescapeText('say \\<lang>French\\</lang>'); // 'say <lang>French</lang>'
 */
export function unescapeText(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    if (!tagAt(text, i)) continue;
    const k = backslashesBefore(text, i);
    out += text.slice(from, i - k) + '\\'.repeat(Math.floor(k / 2));
    from = i;
  }
  const k = backslashesBefore(text, text.length);
  return out + text.slice(from, text.length - k) + '\\'.repeat(Math.floor(k / 2));
}

/** `<|BOS|>` etc.: the display form of a special token. */
export function specialString(name: SpecialName): string {
  return `<|${name}|>`;
}

/**
 * Render pieces as a string; user text is escaped so it reads back as text.
 * Only `taxonomy.wrapper` is used, so a tokenizer spec (which carries its wrapper) also fits.
 *
 * @example
 * piecesToString(formatExample(row, row.markers, taxonomy).target, taxonomy);
 * // '<MARKER_LIST><lang>French</lang></MARKER_LIST>Bonjour'
 */
export function piecesToString(pieces: readonly Piece[], taxonomy: Pick<Taxonomy, 'wrapper'>): string {
  let out = '';
  let pending = '';
  for (const piece of pieces) {
    // Adjacent text pieces are escaped as one: "<" + "b>" only becomes tag-like once joined.
    if (piece.type === 'text') {
      pending += piece.text;
      continue;
    }
    out += escapeText(pending);
    pending = '';
    out += markupString(piece, taxonomy.wrapper);
  }
  return out + escapeText(pending);
}

function markupString(piece: Exclude<Piece, { type: 'text' }>, wrapper: string): string {
  switch (piece.type) {
    case 'blockOpen': return `<${wrapper}>`;
    case 'blockClose': return `</${wrapper}>`;
    case 'tagOpen': return `<${piece.category}>`;
    case 'tagClose': return `</${piece.category}>`;
    // Values never contain "<" (taxonomy rule) but may end in "\", which escaping doubles.
    case 'value': return escapeText(piece.value);
    case 'special': return specialString(piece.name);
  }
}

/**
 * Read a string form back into pieces: unescaped markup becomes block/tag/special pieces (tags of
 * any name, so the parser can report unknown categories), everything else text. Values between
 * tags come back as text pieces; the parser checks them. Never throws.
 *
 * @example
 * stringToPieces('Hi<MARKER_LIST><lang>French</lang></MARKER_LIST>', taxonomy);
 * // text "Hi", blockOpen, tagOpen lang, text "French", tagClose lang, blockClose
 */
export function stringToPieces(text: string, taxonomy: Pick<Taxonomy, 'wrapper'>): Piece[] {
  const pieces: Piece[] = [];
  let from = 0;
  const flush = (end: number): void => {
    const t = unescapeText(text.slice(from, end));
    if (t.length > 0) pieces.push({ type: 'text', text: t });
  };
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const tag = tagAt(text, i);
    if (!tag || backslashesBefore(text, i) % 2 === 1) continue;
    flush(i);
    pieces.push(markupPiece(tag, taxonomy.wrapper));
    from = i + tag.length;
  }
  flush(text.length);
  return pieces;
}

function markupPiece(tag: TagMatch, wrapper: string): Piece {
  if (tag.special) return { type: 'special', name: tag.special };
  if (tag.name === wrapper) return { type: tag.close ? 'blockClose' : 'blockOpen' };
  return { type: tag.close ? 'tagClose' : 'tagOpen', category: tag.name };
}
