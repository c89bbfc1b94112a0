/**
 * Validation batches: rows in their order, canonical block order, no randomness, with the prompt's
 * markers present ('all') or all dropped ('none'). run.ts evaluates both after training steps.
 *
 * Like the training sampler, a set is kept as indices and packed one batch at a time when it is
 * iterated: 10k validation rows at context 64 are ~13 MB of packed batches per set, a few kB planned.
 */
import { assembleExample } from './batch-encode';
import type { Sequence } from './batch-encode';
import { CompactPlan, fillRow, packRows } from './batch-pack';
import type { TokenBatch } from './batch-pack';
import { PreparedRows } from './batch-prepared';
import type { EncodableRow } from './batch-prepared';
import { checkShape } from './batch-sampler';
import type { EpochStats, StreamOptions } from './batch-sampler';
import { blockTokenIds, windowExample } from './batch-window';
import type { BlockIds } from './batch-window';

export interface EvalOptions extends StreamOptions {
  /** 'all': the prompt carries every marker of the row; 'none': every prompt marker dropped. */
  promptMarkers: 'all' | 'none';
}

/**
 * A validation set, iterable any number of times; every pass packs the same batches.
 *
 * @example
 * const val = new PreparedRows(split.val, taxonomy, tok);
 * const withMarkers = new ValidationBatches(val, { taxonomy, tokenizer: tok, batchSize: 16, blockSize: 256, promptMarkers: 'all' });
 * for (const batch of withMarkers) …; // withMarkers.length batches, (16*256) each
 */
export class ValidationBatches implements Iterable<TokenBatch> {
  /** Number of batches. */
  readonly length: number;
  readonly stats: Omit<EpochStats, 'epoch'>;
  readonly #rows: PreparedRows;
  readonly #options: EvalOptions;
  readonly #blockIds: BlockIds;
  /** batches.batch(k)[b]: indices of the sequences in row b of batch k. */
  readonly #batches: CompactPlan;
  /** Per sequence: its row, and which window of that row it is. */
  readonly #rowAt: Int32Array;
  readonly #windowAt: Int32Array;

  constructor(rows: PreparedRows, options: EvalOptions) {
    checkShape(options);
    this.#rows = rows;
    this.#options = options;
    this.#blockIds = blockTokenIds(options.tokenizer);
    const T = options.blockSize;
    // Only lengths are kept while planning: holding every window at once would also teach V8 to
    // allocate them in the old generation (pretenuring), which then fills with the training plan's garbage.
    const lengths: number[] = [], rowAt: number[] = [], windowAt: number[] = [];
    let windowedRows = 0, truncatedTokens = 0;
    for (let i = 0; i < rows.length; i++) {
      const { windows, truncatedTokens: cut } = this.#windowsOf(i);
      if (windows.length > 1) windowedRows++;
      truncatedTokens += cut;
      windows.forEach((w, k) => {
        lengths.push(w.ids.length);
        rowAt.push(i);
        windowAt.push(k);
      });
    }
    this.#rowAt = Int32Array.from(rowAt);
    this.#windowAt = Int32Array.from(windowAt);
    // Plan on the windows as they are; fillRow then gives each row's spare room to windows that can reach back.
    this.#batches = CompactPlan.plan(lengths, options);
    this.length = this.#batches.length;
    let tokens = 0, lossTokens = 0;
    for (let k = 0; k < this.length; k++) {
      for (const row of this.#sequencesOf(k)) {
        for (const w of fillRow(row, T)) {
          tokens += w.ids.length - 1;
          for (let j = 1; j < w.lossMask.length; j++) lossTokens += w.lossMask[j]!;
        }
      }
    }
    this.stats = {
      rows: rows.length, sequences: lengths.length, windowedRows, truncatedTokens, batches: this.length,
      tokens, lossTokens, paddingTokens: this.length * options.batchSize * T - tokens,
    };
  }

  /** Rows in the set. */
  get rowCount(): number {
    return this.#rows.length;
  }

  /**
   * Which row of the set each position of batch k (packed: `batch(k)`) comes from, −1 for padding,
   * (B*T): a batch row's sequences keep their planned order, `segments` numbers them.
   */
  rowsAt(k: number, batch: TokenBatch): Int32Array {
    const T = this.#options.blockSize, planned = this.#batches.batch(k);
    const out = new Int32Array(batch.segments.length).fill(-1);
    for (let i = 0; i < out.length; i++) {
      const s = batch.segments[i]!;
      if (s >= 0) out[i] = this.#rowAt[planned[Math.floor(i / T)]![s]!]!;
    }
    return out;
  }

  /** Batch k, packed now (the same batch on every call). */
  batch(k: number): TokenBatch {
    return packRows(this.#sequencesOf(k), this.#options);
  }

  /** The sequences of each row of batch k, encoded now. */
  #sequencesOf(k: number): Sequence[][] {
    const windows = new Map<number, Sequence[]>(); // row → its windows, encoded once per batch
    const sequence = (s: number): Sequence => {
      const i = this.#rowAt[s]!;
      let w = windows.get(i);
      if (!w) windows.set(i, (w = this.#windowsOf(i).windows));
      return w[this.#windowAt[s]!]!;
    };
    return this.#batches.batch(k).map((row) => row.map(sequence));
  }

  *[Symbol.iterator](): Iterator<TokenBatch> {
    for (let k = 0; k < this.length; k++) yield this.batch(k);
  }

  #windowsOf(i: number): ReturnType<typeof windowExample> {
    const { taxonomy, tokenizer, blockSize, promptMarkers } = this.#options;
    const kept = promptMarkers === 'all' ? this.#rows.markersOf(i) : {};
    const ex = assembleExample(this.#rows.get(i), kept, taxonomy, tokenizer, { lossOn: this.#options.lossOn ?? 'completion', blockOrder: 'canonical' });
    return windowExample(ex, blockSize, this.#blockIds);
  }
}

/**
 * Validation batches over `rows`, packed up front (for small sets; a training session keeps
 * ValidationBatches, which pack when iterated).
 *
 * @example
 * const withMarkers = evalBatches(split.val, { taxonomy, tokenizer: tok, batchSize: 16, blockSize: 256, promptMarkers: 'all' }).batches;
 */
export function evalBatches(rows: readonly EncodableRow[], options: EvalOptions): { batches: TokenBatch[]; stats: Omit<EpochStats, 'epoch'> } {
  checkShape(options);
  const set = new ValidationBatches(new PreparedRows(rows, options.taxonomy, options.tokenizer), options);
  return { batches: [...set], stats: set.stats };
}
