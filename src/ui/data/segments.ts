/**
 * Training pieces grouped for display: runs of user text, and marker blocks as lists of
 * name/value pairs (drawn as chips). Pure; the components only draw the result.
 */
import type { Piece } from '../../lib/markers/template';

export interface MarkerPair {
  name: string;
  value: string;
}

export type Segment = { kind: 'text'; text: string } | { kind: 'block'; markers: MarkerPair[] };

/**
 * @example
 * segments(formatExample(row, { lang: 'French' }, taxonomy).input);
 * // [{ kind: 'text', text: 'Hi' }, { kind: 'block', markers: [{ name: 'lang', value: 'French' }] }]
 */
export function segments(pieces: readonly Piece[]): Segment[] {
  const out: Segment[] = [];
  let block: MarkerPair[] | null = null;
  let tag: string | null = null;
  for (const piece of pieces) {
    switch (piece.type) {
      case 'blockOpen':
        block = [];
        break;
      case 'blockClose':
        if (block) out.push({ kind: 'block', markers: block });
        block = null;
        break;
      case 'tagOpen':
        tag = piece.category;
        break;
      case 'tagClose':
        tag = null;
        break;
      case 'value':
        block?.push({ name: piece.category, value: piece.value });
        break;
      case 'text':
        if (block && tag !== null) block.push({ name: tag, value: piece.text });
        else out.push({ kind: 'text', text: piece.text });
        break;
      case 'special':
        break;
    }
  }
  return out;
}
