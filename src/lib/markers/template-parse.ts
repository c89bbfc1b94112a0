/**
 * Tolerant parsing of a formatted input or a generated completion back into markers and text.
 * Model output can be cut off or malformed at any point, so these functions never throw: they
 * return whatever could be read plus a list of issues saying what was wrong.
 *
 * Rules worth knowing:
 * - The first block is the marker block. A second one is skipped (`extraBlock`).
 * - A tag left open (by the next tag, the block's end or the end of output) still yields its value
 *   when that value is valid, with an `unclosedTag` issue, so a half-written block gives what it can.
 * - A repeated category keeps its first value (`duplicateCategory`).
 * - Whitespace between tags is ignored; other text inside the block is dropped (`textInBlock`).
 * - Outside the block, tags of categories the taxonomy does not know are ordinary text (external
 *   strings may hold unescaped `<b>`); known marker markup there is kept as literal text and flagged.
 * - EOS ends the sequence; BOS, SEP and PAD inside it are dropped and flagged.
 */
import { checkValue, getCategory } from './taxonomy';
import type { Markers, Taxonomy } from './taxonomy';
import type { Piece } from './template-format';
import { piecesToString, specialString, stringToPieces } from './template-string';

export type ParseIssueKind =
  | 'noBlock' // a completion without a marker block
  | 'unclosedBlock'
  | 'unclosedTag'
  | 'mismatchedTag' // <a>…</b>
  | 'unknownCategory'
  | 'invalidValue'
  | 'duplicateCategory'
  | 'textInBlock'
  | 'textBeforeBlock' // completion: the block should come first
  | 'textAfterBlock' // input: the block should come last
  | 'extraBlock'
  | 'strayMarkup' // marker markup where none belongs, e.g. a close tag without an open one
  | 'specialToken';

export interface ParseIssue {
  kind: ParseIssueKind;
  /** One sentence for a person. */
  message: string;
  category?: string;
}

export interface ParsedCompletion {
  markers: Markers;
  /** Text outside the block, unescaped: what the reader sees as the answer. */
  completion: string;
  issues: ParseIssue[];
}

export interface ParsedInput {
  prompt: string;
  markers: Markers;
  issues: ParseIssue[];
}

interface OpenTag {
  category: string;
  content: string;
  /** A value token of another category sat inside this tag. */
  foreignValue: string | undefined;
}

interface Scan {
  markers: Markers;
  hasBlock: boolean;
  before: string;
  after: string;
  issues: ParseIssue[];
}

function scan(pieces: readonly Piece[], taxonomy: Taxonomy): Scan {
  const s: Scan = { markers: {}, hasBlock: false, before: '', after: '', issues: [] };
  const issue = (kind: ParseIssueKind, message: string, category?: string): void => {
    s.issues.push(category === undefined ? { kind, message } : { kind, message, category });
  };
  let phase: 'before' | 'block' | 'after' | 'extra' = 'before';
  let tag: OpenTag | null = null;

  const finish = (unclosedBecause: string | null): void => {
    if (!tag) return;
    const { category: name, foreignValue } = tag;
    const value = tag.content.trim();
    tag = null;
    if (unclosedBecause) {
      issue('unclosedTag', `<${name}> is not closed (${unclosedBecause})`, name);
      // Output cut off right after a tag: nothing was written, so there is no value to judge.
      if (value === '' && foreignValue === undefined) return;
    }
    const category = getCategory(taxonomy, name);
    if (!category) return issue('unknownCategory', `<${name}> is not a category of the taxonomy`, name);
    if (foreignValue !== undefined) {
      return issue('invalidValue', `<${name}> holds ${foreignValue}, a value of another category`, name);
    }
    const reason = checkValue(category, value);
    if (reason) return issue('invalidValue', reason, name);
    if (Object.hasOwn(s.markers, name)) {
      return issue('duplicateCategory', `<${name}> appears again; the first value is kept`, name);
    }
    // Not `markers[name] = value`: "__proto__" is a valid tag name, and assigning it sets the prototype.
    Object.defineProperty(s.markers, name, { value, enumerable: true, writable: true, configurable: true });
  };

  const outside = (text: string): void => {
    if (phase === 'before') s.before += text;
    else s.after += text;
  };

  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.type === 'special') {
      if (piece.name === 'EOS') {
        if (i < pieces.length - 1) issue('specialToken', 'pieces after EOS are ignored');
        break;
      }
      issue('specialToken', `${specialString(piece.name)} in the middle of the text is ignored`);
      continue;
    }
    if (phase === 'extra') {
      if (piece.type === 'blockClose') phase = 'after';
      continue;
    }
    if (phase !== 'block') {
      if (piece.type === 'text') outside(piece.text);
      else if (piece.type === 'blockOpen' && phase === 'before') {
        phase = 'block';
        s.hasBlock = true;
      } else if (piece.type === 'blockOpen') {
        issue('extraBlock', 'a second marker block is ignored');
        phase = 'extra';
      } else {
        const literal = piece.type === 'value' ? piece.value : piecesToString([piece], taxonomy);
        const known = piece.type === 'blockClose' || getCategory(taxonomy, piece.category) !== undefined;
        if (known) issue('strayMarkup', `${literal} outside the marker block is kept as text`);
        outside(literal);
      }
      continue;
    }
    switch (piece.type) {
      case 'blockOpen':
        issue('strayMarkup', 'a block opened inside the block is ignored');
        break;
      case 'blockClose':
        finish('the block ends first');
        phase = 'after';
        break;
      case 'tagOpen':
        finish(`<${piece.category}> opens first`);
        tag = { category: piece.category, content: '', foreignValue: undefined };
        break;
      case 'tagClose':
        if (!tag) issue('strayMarkup', `</${piece.category}> closes no tag`, piece.category);
        else if (tag.category !== piece.category) {
          issue('mismatchedTag', `<${tag.category}> is closed by </${piece.category}>`, tag.category);
          finish(null);
        } else finish(null);
        break;
      case 'value':
        if (!tag) issue('textInBlock', `value "${piece.value}" outside any tag is ignored`, piece.category);
        else {
          tag.content += piece.value;
          if (piece.category !== tag.category) tag.foreignValue = `"${piece.value}" (<${piece.category}>)`;
        }
        break;
      case 'text':
        if (tag) tag.content += piece.text;
        else if (piece.text.trim() !== '') {
          issue('textInBlock', `text "${clip(piece.text)}" between tags is ignored`);
        }
        break;
    }
  }
  if (phase === 'block') {
    finish('the output ends first');
    issue('unclosedBlock', 'the marker block is not closed');
  }
  return s;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Read a completion (model output decoded from token ids, i.e. the pieces after SEP): its marker
 * block, then its text. An EOS ends it.
 *
 * @example
 * parseCompletionPieces(decodeIds(tok, ids).pieces, taxonomy);
 * // { markers: { lang: 'French' }, completion: 'Bonjour', issues: [] }
 */
export function parseCompletionPieces(pieces: readonly Piece[], taxonomy: Taxonomy): ParsedCompletion {
  const s = scan(pieces, taxonomy);
  if (!s.hasBlock) {
    s.issues.unshift({ kind: 'noBlock', message: 'the completion has no marker block' });
  } else if (s.before.trim() !== '') {
    s.issues.unshift({ kind: 'textBeforeBlock', message: 'text before the marker block is kept in the completion' });
  }
  return { markers: s.markers, completion: s.before + s.after, issues: s.issues };
}

/**
 * Read a completion given as a string (e.g. an exported `target`); user text must be escaped
 * as escapeText does, as piecesToString produces it.
 *
 * @example
 * parseCompletionString('<MARKER_LIST><lang>French</lang></MARKER_LIST>Bonjour', taxonomy).markers; // { lang: 'French' }
 */
export function parseCompletionString(text: string, taxonomy: Taxonomy): ParsedCompletion {
  return parseCompletionPieces(stringToPieces(text, taxonomy), taxonomy);
}

/**
 * Read an input (prompt, then an optional block of the markers that survived dropout). A missing
 * block is normal here: dropout may remove every prompt marker.
 *
 * @example
 * parseInputPieces(example.input, taxonomy); // { prompt: 'Hi', markers: { lang: 'French' }, issues: [] }
 */
export function parseInputPieces(pieces: readonly Piece[], taxonomy: Taxonomy): ParsedInput {
  const s = scan(pieces, taxonomy);
  if (s.after.trim() !== '') {
    s.issues.unshift({ kind: 'textAfterBlock', message: 'text after the marker block is kept in the prompt' });
  }
  return { prompt: s.before + s.after, markers: s.markers, issues: s.issues };
}

/**
 * String counterpart of parseInputPieces (e.g. an exported `input`).
 *
 * @example
 * parseInputString('Hi<MARKER_LIST><lang>French</lang></MARKER_LIST>', taxonomy).prompt; // 'Hi'
 */
export function parseInputString(text: string, taxonomy: Taxonomy): ParsedInput {
  return parseInputPieces(stringToPieces(text, taxonomy), taxonomy);
}
