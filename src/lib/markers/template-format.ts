/**
 * The training pair as structured pieces, never as one string.
 *
 * User text only ever lives in `text` pieces and marker markup only ever comes from the other
 * piece types, so no prompt or completion can forge a marker or close a block: the tokenizer maps
 * text pieces to character/byte tokens and markup pieces to atomic marker tokens. The string form
 * (template-string.ts) is for display and export only.
 *
 * Layout (paper, §3): input = prompt + block of the markers left after dropout;
 * target = block of all the row's markers + completion; sequence = BOS input SEP target EOS.
 */
import { checkValue, getCategory } from './taxonomy';
import type { Markers, Taxonomy } from './taxonomy';

export const SPECIAL_NAMES = ['PAD', 'BOS', 'EOS', 'SEP'] as const;
export type SpecialName = (typeof SPECIAL_NAMES)[number];

export type Piece =
  /** User text: always plain characters, whatever it looks like. */
  | { type: 'text'; text: string }
  /** `<MARKER_LIST>` … `</MARKER_LIST>`; the name comes from `taxonomy.wrapper`. */
  | { type: 'blockOpen' }
  | { type: 'blockClose' }
  | { type: 'tagOpen'; category: string }
  | { type: 'tagClose'; category: string }
  /** An atomic categorical value. Numeric values are a `text` piece between the tags instead. */
  | { type: 'value'; category: string; value: string }
  | { type: 'special'; name: SpecialName };

export interface Example {
  input: Piece[];
  target: Piece[];
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/**
 * The marker block for `markers`, in taxonomy order unless `order` says otherwise.
 * `order` lists category names (e.g. a shuffled list of all categories); names without a marker
 * are skipped, but every marker must be listed. Throws TemplateError for an unknown category or a
 * value its category does not allow.
 *
 * @example
 * formatBlock({ lang: 'French', length_tokens: '42' }, defaultTaxonomy());
 * // blockOpen, tagOpen lang, value French, tagClose lang,
 * // tagOpen length_tokens, text "42", tagClose length_tokens, blockClose
 */
export function formatBlock(markers: Markers, taxonomy: Taxonomy, order?: readonly string[]): Piece[] {
  for (const [name, value] of Object.entries(markers)) {
    const category = getCategory(taxonomy, name);
    if (!category) {
      const known = taxonomy.categories.map((c) => c.name).join(', ');
      throw new TemplateError(`unknown marker category "${name}" (the taxonomy has: ${known})`);
    }
    if (typeof value !== 'string') {
      throw new TemplateError(`marker <${name}> must be a string, got ${typeof value}`);
    }
    const reason = checkValue(category, value);
    if (reason) throw new TemplateError(reason);
  }
  const names = order ? checkOrder(markers, order) : taxonomy.categories.map((c) => c.name);

  const pieces: Piece[] = [{ type: 'blockOpen' }];
  for (const name of names) {
    if (!Object.hasOwn(markers, name)) continue;
    const value = markers[name]!;
    const category = getCategory(taxonomy, name)!;
    pieces.push({ type: 'tagOpen', category: name });
    pieces.push(
      category.kind === 'categorical'
        ? { type: 'value', category: name, value }
        : { type: 'text', text: value },
    );
    pieces.push({ type: 'tagClose', category: name });
  }
  pieces.push({ type: 'blockClose' });
  return pieces;
}

function checkOrder(markers: Markers, order: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  for (const name of order) {
    if (seen.has(name)) throw new TemplateError(`category "${name}" appears twice in the block order`);
    seen.add(name);
  }
  const missing = Object.keys(markers).filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new TemplateError(`block order leaves out marker(s): ${missing.join(', ')}`);
  }
  return order;
}

/**
 * One training pair. `promptMarkers` are the markers that survive dropout (see dropout.ts);
 * the target always carries all of `row.markers`.
 *
 * Empty prompt side: when no marker survives, the input has NO block at all rather than an empty
 * `<MARKER_LIST></MARKER_LIST>`. Reasons: (1) "dataset-level dropout removes all markers" then
 * trains exactly the case of a user who sets no markers and types a plain prompt, so inference
 * needs no special form for it; (2) SEP already marks where the prompt ends, so an empty block
 * would say nothing; (3) exported rows without markers look like ordinary instruction data.
 * The target side, by contrast, always has a block (possibly empty), because the model must
 * learn to always open its answer with one; parsing flags a completion without a block.
 *
 * @example
 * formatExample({ prompt: 'Hi', completion: 'Salut', markers: { lang: 'French' } }, {}, defaultTaxonomy());
 * // input: [text "Hi"]; target: [block with lang=French, text "Salut"]
 */
export function formatExample(
  row: { prompt: string; completion: string; markers: Markers },
  promptMarkers: Markers,
  taxonomy: Taxonomy,
): Example {
  const input: Piece[] = [];
  pushText(input, row.prompt);
  if (Object.keys(promptMarkers).length > 0) input.push(...formatBlock(promptMarkers, taxonomy));
  const target = formatBlock(row.markers, taxonomy);
  pushText(target, row.completion);
  return { input, target };
}

/**
 * The full training sequence: BOS input SEP target EOS.
 *
 * @example
 * toSequence(formatExample(row, kept, taxonomy)); // [special BOS, …input, special SEP, …target, special EOS]
 */
export function toSequence(example: Example): Piece[] {
  return [
    { type: 'special', name: 'BOS' },
    ...example.input,
    { type: 'special', name: 'SEP' },
    ...example.target,
    { type: 'special', name: 'EOS' },
  ];
}

/** Empty strings add no piece, so "no text" has one representation. */
function pushText(pieces: Piece[], text: string): void {
  if (text.length > 0) pieces.push({ type: 'text', text });
}
