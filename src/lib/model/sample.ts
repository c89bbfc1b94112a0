/**
 * Generation with a KV cache: N sequences at once from one prompt, temperature / top-k / top-p,
 * seeded, streaming, stopping at EOS or a token budget. When a sequence outgrows the context the
 * window slides: the cache is rebuilt from a header that keeps the prompt's marker block and the
 * completion's block in view (the same header training windows start with), plus the latest tokens.
 *
 * Token-level decisions (sampling maths) are pure functions in sampling.ts; this file moves
 * tensors and reads logits back with `await data()` (never dataSync: it returns zeros on WebGPU).
 */
import * as tf from '@tensorflow/tfjs';
import { fitPrefix, slidingContext, type BlockIds } from '../data/batch-window';
import { EOS_ID, PAD_ID, SEP_ID } from '../tokenizer/tokenizer';
import { createRng } from '../util/rng';
import type { GPT, LayerCache } from './gpt';
import { sampleToken, type SamplingOptions } from './sampling';

export type { BlockIds };
const NEG = -1e9;

export interface GenerateOptions extends SamplingOptions {
  /** Sequences to draw (batched). */
  n: number;
  /** Most new tokens per sequence. */
  maxTokens: number;
  seed: number;
  /** Token ids (block structure) that start and end a marker block; the sliding header keeps these spans. */
  blockOpenId: number;
  blockCloseId: number;
  /**
   * Longest a completion's marker block may get before the block is closed for the model (an
   * untrained model may never close it). Default: a quarter of the context.
   */
  maxBlockTokens?: number;
  /** Ids a sequence may not produce (e.g. tag-open ids of fixed categories), as a per-step filter. */
  banned?: (sequence: number, generated: readonly number[]) => readonly number[];
  /** A token a sequence must produce next, if any (constrained decoding); applied before sampling. */
  force?: (sequence: number, generated: readonly number[]) => number | undefined;
  /** Called for every new token of every live sequence, in order. */
  onToken?: (sequence: number, id: number) => void;
  /** Checked between tokens; return true to stop early (e.g. a newer request superseded this one). */
  cancelled?: () => boolean;
}

export interface GenerateResult {
  /** New tokens per sequence (the forced prefix excluded), EOS included when reached. */
  tokens: number[][];
  /** Sequences that ended with EOS (the others hit maxTokens or were cancelled). */
  finished: boolean[];
  /** Times the window slid. */
  slides: number;
}

/**
 * Sample `n` continuations of `prefix` (BOS input SEP [forced block start]).
 *
 * @example
 * const { tokens } = await generate(model, prefixIds, { n: 4, maxTokens: 200, temperature: 0.8, seed: 1, blockOpenId, blockCloseId });
 */
export async function generate(model: GPT, prefix: Int32Array, options: GenerateOptions): Promise<GenerateResult> {
  const { n, maxTokens } = options;
  const T = model.config.blockSize;
  const rng = createRng(options.seed);
  const tokens: number[][] = Array.from({ length: n }, () => []);
  const finished = new Array<boolean>(n).fill(false);
  let slides = 0;

  let cache: LayerCache[] = model.emptyCache(n);
  const state = { pads: new Array<number>(n).fill(0), next: new Array<number>(n).fill(0) };
  const maxBlock = blockBudget(T, options.maxBlockTokens);
  const start = startContext(Array.from(prefix), T, options, maxBlock + 1);
  const sep = prefix.lastIndexOf(SEP_ID);
  const forced = Array.from(prefix.subarray(sep + 1)); // the completion's start (fixed mode: an opened block)
  const mustClose = (gen: readonly number[]): boolean => {
    const all = forced.length > 0 ? [...forced, ...gen] : gen;
    return all[0] === options.blockOpenId && all.length >= maxBlock && !all.includes(options.blockCloseId);
  };
  let logits = await prefill(model, Array.from({ length: n }, () => start), state, cache, (c) => (cache = c));

  try {
    for (let t = 0; t < maxTokens; t++) {
      if (options.cancelled?.()) break;
      const next: number[] = [];
      for (let s = 0; s < n; s++) {
        if (finished[s]) {
          next.push(EOS_ID);
          continue;
        }
        const row = logits.subarray(s * model.config.vocabSize, (s + 1) * model.config.vocabSize);
        const banned = options.banned?.(s, tokens[s]!);
        if (banned) for (const id of banned) row[id] = -Infinity;
        const id = mustClose(tokens[s]!) ? options.blockCloseId : (options.force?.(s, tokens[s]!) ?? sampleToken(row, options, rng));
        tokens[s]!.push(id);
        options.onToken?.(s, id);
        if (id === EOS_ID) finished[s] = true;
        next.push(id);
      }
      if (finished.every(Boolean) || t === maxTokens - 1) break;
      const cacheLength = cache[0]?.length ?? 0;
      if (cacheLength + 1 > T) {
        // Slide: each sequence continues from header + its latest tokens, as training windows do.
        slides++;
        const contexts = tokens.map((gen) => slidingContext([...Array.from(prefix), ...gen], options, T));
        disposeCache(cache);
        cache = model.emptyCache(n);
        logits = await prefill(model, contexts, state, cache, (c) => (cache = c));
        continue;
      }
      logits = await decodeStep(model, next, state, cache, (c) => (cache = c));
    }
  } finally {
    disposeCache(cache);
  }
  return { tokens, finished, slides };
}

/**
 * Tokens a completion's block may take before it is closed for the model: the requested budget
 * (default a quarter of the context), never more than half the context less BOS and SEP, so the
 * header a sliding window keeps (BOS SEP block) always fits.
 */
export function blockBudget(blockSize: number, requested?: number): number {
  return Math.max(2, Math.min(requested ?? Math.floor(blockSize / 4), Math.floor(blockSize / 2) - 2));
}

interface RowState {
  /** Left padding of each row in the cache (rows slide to contexts of different lengths). */
  pads: number[];
  /** Position the next token of each row takes. */
  next: number[];
}

/**
 * Feed one context per row (left-padded to a common length) into an empty cache. Returns the last
 * position's logits, (n * V) flat.
 */
async function prefill(model: GPT, contexts: number[][], state: RowState, cache: LayerCache[], setCache: (c: LayerCache[]) => void): Promise<Float32Array> {
  const n = contexts.length, V = model.config.vocabSize, W = model.config.blockSize; // cache width
  const L = Math.max(...contexts.map((c) => c.length));
  const ids = new Int32Array(n * L), positions = new Int32Array(n * L), mask = new Float32Array(n * L * W).fill(NEG);
  contexts.forEach((c, r) => {
    const pad = L - c.length;
    state.pads[r] = pad;
    state.next[r] = c.length;
    for (let t = 0; t < L; t++) {
      ids[r * L + t] = t < pad ? PAD_ID : c[t - pad]!;
      positions[r * L + t] = Math.max(0, t - pad);
      // Causal over real tokens; a padding query sees only itself so its softmax row is not empty.
      for (let j = 0; j <= t; j++) if (j >= pad || j === t) mask[(r * L + t) * W + j] = 0;
    }
  });
  return run(model, ids, positions, mask, [n, 1, L, W], L, cache, setCache, V);
}

/** One new token per row on top of the cache. */
async function decodeStep(model: GPT, next: number[], state: RowState, cache: LayerCache[], setCache: (c: LayerCache[]) => void): Promise<Float32Array> {
  const n = next.length, V = model.config.vocabSize, W = model.config.blockSize;
  const slot = cache[0]?.length ?? 0; // where the new token's key goes
  const positions = new Int32Array(n), mask = new Float32Array(n * W);
  for (let r = 0; r < n; r++) {
    positions[r] = state.next[r]!++;
    for (let j = 0; j < W; j++) if (j < state.pads[r]! || j > slot) mask[r * W + j] = NEG;
  }
  return run(model, Int32Array.from(next), positions, mask, [n, 1, 1, W], 1, cache, setCache, V);
}

async function run(
  model: GPT, ids: Int32Array, positions: Int32Array, mask: Float32Array, maskShape: [number, number, number, number],
  len: number, cache: LayerCache[], setCache: (c: LayerCache[]) => void, V: number,
): Promise<Float32Array> {
  const n = maskShape[0];
  const out = tidyObject(() => {
    const { logits, cache: grown } = model.forward(tf.tensor2d(ids, [n, len], 'int32'), {
      positions: tf.tensor2d(positions, [n, len], 'int32'),
      mask: tf.tensor4d(mask, maskShape),
      cache,
    });
    return { last: logits.slice([0, len - 1, 0], [n, 1, V]).reshape([n * V]), grown: grown! };
  });
  disposeCache(cache);
  setCache(out.grown);
  const data = (await out.last.data()) as Float32Array;
  out.last.dispose();
  return data;
}

/** tf.tidy for a function returning an object of tensors (tidy's own typing only knows TensorContainer). */
function tidyObject<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

function disposeCache(cache: LayerCache[]): void {
  for (const c of cache) tf.dispose([c.k, c.v]);
}

/**
 * The first context: the prefix, cut the way training cuts window 0 when it does not fit (prompt
 * text from the left, then the prompt block), keeping room for the completion's marker block.
 */
function startContext(prefix: number[], T: number, ids: BlockIds, reserve: number): number[] {
  return fitPrefix(prefix, ids, T - 1, Math.min(reserve, Math.floor(T / 2))).ids;
}
