/**
 * Steering with markers at inference, the method's two modes:
 * - inferred: the prompt carries the markers the user set; the model writes its own block;
 * - fixed: the user's values are also forced into the completion's block (prefix forcing), and the
 *   model may not write those categories again, so it cannot overrule them.
 * Plus the distributions a UI draws: the next-token distribution, and for each category the user
 * did not set, the model's probability of each value when it writes that category in its block.
 */
import * as tf from '@tensorflow/tfjs';
import { formatBlock, parseCompletionPieces, type Piece, type ParsedCompletion } from '../markers/template';
import { maxBlockTokens, type Markers, type Taxonomy } from '../markers/taxonomy';

export { maxBlockTokens };
import { BOS_ID, decodeIds, EOS_ID, encodePieces, markupId, markupIds, SEP_ID, valueTokenIds, type TokenizerSpec } from '../tokenizer/tokenizer';
import type { GPT } from './gpt';
import { blockTokenIds } from '../data/batch-window';
import { blockBudget, generate, type GenerateOptions } from './sample';
import { softmax } from './sampling';

export type SteerMode = 'inferred' | 'fixed';

/**
 * How fixed mode puts the user's values into the completion's block:
 * - `prefix` (default): the block is opened for the model with the fixed markers first; their tags are
 *   then banned until the block closes. Needs a model trained with shuffled block order (the default),
 *   since a fixed category may come first in no training block otherwise.
 * - `constrained`: the model writes its block in its own order; whenever it opens a fixed category's
 *   tag the value is forced, it may not close the block before every fixed category is written, and
 *   when the block's budget runs short the missing tags are forced. Categorical markers only.
 */
export type FixedStrategy = 'prefix' | 'constrained';

export interface SteerRequest {
  prompt: string;
  /** Markers the user set; categories left out are for the model to infer. */
  markers: Markers;
  mode: SteerMode;
  /** Fixed mode only; default `prefix`. */
  fixedStrategy?: FixedStrategy;
}

export interface Prefix {
  /** BOS input SEP, then (fixed mode) the block opener and the forced markers. */
  ids: Int32Array;
  /** Tag-open ids of forced categories: banned inside the model's own block. */
  forcedTagIds: number[];
}

/**
 * The token prefix for a request.
 *
 * @example
 * buildPrefix(tok, taxonomy, { prompt: 'Tell me about rain.', markers: { lang: 'French' }, mode: 'fixed' });
 */
export function buildPrefix(tok: TokenizerSpec, taxonomy: Taxonomy, req: SteerRequest): Prefix {
  const pieces: Piece[] = [{ type: 'special', name: 'BOS' }];
  if (req.prompt.length > 0) pieces.push({ type: 'text', text: req.prompt });
  const set = Object.keys(req.markers).length > 0;
  if (set) pieces.push(...formatBlock(req.markers, taxonomy));
  pieces.push({ type: 'special', name: 'SEP' });
  const forcedTagIds: number[] = [];
  if (req.mode === 'fixed' && set && req.fixedStrategy !== 'constrained') {
    // The completion's block, opened and holding the user's values; the model continues inside it.
    const block = formatBlock(req.markers, taxonomy);
    pieces.push(...block.slice(0, -1));
    for (const name of Object.keys(req.markers)) {
      const id = markupId(tok, { type: 'tagOpen', category: name });
      if (id !== undefined) forcedTagIds.push(id);
    }
  }
  return { ids: encodePieces(tok, pieces), forcedTagIds };
}

export interface SteeredSample {
  /** The whole completion as the model wrote it (forced part included), as pieces. */
  pieces: Piece[];
  /** What the block says and the text after it (tolerant parse; issues flag malformed blocks). */
  parsed: ParsedCompletion;
  finished: boolean;
}

/**
 * Draw N completions for a request and parse each one's marker block.
 *
 * @example
 * const samples = await sampleSteered(model, tok, taxonomy, { prompt, markers: { length_bucket: 'long' }, mode: 'fixed' },
 *   { n: 8, maxTokens: 300, temperature: 0.8, seed: 1 });
 */
export async function sampleSteered(
  model: GPT,
  tok: TokenizerSpec,
  taxonomy: Taxonomy,
  req: SteerRequest,
  options: Omit<GenerateOptions, 'blockOpenId' | 'blockCloseId' | 'banned'>,
): Promise<SteeredSample[]> {
  const ids = blockTokenIds(tok);
  const prefix = buildPrefix(tok, taxonomy, req);
  const sep = prefix.ids.lastIndexOf(SEP_ID);
  const forced = Array.from(prefix.ids.subarray(sep + 1));
  const maxBlock = blockBudget(model.config.blockSize, options.maxBlockTokens ?? maxBlockTokens(taxonomy));
  // The block grammar applies in every mode (a well-formed block, no category twice); constrained
  // fixed mode also forces its values where the model opens their tags.
  const constrainedFixed = req.mode === 'fixed' && req.fixedStrategy === 'constrained' ? req.markers : {};
  const grammar = blockConstraint(tok, taxonomy, constrainedFixed, Math.min(maxBlock, forced.length + options.maxTokens), forced);
  const result = await generate(model, prefix.ids, {
    ...options, maxBlockTokens: maxBlock, ...ids, banned: grammar.banned, force: grammar.force,
  });
  return result.tokens.map((gen, s) => {
    const all = [...forced, ...gen];
    const { pieces } = decodeIds(tok, all);
    return { pieces, parsed: parseCompletionPieces(pieces, taxonomy), finished: result.finished[s]! };
  });
}

export interface OwnBlock {
  /** The completion's block as the model writes it greedily (forced values included in fixed mode). */
  block: Markers;
  /** The first text tokens after the block (greedy), decoded. */
  text: string;
  /** Next-token probabilities right after the block closes, (V): what the answer starts with. */
  next: Float32Array;
}

/**
 * What the model writes after its own block: its most likely block (greedy, under the block grammar),
 * the first `textTokens` tokens of text after it, and the distribution of the first text token. This
 * moves with every marker, unlike the token right after SEP (always the block opener).
 *
 * @example
 * const { block, text, next } = await ownBlock(model, tok, taxonomy, { prompt: '', markers: { lang: 'French' }, mode: 'inferred' }, { textTokens: 6 });
 */
export async function ownBlock(
  model: GPT, tok: TokenizerSpec, taxonomy: Taxonomy, req: SteerRequest, options: { textTokens: number; maxBlockTokens?: number; temperature?: number },
): Promise<OwnBlock> {
  const ids = blockTokenIds(tok);
  const prefix = buildPrefix(tok, taxonomy, req);
  const forced = Array.from(prefix.ids.subarray(prefix.ids.lastIndexOf(SEP_ID) + 1));
  const maxBlock = blockBudget(model.config.blockSize, options.maxBlockTokens ?? maxBlockTokens(taxonomy));
  const constrainedFixed = req.mode === 'fixed' && req.fixedStrategy === 'constrained' ? req.markers : {};
  const grammar = blockConstraint(tok, taxonomy, constrainedFixed, maxBlock, forced);
  const gen: number[] = [];
  const textAfterClose = (): number => {
    const close = [...forced, ...gen].indexOf(ids.blockCloseId);
    return close < 0 ? -1 : forced.length + gen.length - close - 1;
  };
  const result = await generate(model, prefix.ids, {
    n: 1, maxTokens: maxBlock + options.textTokens, seed: 0, temperature: 0, maxBlockTokens: maxBlock, ...ids,
    banned: grammar.banned, force: grammar.force,
    onToken: (_, id) => gen.push(id),
    cancelled: () => textAfterClose() >= options.textTokens,
  });
  const all = [...forced, ...result.tokens[0]!];
  const close = all.indexOf(ids.blockCloseId);
  const blockEnd = close < 0 ? all.length : close + 1;
  const parsed = parseCompletionPieces(decodeIds(tok, all.filter((id) => id !== EOS_ID)).pieces, taxonomy);
  const next = await nextTokenDistribution(model, Int32Array.from([...prefix.ids.subarray(0, prefix.ids.length - forced.length), ...all.slice(0, blockEnd)]), options.temperature ?? 1);
  return { block: parsed.markers, text: parsed.completion, next };
}

export interface BlockConstraint {
  force: (sequence: number, generated: readonly number[]) => number | undefined;
  banned: (sequence: number, generated: readonly number[]) => readonly number[];
}

/**
 * The completion block's grammar, applied while sampling in every mode, over the forced prefix (fixed
 * mode's opened block, if any) plus the tokens generated so far. Inside the block: at a boundary only
 * a categorical category not yet written may open (or the block close, once every fixed category is
 * in); after a categorical tag only that category's values; after a value its closing tag; the block
 * closes at a boundary when the budget has no room for another marker; after the block, no marker
 * token at all. So a block is always well formed and names no category twice, and the text after it
 * is text, whatever a small model would have written. `markers` are the
 * constrained fixed markers (see FixedStrategy): their values are forced where the model opens their
 * tags, and their tags are forced when the budget runs short. Throws for non-categorical ones (their
 * values are free text, not one token to force).
 */
export function blockConstraint(tok: TokenizerSpec, taxonomy: Taxonomy, markers: Markers, maxBlock: number, forced: readonly number[] = []): BlockConstraint {
  const { blockOpenId, blockCloseId } = blockTokenIds(tok);
  const cats = taxonomy.categories.flatMap((c) => {
    const open = markupId(tok, { type: 'tagOpen', category: c.name });
    const close = markupId(tok, { type: 'tagClose', category: c.name });
    if (open === undefined || close === undefined) return [];
    return [{ name: c.name, categorical: c.kind === 'categorical', open, close, values: valueTokenIds(tok, c.name) }];
  });
  const fixed = Object.entries(markers).map(([category, value]) => {
    const cat = cats.find((c) => c.name === category);
    const valueId = cat?.values.get(value);
    if (!cat?.categorical || valueId === undefined) {
      throw new Error(`constrained fixed mode needs categorical markers the model knows; "${category}=${value}" is not one`);
    }
    return { ...cat, valueId };
  });
  const byOpen = new Map(cats.map((c) => [c.open, c]));
  const byValue = new Map(cats.flatMap((c) => [...c.values.values()].map((id) => [id, c] as const)));
  const closes = new Set(cats.map((c) => c.close));
  const missing = (g: readonly number[]) => fixed.filter((f) => !g.includes(f.open));
  const V = tok.tokens.length;
  const allExcept = (allowed: Iterable<number>): number[] => {
    const keep = new Set(allowed);
    const out: number[] = [];
    for (let id = 0; id < V; id++) if (!keep.has(id)) out.push(id);
    return out;
  };
  const whole = (gen: readonly number[]): readonly number[] => (forced.length > 0 ? [...forced, ...gen] : gen);
  const markup = markupIds(tok);
  return {
    force(_, gen) {
      const g = whole(gen);
      if (g.length === 0) return blockOpenId;
      if (g.includes(blockCloseId)) return undefined;
      const last = g[g.length - 1]!;
      const opened = byOpen.get(last);
      const f = opened && fixed.find((x) => x.open === opened.open);
      if (f) return f.valueId;
      const valueOf = byValue.get(last);
      if (valueOf && g[g.length - 2] === valueOf.open) return valueOf.close;
      const todo = missing(g);
      const atBoundary = last === blockOpenId || closes.has(last);
      // One more marker of the model's own (3 tokens) would leave too little for the missing fixed ones
      // (3 tokens each) and the block's close: write them now.
      if (todo.length > 0 && atBoundary && maxBlock - g.length < 3 * todo.length + 4) return todo[0]!.open;
      // Everything fixed is in and no room for another marker: close the block.
      if (todo.length === 0 && atBoundary && maxBlock - g.length < 4) return blockCloseId;
      return undefined;
    },
    banned(_, gen) {
      const g = whole(gen);
      if (g.length === 0) return [];
      // After its block the model writes text only: marker tokens there would read as markup.
      if (g.includes(blockCloseId)) return markup;
      const last = g[g.length - 1]!;
      const opened = byOpen.get(last);
      if (opened) return opened.categorical ? allExcept(opened.values.values()) : [blockOpenId, blockCloseId, ...byOpen.keys()];
      if (last === blockOpenId || closes.has(last)) {
        // Categorical only: a numeric value is free text of unknown length that could eat the budget.
        const next = cats.filter((c) => c.categorical && !g.includes(c.open)).map((c) => c.open);
        return allExcept(missing(g).length > 0 ? next : [...next, blockCloseId]);
      }
      return [];
    },
  };
}

/**
 * Next-token probabilities after `ids` (the last position), with temperature.
 */
export async function nextTokenDistribution(model: GPT, ids: Int32Array, temperature = 1): Promise<Float32Array> {
  const T = model.config.blockSize;
  const window = ids.length > T ? ids.subarray(ids.length - T) : ids;
  const logits = tf.tidy(() => {
    const { logits } = model.forward(tf.tensor2d(window, [1, window.length], 'int32'));
    return logits.slice([0, window.length - 1, 0], [1, 1, model.config.vocabSize]).reshape([model.config.vocabSize]);
  });
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return softmax(data, temperature);
}

export interface ValueDistribution {
  category: string;
  /** Value → probability, renormalised over the category's values. */
  values: Array<{ value: string; p: number }>;
  /** Probability mass the model put on this category's value tokens at all (1 = it is sure a value comes next). */
  mass: number;
}

/**
 * For each category in `categories` (the ones the user left unset), the model's probability of each
 * of its values when it opens its block with that category's tag: one batched forward pass over
 * `prefix + <block> + <tag>` for every category at once. Categorical categories only.
 */
export async function markerDistributions(model: GPT, tok: TokenizerSpec, prefix: Int32Array, categories: readonly string[]): Promise<ValueDistribution[]> {
  const { blockOpenId } = blockTokenIds(tok);
  const cats = categories.filter((c) => valueTokenIds(tok, c).size > 0 && markupId(tok, { type: 'tagOpen', category: c }) !== undefined);
  if (cats.length === 0) return [];
  // Inferred mode: the model opens its block right after SEP. Fixed mode: the prefix already holds the
  // opened block with the forced markers, and the unset categories come after them.
  const sep = prefix.lastIndexOf(SEP_ID);
  const base = sep === prefix.length - 1 ? [...prefix, blockOpenId] : Array.from(prefix);
  const T = model.config.blockSize;
  const rows = cats.map((c) => {
    const row = [...base, markupId(tok, { type: 'tagOpen', category: c })!];
    return row.length > T ? [BOS_ID, ...row.slice(row.length - T + 1)] : row;
  });
  const V = model.config.vocabSize, L = rows[0]!.length;
  const last = tf.tidy(() => {
    const { logits } = model.forward(tf.tensor2d(rows.flat(), [rows.length, L], 'int32'));
    return logits.slice([0, L - 1, 0], [rows.length, 1, V]).reshape([rows.length * V]);
  });
  const data = (await last.data()) as Float32Array;
  last.dispose();
  return cats.map((category, i) => {
    const probs = softmax(data.subarray(i * V, (i + 1) * V), 1);
    const valueIds = valueTokenIds(tok, category);
    let mass = 0;
    for (const id of valueIds.values()) mass += probs[id]!;
    const values = [...valueIds].map(([value, id]) => ({ value, p: mass > 0 ? probs[id]! / mass : 0 }));
    values.sort((a, b) => b.p - a.p);
    return { category, values, mass };
  });
}
