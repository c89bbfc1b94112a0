/**
 * One row → one token sequence with its loss mask, the first step of "per step: dropout → format →
 * tokenize → batch" (DESIGN.md). Pure: no tf, no DOM.
 *
 * Layout (template.ts): `BOS prompt [prompt block] SEP completion-block completion EOS`.
 * For next-token prediction position t predicts ids[t+1], so the mask is kept per TOKEN: mask[t] = 1
 * when ids[t] is a target the loss covers. The packer shifts it onto the inputs (batch-pack.ts).
 *
 * Speed: a row's text and each of its markers are encoded once (`prepareRow`); every epoch then only
 * reassembles integer arrays for its fresh dropout and block order (`assembleExample`).
 */
import { formatBlock } from '../markers/template';
import type { Markers, Taxonomy } from '../markers/taxonomy';
import { BOS_ID, encodePieces, EOS_ID, markupId, SEP_ID } from '../tokenizer/tokenizer';
import type { TokenizerSpec } from '../tokenizer/tokenizer';
import type { Rng } from '../util/rng';

/**
 * Loss on the completion (its marker block, text and EOS: the paper's setting), on every token
 * after BOS, or (evaluation) on the completion's text and EOS only, so a loss with and without
 * prompt markers compares the answer itself, not how well the model copies markers into its block.
 */
export type LossOn = 'completion' | 'all' | 'text';
/** Order of the markers inside the completion's block: taxonomy order, or a seeded shuffle. */
export type BlockOrder = 'canonical' | 'shuffled';

export class BatchError extends Error {
  override name = 'BatchError';
}

/** A token sequence ready to pack: ids (n) and per-token loss mask (n), n ≥ 2. */
export interface Sequence {
  ids: Int32Array;
  /** 1 where ids[t] is a target the loss covers (position t-1 predicts it); mask[0] is always 0. */
  lossMask: Uint8Array;
  /**
   * Last window of a windowed row only: `before` holds the completion tokens just before its
   * overlap, which may be inserted after its header (`headerLen` tokens) as extra context, no loss.
   */
  reach?: { headerLen: number; before: Int32Array };
}

export interface EncodedExample extends Sequence {
  /** Tokens of `BOS input SEP`: the target starts at ids[promptLen]. */
  promptLen: number;
  /** Where the prompt's marker block starts; equals promptLen - 1 (the SEP) when the prompt has none. */
  promptBlockStart: number;
  /** End of the completion's marker block: the completion text starts at ids[headerEnd]. */
  headerEnd: number;
}

export interface EncodeOptions {
  lossOn: LossOn;
  /** Default 'canonical'. The prompt block always stays canonical (see assembleExample). */
  blockOrder?: BlockOrder;
  /** Required for blockOrder 'shuffled'. */
  rng?: Rng;
}

/** One marker's tokens: tagOpen, value (or the digits of a number), tagClose. */
export interface MarkerIds {
  name: string;
  value: string;
  /** Index of the category in the taxonomy: canonical block order. */
  rank: number;
  ids: Int32Array;
}

/** A row with everything that does not change between epochs already encoded. */
export interface PreparedRow {
  id: string;
  /** Token ids (16-bit views into a PreparedRows store, or 32-bit). */
  promptIds: Int32Array | Uint16Array;
  completionIds: Int32Array | Uint16Array;
  /** The row's markers in taxonomy order. */
  markers: MarkerIds[];
  blockOpen: number;
  blockClose: number;
}

/**
 * Encode a row's text and markers once. Throws TemplateError for a marker the taxonomy refuses and
 * TokenizerError for markup the tokenizer lacks, so a bad row fails before training starts.
 *
 * @example
 * const p = prepareRow(row, taxonomy, tok);
 * p.markers.map((m) => m.name); // ['domain', 'lang', …] in taxonomy order
 */
export function prepareRow(
  row: { id?: string; prompt: string; completion: string; markers: Markers },
  taxonomy: Taxonomy,
  tok: TokenizerSpec,
): PreparedRow {
  const block = formatBlock(row.markers, taxonomy); // validates every marker
  const ranks = rankOf(taxonomy);
  const markers: MarkerIds[] = [];
  // formatBlock emits open, then (tagOpen, value|text, tagClose) per marker in taxonomy order, then close.
  for (let i = 1; i + 3 <= block.length - 1; i += 3) {
    const open = block[i]!;
    if (open.type !== 'tagOpen') throw new BatchError(`unexpected block piece ${open.type}`);
    const name = open.category;
    markers.push({ name, value: row.markers[name]!, rank: ranks.get(name)!, ids: encodePieces(tok, block.slice(i, i + 3)) });
  }
  return {
    id: row.id ?? '',
    promptIds: encodePieces(tok, [{ type: 'text', text: row.prompt }]),
    completionIds: encodePieces(tok, [{ type: 'text', text: row.completion }]),
    markers,
    blockOpen: requireId(tok, 'blockOpen'),
    blockClose: requireId(tok, 'blockClose'),
  };
}

/**
 * The sequence of a prepared row for the markers that stay in its prompt.
 * `promptMarkers` are usually `applyDropout(...).kept` (a subset of the row's markers, reused
 * without re-encoding); any other marker is encoded on the spot.
 *
 * Only the completion's block is shuffled by blockOrder 'shuffled': fixed mode forces the user's
 * markers first in the completion's block and lets the model continue, which works for any subset
 * only if the model has seen every category in every position there. The prompt block is always
 * written in taxonomy order at inference (steer.ts buildPrefix) and dropout already trains every
 * subset of it, so shuffling it would train orders the model never meets.
 *
 * @example
 * assembleExample(prepareRow(row, taxonomy, tok), kept, taxonomy, tok, { lossOn: 'completion' });
 */
export function assembleExample(
  p: PreparedRow,
  promptMarkers: Markers,
  taxonomy: Taxonomy,
  tok: TokenizerSpec,
  options: EncodeOptions,
): EncodedExample {
  const prompt = promptMarkerIds(p, promptMarkers, taxonomy, tok);
  const completion = [...p.markers];
  if ((options.blockOrder ?? 'canonical') === 'shuffled') {
    if (!options.rng) throw new BatchError("blockOrder 'shuffled' needs an rng");
    options.rng.shuffle(completion);
  }
  const blockLen = (ms: readonly MarkerIds[]): number => (ms.length === 0 ? 0 : 2 + ms.reduce((n, m) => n + m.ids.length, 0));
  const promptBlockLen = blockLen(prompt);
  const completionBlockLen = 2 + completion.reduce((n, m) => n + m.ids.length, 0); // always present, maybe empty
  const promptBlockStart = 1 + p.promptIds.length;
  const promptLen = promptBlockStart + promptBlockLen + 1;
  const headerEnd = promptLen + completionBlockLen;
  const n = headerEnd + p.completionIds.length + 1;

  const ids = new Int32Array(n);
  let at = 0;
  const put = (x: number | Int32Array | Uint16Array): void => {
    if (typeof x === 'number') ids[at++] = x;
    else {
      ids.set(x, at);
      at += x.length;
    }
  };
  const putBlock = (ms: readonly MarkerIds[]): void => {
    put(p.blockOpen);
    for (const m of ms) put(m.ids);
    put(p.blockClose);
  };
  put(BOS_ID);
  put(p.promptIds);
  if (prompt.length > 0) putBlock(prompt);
  put(SEP_ID);
  putBlock(completion);
  put(p.completionIds);
  put(EOS_ID);

  const lossMask = new Uint8Array(n);
  lossMask.fill(1, options.lossOn === 'all' ? 1 : options.lossOn === 'text' ? headerEnd : promptLen);
  return { ids, lossMask, promptLen, promptBlockStart, headerEnd };
}

/**
 * Encode one training example: `BOS input SEP target EOS` with its loss mask. Same ids as
 * `encodePieces(tok, toSequence(formatExample(row, promptMarkers, taxonomy)))` for canonical order.
 *
 * @example
 * const ex = encodeExample(row, { lang: 'French' }, taxonomy, tok, { lossOn: 'completion' });
 * ex.ids[ex.promptLen - 1] === SEP_ID; // true
 * ex.lossMask[ex.promptLen];           // 1: the completion's block opener is a target
 */
export function encodeExample(
  row: { id?: string; prompt: string; completion: string; markers: Markers },
  promptMarkers: Markers,
  taxonomy: Taxonomy,
  tok: TokenizerSpec,
  options: EncodeOptions,
): EncodedExample {
  return assembleExample(prepareRow(row, taxonomy, tok), promptMarkers, taxonomy, tok, options);
}

function promptMarkerIds(p: PreparedRow, promptMarkers: Markers, taxonomy: Taxonomy, tok: TokenizerSpec): MarkerIds[] {
  const out: MarkerIds[] = [];
  let extra: Markers | null = null;
  for (const [name, value] of Object.entries(promptMarkers)) {
    const known = p.markers.find((m) => m.name === name && m.value === value);
    if (known) out.push(known);
    else (extra ??= {})[name] = value;
  }
  if (extra) out.push(...prepareRow({ prompt: '', completion: '', markers: extra }, taxonomy, tok).markers);
  return out.sort((a, b) => a.rank - b.rank);
}

const rankCache = new WeakMap<Taxonomy, Map<string, number>>();
function rankOf(taxonomy: Taxonomy): Map<string, number> {
  let ranks = rankCache.get(taxonomy);
  if (!ranks) {
    ranks = new Map(taxonomy.categories.map((c, i) => [c.name, i]));
    rankCache.set(taxonomy, ranks);
  }
  return ranks;
}

function requireId(tok: TokenizerSpec, type: 'blockOpen' | 'blockClose'): number {
  const id = markupId(tok, { type });
  if (id === undefined) throw new BatchError(`the tokenizer has no ${type} token`);
  return id;
}
