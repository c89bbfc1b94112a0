/**
 * The training batch stream: rows → (per epoch) shuffle, fresh marker dropout, block order →
 * encode → window → plan → (per step) pack. Pure and deterministic: the same options give the same
 * batch for the same step, in any call order, so a resumed run sees what an unbroken one would.
 *
 * Randomness, all derived from seeds and never from call order:
 * - row order of epoch e:          deriveSeed(seed, 'order', e)
 * - completion block order:        deriveSeed(seed, 'block', rowId, e)
 * - prompt-marker dropout:         applyDropout(…, dropout.seed, rowId, e), so previewDropout shows
 *                                  exactly what training sees at that epoch.
 */
import { applyDropout, validateDropout } from '../markers/dropout';
import type { DropoutConfig } from '../markers/dropout';
import type { Taxonomy } from '../markers/taxonomy';
import type { TokenizerSpec } from '../tokenizer/tokenizer';
import { createRng, deriveSeed } from '../util/rng';
import { assembleExample, BatchError } from './batch-encode';
import type { BlockOrder, LossOn, Sequence } from './batch-encode';
import { CompactPlan, fillRow, packRows } from './batch-pack';
import type { TokenBatch } from './batch-pack';
import { PreparedRows } from './batch-prepared';
import type { EncodableRow } from './batch-prepared';
import { blockTokenIds, windowExample } from './batch-window';
import type { BlockIds } from './batch-window';

export interface StreamOptions {
  taxonomy: Taxonomy;
  tokenizer: TokenizerSpec;
  batchSize: number;
  blockSize: number;
  /** Default 'completion' (the paper: the loss covers the completion's marker block, text and EOS). */
  lossOn?: LossOn;
  /** Sequences a batch may pass over while packing (default 4 × batchSize; see planBatches). */
  lookahead?: number;
}

export interface SamplerOptions extends StreamOptions {
  /** Encoded once into a flat store (batch-prepared.ts), or already so; the sampler keeps no reference to plain rows. */
  rows: readonly EncodableRow[] | PreparedRows;
  dropout: DropoutConfig;
  /** Orders rows and shuffles completion blocks. */
  seed: number;
  /** Default 'canonical'; 'shuffled' trains every marker in every block position (for fixed mode). */
  blockOrder?: BlockOrder;
}

/** What one pass over the rows turned into. */
export interface EpochStats {
  epoch: number;
  rows: number;
  /** Windows (a row that fits is one). */
  sequences: number;
  /** Rows longer than the context, split into several windows. */
  windowedRows: number;
  /** Prompt tokens cut from the left of over-long prompts (completion tokens are never cut). */
  truncatedTokens: number;
  batches: number;
  /** Input positions holding real tokens, loss targets, and padding, over all the epoch's batches. */
  tokens: number;
  lossTokens: number;
  paddingTokens: number;
}

/**
 * An epoch as indices only: which sequences go into which batch row. The sequences themselves are
 * re-encoded (deterministically) when their step comes, so an epoch of 200k rows holds a few MB of
 * integers instead of every encoded window (1.4 GB at 180k rows, context 64).
 */
interface EpochPlan {
  epoch: number;
  /** Global index of the epoch's first batch. */
  start: number;
  /** The epoch's row order (indices into options.rows). */
  order: Int32Array;
  /** batches.batch(k)[b]: indices of the sequences in row b of the epoch's batch k. */
  batches: CompactPlan;
  /** Per sequence: its row's position in `order`, and which window of that row it is. */
  rowAt: Int32Array;
  windowAt: Int32Array;
  stats: EpochStats;
}

/**
 * @example
 * const sampler = new BatchSampler({ rows: split.train, taxonomy, tokenizer: tok, dropout: DEFAULT_DROPOUT,
 *   seed: 1, batchSize: 16, blockSize: 256, lossOn: 'completion', blockOrder: 'shuffled' });
 * const batch = sampler.next(step); // { x, y, lossMask, positions, segments, stats }, each (16*256)
 * sampler.epochStats(0).windowedRows;
 */
export class BatchSampler {
  readonly options: Readonly<Omit<SamplerOptions, 'rows'>>;
  readonly #prepared: PreparedRows;
  readonly #blockIds: BlockIds;
  /** Start of every epoch planned so far; epoch e covers batches [starts[e], starts[e + 1]). */
  readonly #starts: number[] = [0];
  readonly #stats: EpochStats[] = [];
  #plan: EpochPlan | null = null;

  constructor(options: SamplerOptions) {
    if (options.rows.length === 0) throw new BatchError('no training rows');
    checkShape(options);
    validateDropout(options.dropout, options.taxonomy);
    const { rows, ...rest } = options;
    this.options = rest;
    this.#prepared = rows instanceof PreparedRows ? rows : new PreparedRows(rows, options.taxonomy, options.tokenizer);
    this.#blockIds = blockTokenIds(options.tokenizer);
  }

  /** The packed batch for a step (any integer ≥ 0; steps run on through epochs). */
  next(step: number): TokenBatch {
    if (!Number.isInteger(step) || step < 0) throw new BatchError(`step must be a whole number ≥ 0, got ${step}`);
    const plan = this.#planFor(step);
    const windows = new Map<number, Sequence[]>(); // row position → its windows, encoded once per batch
    const sequence = (k: number): Sequence => {
      const at = plan.rowAt[k]!;
      let w = windows.get(at);
      if (!w) windows.set(at, (w = this.#windowsOf(plan.order[at]!, plan.epoch).windows));
      return w[plan.windowAt[k]!]!;
    };
    const rows = plan.batches.batch(step - plan.start).map((row) => fillRow(row.map(sequence), this.options.blockSize));
    return packRows(rows, this.options);
  }

  /** The epoch a step falls in. */
  epochOf(step: number): number {
    return this.#planFor(step).epoch;
  }

  /** Statistics of an epoch (planning it, and the ones before it, if needed). */
  epochStats(epoch: number): EpochStats {
    while (this.#stats.length <= epoch) this.#planEpoch(this.#stats.length);
    return this.#stats[epoch]!;
  }

  #planFor(step: number): EpochPlan {
    const cur = this.#plan;
    if (cur && step >= cur.start && step < cur.start + cur.batches.length) return cur;
    while (this.#starts[this.#starts.length - 1]! <= step) this.#planEpoch(this.#starts.length - 1);
    let e = 0;
    while (this.#starts[e + 1]! <= step) e++;
    return this.#plan?.epoch === e ? this.#plan : this.#planEpoch(e);
  }

  /** Row `i` encoded and windowed as epoch `epoch` sees it: the same result on every call. */
  #windowsOf(i: number, epoch: number): ReturnType<typeof windowExample> {
    const { dropout, seed, taxonomy, tokenizer, blockSize } = this.options;
    const p = this.#prepared.get(i);
    const kept = applyDropout(this.#prepared.markersOf(i), dropout, p.id, epoch).kept;
    const rng = createRng(deriveSeed(seed, 'block', p.id, epoch));
    const ex = assembleExample(p, kept, taxonomy, tokenizer, { lossOn: this.options.lossOn ?? 'completion', blockOrder: this.options.blockOrder ?? 'canonical', rng });
    return windowExample(ex, blockSize, this.#blockIds);
  }

  /**
   * Plan an epoch from the windows' lengths, keeping only indices. Its statistics count what
   * fillRow will make of each batch row (spare room given to windows that can reach back).
   */
  #planEpoch(epoch: number): EpochPlan {
    const { seed, blockSize: T, batchSize } = this.options;
    const order = createRng(deriveSeed(seed, 'order', epoch)).shuffle(Array.from({ length: this.#prepared.length }, (_, i) => i));
    const lengths: number[] = [], rowAt: number[] = [], windowAt: number[] = [];
    const loss: number[] = [], lossAfterHeader: number[] = [], reach: number[] = [];
    let windowedRows = 0, truncatedTokens = 0;
    order.forEach((i, at) => {
      const { windows, truncatedTokens: cut } = this.#windowsOf(i, epoch);
      if (windows.length > 1) windowedRows++;
      truncatedTokens += cut;
      windows.forEach((w, k) => {
        lengths.push(w.ids.length);
        rowAt.push(at);
        windowAt.push(k);
        loss.push(maskSum(w.lossMask, 1));
        lossAfterHeader.push(w.reach ? maskSum(w.lossMask, w.reach.headerLen) : 0);
        reach.push(w.reach?.before.length ?? 0);
      });
    });
    const batches = CompactPlan.plan(lengths, this.options);
    let tokens = 0, lossTokens = 0;
    for (const row of batches.rows()) {
      let spare = T;
      for (const k of row) spare -= lengths[k]! - 1;
      for (const k of row) {
        const extra = Math.min(spare, reach[k]!);
        if (extra > 0) spare -= extra;
        tokens += lengths[k]! - 1 + Math.max(0, extra);
        lossTokens += extra > 0 ? lossAfterHeader[k]! : loss[k]!;
      }
    }
    const start = this.#starts[epoch]!;
    const stats: EpochStats = {
      epoch, rows: order.length, sequences: lengths.length, windowedRows, truncatedTokens, batches: batches.length,
      tokens, lossTokens, paddingTokens: batches.length * batchSize * T - tokens,
    };
    if (this.#starts.length === epoch + 1) this.#starts.push(start + batches.length);
    this.#stats[epoch] = stats;
    this.#plan = { epoch, start, order: Int32Array.from(order), batches, rowAt: Int32Array.from(rowAt), windowAt: Int32Array.from(windowAt), stats };
    return this.#plan;
  }
}

/** Sum of mask[from…]. */
export function maskSum(mask: Uint8Array, from: number): number {
  let n = 0;
  for (let j = from; j < mask.length; j++) n += mask[j]!;
  return n;
}

export function checkShape({ batchSize, blockSize }: { batchSize: number; blockSize: number }): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BatchError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
  if (!Number.isInteger(blockSize) || blockSize < 2) throw new BatchError(`blockSize must be a whole number ≥ 2, got ${blockSize}`);
}
