/**
 * Packing: whole sequences side by side in rows of T positions, so little is lost to padding (a
 * one-sequence-per-row prototype lost ~35%). A sequence of n tokens fills n − 1 positions: its
 * inputs are ids[0 … n−2] and its targets ids[1 … n−1]. No sequence is ever split across rows.
 *
 * Attention must not cross sequences: `segments` numbers the sequences inside each row (−1 for
 * padding) and the model builds a block-diagonal causal mask from it (`attentionMask` in
 * model/attention-mask.ts, `segmentMask` in model/gpt.ts for the additive form). `positions` restart at 0 for every sequence,
 * so learned position embeddings mean "position within the example".
 */
import { PAD_ID } from '../tokenizer/tokenizer';
import { BatchError } from './batch-encode';
import type { Sequence } from './batch-encode';

export interface PackOptions {
  batchSize: number;
  blockSize: number;
}

export interface PackStats {
  /** Positions holding a real input token (B*T − paddingTokens). */
  tokens: number;
  /** Positions whose target the loss covers. */
  lossTokens: number;
  paddingTokens: number;
  /** Sequences packed. */
  examples: number;
}

/** One batch, flat row-major: what the sampler packs and the model trains on (model/train.ts). */
export interface TokenBatch {
  /** Input ids, (B, T). */
  x: Int32Array;
  /** y[i] is the token x[i] must predict (PAD under padding), (B, T). */
  y: Int32Array;
  /** 1 where y is a loss target, else 0, (B, T). */
  lossMask: Float32Array;
  /** Position of x[i] within its own sequence; 0 under padding, (B, T). */
  positions: Int32Array;
  /** Sequence index within the row, −1 for padding, (B, T). */
  segments: Int32Array;
  stats: PackStats;
}

/**
 * Lay out sequences already assigned to rows (`rows[b]` = the sequences of row b, in order).
 * Room a row leaves is first given to windows that can `reach` back for more context (fillRow).
 *
 * @example
 * const batch = packRows([[seqA, seqB], [seqC]], { batchSize: 2, blockSize: 256 });
 */
export function packRows(planned: ReadonlyArray<readonly Sequence[]>, { batchSize: B, blockSize: T }: PackOptions): TokenBatch {
  if (planned.length > B) throw new BatchError(`${planned.length} rows do not fit a batch of ${B}`);
  const rows = planned.map((row) => fillRow(row, T));
  const x = new Int32Array(B * T).fill(PAD_ID), y = new Int32Array(B * T).fill(PAD_ID);
  const lossMask = new Float32Array(B * T), positions = new Int32Array(B * T), segments = new Int32Array(B * T).fill(-1);
  let tokens = 0, lossTokens = 0, examples = 0;
  rows.forEach((row, b) => {
    let at = b * T;
    row.forEach((seq, s) => {
      const L = slots(seq);
      if (at + L > (b + 1) * T) throw new BatchError(`row ${b} overflows: its sequences need more than ${T} positions`);
      const { ids, lossMask: m } = seq;
      x.set(ids.subarray(0, L), at);
      y.set(ids.subarray(1, L + 1), at);
      for (let j = 0; j < L; j++) {
        lossMask[at + j] = m[j + 1]!;
        lossTokens += m[j + 1]!;
        positions[at + j] = j;
      }
      segments.fill(s, at, at + L);
      at += L;
      tokens += L;
      examples++;
    });
  });
  return { x, y, lossMask, positions, segments, stats: { tokens, lossTokens, paddingTokens: B * T - tokens, examples } };
}

/**
 * Pack sequences into one batch: first-fit decreasing (longest first, each into the first row with
 * room). Throws BatchError if they do not all fit; use planBatches to split a stream into batches.
 *
 * @example
 * const { x, y, lossMask, positions, segments, stats } = packBatch(windows, { batchSize: 16, blockSize: 256 });
 */
export function packBatch(examples: readonly Sequence[], options: PackOptions): TokenBatch {
  const { batchSize: B, blockSize: T } = options;
  const order = examples.map((_, i) => i).sort((a, b) => slots(examples[b]!) - slots(examples[a]!) || a - b);
  const rows: Sequence[][] = [];
  const free: number[] = [];
  for (const i of order) {
    const seq = examples[i]!;
    const L = checkedSlots(seq, T);
    let r = free.findIndex((f) => f >= L);
    if (r < 0) {
      if (rows.length === B) throw new BatchError(`${examples.length} sequences do not fit in ${B} rows of ${T}`);
      rows.push([]);
      free.push(T);
      r = rows.length - 1;
    }
    rows[r]!.push(seq);
    free[r]! -= L;
  }
  return packRows(rows, options);
}

export interface PlanOptions extends PackOptions {
  /** Most sequences a batch may pass over (leave waiting) while filling its rows; default 4 × batchSize. */
  lookahead?: number;
}

/**
 * Split a stream of sequence lengths (tokens each, ≤ T + 1) into batches: `plan[k][b]` lists the
 * stream indices in row b of batch k. Order is kept as far as packing allows: a batch takes the
 * sequences left waiting by the previous batch, then the stream, putting each into the fullest row
 * it still fits (best fit); one that fits nowhere waits for the next batch. A batch is done when its
 * rows are full, `lookahead` sequences wait, or the stream ends. The oldest waiting sequence always
 * comes first into empty rows, so nothing waits for ever. Every index appears exactly once.
 *
 * @example
 * planBatches(windows.map((w) => w.ids.length), { batchSize: 16, blockSize: 256 }); // [[[0, 7], [1], …], …]
 */
export function planBatches(lengths: readonly number[], options: PlanOptions): number[][][] {
  const plan: number[][][] = [];
  eachPlannedBatch(lengths, options, (rows) => plan.push(rows));
  return plan;
}

/** planBatches, handing each batch to `emit` as soon as it is planned. */
function eachPlannedBatch(lengths: readonly number[], options: PlanOptions, emit: (rows: number[][]) => void): void {
  const { batchSize: B, blockSize: T } = options;
  const lookahead = Math.max(1, options.lookahead ?? 4 * B);
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i]!;
    if (!(n >= 2 && n <= T + 1)) throw new BatchError(`sequence ${i} has ${n} tokens; packing needs 2 … ${T + 1}`);
  }
  let waiting: number[] = [];
  let next = 0;
  while (next < lengths.length || waiting.length > 0) {
    const rows: number[][] = Array.from({ length: B }, () => []);
    const free = new Array<number>(B).fill(T);
    let room = B * T;
    const left: number[] = [];
    const place = (i: number): void => {
      const L = lengths[i]! - 1;
      let best = -1;
      for (let r = 0; r < B; r++) if (free[r]! >= L && (best < 0 || free[r]! < free[best]!)) best = r;
      if (best < 0) left.push(i);
      else {
        rows[best]!.push(i);
        free[best]! -= L;
        room -= L;
      }
    };
    for (const i of waiting) place(i);
    while (next < lengths.length && room > 0 && left.length < lookahead) place(next++);
    emit(rows.filter((r) => r.length > 0));
    waiting = left;
  }
}

/**
 * A batch plan (planBatches) held in three Int32Arrays instead of nested arrays: batch k's rows are
 * rowEnd[batchStart[k] … batchStart[k+1]), row r's sequences seqs[rowEnd[r-1] … rowEnd[r]).
 * An epoch of 190k sequences: ~1 MB instead of ~30 MB of small arrays.
 *
 * @example
 * const plan = CompactPlan.plan(lengths, { batchSize: 16, blockSize: 256 });
 * plan.batch(0); // [[0, 7], [1], …], as planBatches(lengths, …)[0]
 */
export class CompactPlan {
  /** Number of batches. */
  readonly length: number;
  readonly #batchStart: Int32Array;
  readonly #rowEnd: Int32Array;
  readonly #seqs: Int32Array;

  /** planBatches(lengths, options), stored as it is planned (the nested arrays never exist all at once). */
  static plan(lengths: readonly number[], options: PlanOptions): CompactPlan {
    const batchStart = [0], rowEnd: number[] = [];
    const seqs = new Int32Array(lengths.length); // every index appears exactly once
    let at = 0;
    eachPlannedBatch(lengths, options, (rows) => {
      for (const row of rows) {
        for (const i of row) seqs[at++] = i;
        rowEnd.push(at);
      }
      batchStart.push(rowEnd.length);
    });
    return new CompactPlan(Int32Array.from(batchStart), Int32Array.from(rowEnd), seqs);
  }

  /** A plan planBatches returned. */
  static of(plan: readonly (readonly (readonly number[])[])[]): CompactPlan {
    const batchStart = [0], rowEnd: number[] = [], seqs: number[] = [];
    for (const batch of plan) {
      for (const row of batch) {
        seqs.push(...row);
        rowEnd.push(seqs.length);
      }
      batchStart.push(rowEnd.length);
    }
    return new CompactPlan(Int32Array.from(batchStart), Int32Array.from(rowEnd), Int32Array.from(seqs));
  }

  private constructor(batchStart: Int32Array, rowEnd: Int32Array, seqs: Int32Array) {
    this.length = batchStart.length - 1;
    this.#batchStart = batchStart;
    this.#rowEnd = rowEnd;
    this.#seqs = seqs;
  }

  /** Every row of every batch, in order: the sequence indices in it (views, do not write). */
  *rows(): Generator<Int32Array> {
    for (let r = 0; r < this.#rowEnd.length; r++) yield this.#seqs.subarray(r === 0 ? 0 : this.#rowEnd[r - 1]!, this.#rowEnd[r]!);
  }

  /** Batch k: the sequence indices of each of its rows. */
  batch(k: number): number[][] {
    if (!(Number.isInteger(k) && k >= 0 && k < this.length)) throw new RangeError(`batch ${k} is not one of the ${this.length} planned`);
    const out: number[][] = [];
    for (let r = this.#batchStart[k]!; r < this.#batchStart[k + 1]!; r++) {
      out.push(Array.from(this.#seqs.subarray(r === 0 ? 0 : this.#rowEnd[r - 1]!, this.#rowEnd[r]!)));
    }
    return out;
  }
}

/**
 * A row with its spare positions given, in order, to sequences that can reach back for context:
 * such a window becomes header + up to `spare` earlier tokens + its own tokens (no loss on the
 * inserted ones), so padding turns into context without moving any sequence.
 *
 * @example
 * fillRow([tailWindow, shortRow], 256); // tailWindow grown by 256 − (their positions), if it can reach that far
 */
export function fillRow(row: readonly Sequence[], T: number): Sequence[] {
  let spare = T;
  for (const seq of row) spare -= slots(seq);
  return row.map((seq) => {
    const extra = seq.reach ? Math.min(spare, seq.reach.before.length) : 0;
    if (extra <= 0 || !seq.reach) return seq;
    spare -= extra;
    const { headerLen: h, before } = seq.reach;
    const n = seq.ids.length + extra;
    const ids = new Int32Array(n), lossMask = new Uint8Array(n);
    ids.set(seq.ids.subarray(0, h), 0);
    ids.set(before.subarray(before.length - extra), h);
    ids.set(seq.ids.subarray(h), h + extra);
    lossMask.set(seq.lossMask.subarray(h), h + extra);
    const rest = before.subarray(0, before.length - extra);
    return rest.length > 0 ? { ids, lossMask, reach: { headerLen: h, before: rest } } : { ids, lossMask };
  });
}

/** Positions a sequence fills. */
function slots(seq: Sequence): number {
  return seq.ids.length - 1;
}

function checkedSlots(seq: Sequence, T: number): number {
  const n = seq.ids.length;
  if (n < 2 || n > T + 1) throw new BatchError(`a sequence of ${n} tokens cannot be packed in rows of ${T} (needs 2 … ${T + 1})`);
  if (seq.lossMask.length !== n) throw new BatchError(`loss mask has ${seq.lossMask.length} entries for ${n} tokens`);
  return n - 1;
}
