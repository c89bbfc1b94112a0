/** The template's escape and the tokenizer: any text survives both unchanged. */
import { learnMerges } from '../../../src/lib/tokenizer/bpe-learn';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText, formatExample, stringToPieces, toSequence, unescapeText, type Piece } from '../../../src/lib/markers/template';
import { defaultTaxonomy } from '../../../src/lib/markers/taxonomy';
import { buildTokenizer, decodeIds, encodePieces, type TokenizerSpec } from '../../../src/lib/tokenizer/tokenizer';
import { markupText, params, validMarkers } from './arbitraries';

const taxonomy = defaultTaxonomy();
/** Well-formed Unicode of every kind (a lone surrogate has no UTF-8 form, so no tokenizer keeps it). */
const anyText = fc.oneof(markupText(), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

describe('template escape', () => {
  it('unescapeText(escapeText(s)) === s, and the escaped text reads back as one text piece', () => {
    fc.assert(fc.property(anyText, fc.constantFrom('MARKER_LIST', 'TEMPLATE'), (text, wrapper) => {
      const escaped = escapeText(text);
      expect(unescapeText(escaped)).toBe(text);
      const pieces = stringToPieces(escaped, { wrapper });
      expect(pieces.filter((p) => p.type !== 'text')).toEqual([]);
      expect(pieces.map((p) => (p.type === 'text' ? p.text : '')).join('')).toBe(text);
    }), params());
  });

  it('leaves text without a tag-like "<" and without a trailing backslash unchanged', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('<') && !s.endsWith('\\')), (text) => {
      expect(escapeText(text)).toBe(text);
    }), params());
  });
});

/**
 * A tokenizer factory: corpus → spec. The character tokenizer today; a subword one (BPE) plugs in
 * here with one more entry, and every property below then runs for it too.
 */
const TOKENIZER_BUILDERS: ReadonlyArray<readonly [string, (texts: readonly string[]) => TokenizerSpec]> = [
  ['char', (texts) => buildTokenizer({ taxonomy, texts })],
  ['char, 20 characters at most', (texts) => buildTokenizer({ taxonomy, texts, maxChars: 20 })],
  // Merges learned on the corpus, then any text: pieces where they fit, characters and bytes elsewhere.
  ['bpe, 50 merges', (texts) => learnMerges(buildTokenizer({ taxonomy, texts }), texts, 50)],
];

function joinedText(pieces: readonly Piece[]): string {
  return pieces.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

describe.each(TOKENIZER_BUILDERS)('tokenizer round trip: %s', (_, build) => {
  it('decode(encode(text)) === text, for text inside and outside its corpus', () => {
    fc.assert(fc.property(fc.array(anyText, { maxLength: 4 }), anyText, (corpus, text) => {
      const tok = build(corpus);
      const decoded = decodeIds(tok, encodePieces(tok, [{ type: 'text', text }]));
      expect(decoded.invalid).toEqual([]);
      expect(joinedText(decoded.pieces)).toBe(text);
    }), params());
  });

  it('a whole training sequence decodes to the same pieces', () => {
    fc.assert(fc.property(anyText, anyText.filter((s) => s !== ''), validMarkers(taxonomy), (prompt, completion, markers) => {
      const tok = build([prompt, completion]);
      const sequence = toSequence(formatExample({ prompt, completion, markers }, markers, taxonomy));
      const decoded = decodeIds(tok, encodePieces(tok, sequence)).pieces;
      // Adjacent text pieces merge on decoding; compare with the same merge applied.
      expect(decoded).toEqual(mergeText(sequence));
    }), params());
  });
});

function mergeText(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (p.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', text: last.text + p.text };
    else if (!(p.type === 'text' && p.text === '')) out.push(p);
  }
  return out;
}
