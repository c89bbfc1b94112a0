/**
 * Many rows encoded once and stored flat, for the batch sampler and validation: what `prepareRow`
 * gives for one row, at a few bytes per token instead of ~1.4 kB of objects per row.
 *
 * Layout (n rows):
 *   ids            every row's prompt tokens, then its completion tokens, row after row
 *                  (16-bit when the vocabulary fits, as it always does in practice; else 32-bit)
 *   textStart      (n + 1) row i's prompt starts at textStart[i]; its completion ends at textStart[i + 1]
 *   completionAt   (n) row i's completion starts at completionAt[i]
 *   markerStart    (n + 1) row i's markers are markerRefs[markerStart[i] … markerStart[i + 1]), in taxonomy order
 *   markerRefs     indices into `markers`: one encoded MarkerIds per distinct (category, value), shared by rows
 *
 * 200k rows: ~1.4 kB of typed arrays and objects per row as PreparedRow[] (270 MB); flat, the
 * token ids themselves (2 bytes each) plus ~16 bytes of offsets and ~12 of marker refs per row.
 */
import { formatBlock } from '../markers/template';
import type { Markers, Taxonomy } from '../markers/taxonomy';
import { encodePieces, markupId } from '../tokenizer/tokenizer';
import type { TokenizerSpec } from '../tokenizer/tokenizer';
import { BatchError } from './batch-encode';
import type { MarkerIds, PreparedRow } from './batch-encode';

/** The part of a row encoding needs (a Row fits). */
export interface EncodableRow {
  id?: string;
  prompt: string;
  completion: string;
  markers: Markers;
}

export interface PrepareOptions {
  /** The markers of a row to encode (default: all of `row.markers`), e.g. only those the blocks carry. */
  markers?: (row: EncodableRow) => Markers;
}

/**
 * @example
 * const prepared = new PreparedRows(split.train, taxonomy, tok);
 * prepared.get(0);       // the same PreparedRow as prepareRow(split.train[0], taxonomy, tok)
 * prepared.markersOf(0); // { domain: 'Culture', lang: 'French' }: the row's markers, taxonomy order
 */
export class PreparedRows {
  readonly length: number;
  readonly #rowIds: string[];
  readonly #ids: Int32Array | Uint16Array;
  readonly #textStart: Int32Array;
  readonly #completionAt: Int32Array;
  readonly #markerStart: Int32Array;
  readonly #markerRefs: Int32Array;
  readonly #markers: MarkerIds[] = [];
  readonly #blockOpen: number;
  readonly #blockClose: number;

  /**
   * Encode every row. Throws TemplateError for a marker the taxonomy refuses and TokenizerError for
   * text the tokenizer cannot encode, as prepareRow does, so a bad row fails before training starts.
   */
  constructor(rows: readonly EncodableRow[], taxonomy: Taxonomy, tok: TokenizerSpec, options: PrepareOptions = {}) {
    const n = rows.length;
    this.length = n;
    this.#blockOpen = requireId(tok, 'blockOpen');
    this.#blockClose = requireId(tok, 'blockClose');
    const ranks = new Map(taxonomy.categories.map((c, i) => [c.name, i]));
    const interned = new Map<string, number>();
    const intern = (name: string, value: string): number => {
      const key = `${name}\u0000${value}`;
      let k = interned.get(key);
      if (k === undefined) {
        // The same check and pieces prepareRow gets from formatBlock over all the row's markers:
        // both depend on the one marker only. A computed key keeps "__proto__" an own property.
        const block = formatBlock({ [name]: value }, taxonomy);
        k = this.#markers.length;
        this.#markers.push({ name, value, rank: ranks.get(name)!, ids: encodePieces(tok, block.slice(1, 4)) });
        interned.set(key, k);
      }
      return k;
    };

    const ids = new GrowingInts(tok.tokens.length <= 1 << 16 ? Uint16Array : Int32Array), refs = new GrowingInts(Int32Array);
    this.#rowIds = new Array<string>(n);
    this.#textStart = new Int32Array(n + 1);
    this.#completionAt = new Int32Array(n);
    this.#markerStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      this.#rowIds[i] = row.id ?? '';
      const mine = Object.entries(options.markers ? options.markers(row) : row.markers).map(([name, value]) => intern(name, value));
      mine.sort((a, b) => this.#markers[a]!.rank - this.#markers[b]!.rank);
      for (const k of mine) refs.push(k);
      this.#markerStart[i + 1] = refs.length;
      ids.append(encodePieces(tok, [{ type: 'text', text: row.prompt }]));
      this.#completionAt[i] = ids.length;
      ids.append(encodePieces(tok, [{ type: 'text', text: row.completion }]));
      this.#textStart[i + 1] = ids.length;
    }
    this.#ids = ids.done();
    this.#markerRefs = refs.done() as Int32Array;
  }

  /** Row i as prepareRow encodes it; its id arrays are views into the shared store (do not write to them). */
  get(i: number): PreparedRow {
    this.#check(i);
    return {
      id: this.#rowIds[i]!,
      promptIds: this.#ids.subarray(this.#textStart[i]!, this.#completionAt[i]!),
      completionIds: this.#ids.subarray(this.#completionAt[i]!, this.#textStart[i + 1]!),
      markers: this.#markerRefsOf(i).map((k) => this.#markers[k]!),
      blockOpen: this.#blockOpen,
      blockClose: this.#blockClose,
    };
  }

  /** Row i's id (what seeds its dropout and block order). */
  id(i: number): string {
    this.#check(i);
    return this.#rowIds[i]!;
  }

  /** Row i's markers as a fresh object, in taxonomy order. */
  markersOf(i: number): Markers {
    this.#check(i);
    const out: Markers = {};
    for (const k of this.#markerRefsOf(i)) {
      const m = this.#markers[k]!;
      // defineProperty: "__proto__" is a valid category name, and plain assignment would set the prototype.
      Object.defineProperty(out, m.name, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  #markerRefsOf(i: number): number[] {
    return Array.from(this.#markerRefs.subarray(this.#markerStart[i]!, this.#markerStart[i + 1]!));
  }

  #check(i: number): void {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) throw new BatchError(`row ${i} is not one of the ${this.length} prepared rows`);
  }
}

type IntArray = Int32Array | Uint16Array;

/** An integer array that doubles as it fills; `done()` returns a copy of exactly what was written. */
class GrowingInts {
  readonly #make: new (n: number) => IntArray;
  #data: IntArray;
  length = 0;

  constructor(make: new (n: number) => IntArray) {
    this.#make = make;
    this.#data = new make(1 << 12);
  }

  push(x: number): void {
    this.#reserve(1);
    this.#data[this.length++] = x;
  }

  append(xs: Int32Array): void {
    this.#reserve(xs.length);
    this.#data.set(xs, this.length);
    this.length += xs.length;
  }

  done(): IntArray {
    const out = this.#data.slice(0, this.length);
    this.#data = new this.#make(0);
    return out;
  }

  #reserve(more: number): void {
    if (this.length + more <= this.#data.length) return;
    let cap = Math.max(16, this.#data.length * 2);
    while (cap < this.length + more) cap *= 2;
    const grown = new this.#make(cap);
    grown.set(this.#data.subarray(0, this.length));
    this.#data = grown;
  }
}

function requireId(tok: TokenizerSpec, type: 'blockOpen' | 'blockClose'): number {
  const id = markupId(tok, { type });
  if (id === undefined) throw new BatchError(`the tokenizer has no ${type} token`);
  return id;
}
