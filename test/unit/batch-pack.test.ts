import { describe, expect, it } from 'vitest';
import { attentionMask } from '../../src/lib/model/attention-mask';
import { BatchError, BatchSampler, CompactPlan, fillRow, packBatch, packRows, planBatches } from '../../src/lib/data/batch';
import type { Sequence } from '../../src/lib/data/batch';
import { DEFAULT_DROPOUT } from '../../src/lib/markers/dropout';
import { PAD_ID } from '../../src/lib/tokenizer/tokenizer';
import { createRng } from '../../src/lib/util/rng';
import { varied, unpack } from './batch-helpers';

/** A sequence of n tokens (ids 10, 11, …), loss on its second half. */
function seq(n: number, base = 10): Sequence {
  const ids = Int32Array.from({ length: n }, (_, i) => base + i);
  const lossMask = Uint8Array.from({ length: n }, (_, i) => (i >= n / 2 ? 1 : 0));
  return { ids, lossMask };
}

describe('packBatch', () => {
  it('packs whole sequences with per-sequence positions, segments, shifted targets and masks', () => {
    const B = 3, T = 8;
    const seqs = [seq(9, 100), seq(4, 200), seq(5, 300), seq(3, 400), seq(2, 500)];
    const batch = packBatch(seqs, { batchSize: B, blockSize: T });
    const rows = unpack(batch, B, T);
    // Every sequence appears exactly once, whole, and in one row.
    const found = rows.flat().map((s) => s[0]!).sort();
    expect(found).toEqual([100, 200, 300, 400, 500]);
    for (const s of rows.flat()) expect(s).toEqual(Array.from(seqs.find((q) => q.ids[0] === s[0])!.ids));
    for (let i = 0; i < B * T; i++) {
      const s = batch.segments[i]!;
      if (s < 0) {
        expect([batch.x[i], batch.y[i], batch.lossMask[i], batch.positions[i]]).toEqual([PAD_ID, PAD_ID, 0, 0]);
        continue;
      }
      const q = seqs.find((q) => q.ids[0] === batch.x[i]! - batch.positions[i]!)!;
      const t = batch.positions[i]!;
      expect(batch.x[i]).toBe(q.ids[t]);
      expect(batch.y[i]).toBe(q.ids[t + 1]);
      expect(batch.lossMask[i]).toBe(q.lossMask[t + 1]);
    }
    const slots = seqs.reduce((n, s) => n + s.ids.length - 1, 0);
    const loss = seqs.reduce((n, s) => n + s.lossMask.subarray(1).reduce((a, b) => a + b, 0), 0);
    expect(batch.stats).toEqual({ tokens: slots, lossTokens: loss, paddingTokens: B * T - slots, examples: 5 });
  });

  it('refuses what cannot be packed rather than dropping it', () => {
    expect(() => packBatch([seq(10)], { batchSize: 1, blockSize: 8 })).toThrow(BatchError);
    expect(() => packBatch([seq(1)], { batchSize: 1, blockSize: 8 })).toThrow(BatchError);
    expect(() => packBatch([seq(9), seq(9)], { batchSize: 1, blockSize: 8 })).toThrow(BatchError);
    expect(() => packBatch([{ ids: new Int32Array(4), lossMask: new Uint8Array(3) }], { batchSize: 1, blockSize: 8 })).toThrow(BatchError);
    expect(() => packRows([[seq(6), seq(5)]], { batchSize: 1, blockSize: 8 })).toThrow(BatchError);
  });
});

describe('fillRow', () => {
  it('gives spare room to a window that can reach back, as context without loss', () => {
    const header = [1, 7, 3];
    const w: Sequence = { ids: Int32Array.from([...header, 50, 51, 52]), lossMask: Uint8Array.from([0, 0, 0, 0, 1, 1]) };
    w.reach = { headerLen: 3, before: Int32Array.from([40, 41, 42, 43]) };
    const [grown, other] = fillRow([w, seq(3)], 10); // 5 + 2 positions used, 3 spare
    expect(Array.from(grown!.ids)).toEqual([...header, 41, 42, 43, 50, 51, 52]);
    expect(Array.from(grown!.lossMask)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(Array.from(grown!.reach!.before)).toEqual([40]);
    expect(other).toEqual(seq(3));
    expect(fillRow([w], 5)[0]).toBe(w); // no spare room: unchanged
    expect(fillRow([w], 100)[0]!.reach).toBeUndefined(); // reached all the way back
  });
});

describe('planBatches', () => {
  it('places every sequence exactly once, within B rows of T', () => {
    for (let seed = 0; seed < 30; seed++) {
      const rng = createRng(seed);
      const B = 1 + rng.int(6), T = 8 + rng.int(60);
      const lengths = Array.from({ length: rng.int(200) }, () => 2 + rng.int(T));
      const plan = planBatches(lengths, { batchSize: B, blockSize: T, lookahead: 1 + rng.int(20) });
      const seen = plan.flat(2).sort((a, b) => a - b);
      expect(seen).toEqual(lengths.map((_, i) => i));
      for (const batch of plan) {
        expect(batch.length).toBeLessThanOrEqual(B);
        for (const row of batch) expect(row.reduce((n, i) => n + lengths[i]! - 1, 0)).toBeLessThanOrEqual(T);
      }
    }
  });

  it('keeps stream order when nothing needs reordering', () => {
    const plan = planBatches(new Array<number>(10).fill(9), { batchSize: 4, blockSize: 8 });
    expect(plan).toEqual([[[0], [1], [2], [3]], [[4], [5], [6], [7]], [[8], [9]]]);
    expect(() => planBatches([10], { batchSize: 1, blockSize: 8 })).toThrow(BatchError);
  });
});

describe('attentionMask', () => {
  it('allows exactly same-sequence keys at or before the query; padding sees only itself', () => {
    const rng = createRng(5);
    const B = 3, T = 12;
    const segments = new Int32Array(B * T).fill(-1);
    for (let b = 0; b < B; b++) {
      let t = 0, s = 0;
      while (t < T && rng.chance(0.8)) {
        const len = 1 + rng.int(5);
        segments.fill(s++, b * T + t, b * T + Math.min(T, t + len));
        t += len;
      }
    }
    const mask = attentionMask(segments, B, T);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++) {
          const si = segments[b * T + i]!, sj = segments[b * T + j]!;
          const allowed = si < 0 ? i === j : si === sj && j <= i;
          expect(mask[(b * T + i) * T + j]).toBe(allowed ? 1 : 0);
        }
      }
    }
  });
});

describe('packing the varied dataset', () => {
  it('loses little to padding at T = 256 and T = 128 (batch 16)', () => {
    const { rows, taxonomy, tok } = varied();
    const share: Record<number, number> = {};
    for (const T of [256, 128]) {
      const sampler = new BatchSampler({ rows, taxonomy, tokenizer: tok, dropout: { ...DEFAULT_DROPOUT, seed: 1 }, seed: 1, batchSize: 16, blockSize: T });
      const st = sampler.epochStats(0);
      share[T] = st.paddingTokens / (st.batches * 16 * T);
      console.log(`T=${T} B=16: padding ${(100 * share[T]).toFixed(2)}%, ${st.batches} batches, ${st.sequences} windows, ` +
        `${st.windowedRows}/${st.rows} rows windowed, ${st.truncatedTokens} prompt tokens cut, loss on ${(100 * st.lossTokens / st.tokens).toFixed(1)}% of tokens`);
      // The batches as packed agree with the epoch's statistics.
      let padding = 0;
      for (let k = 0; k < st.batches; k++) padding += sampler.next(k).stats.paddingTokens;
      expect(padding).toBe(st.paddingTokens);
    }
    expect(share[256]).toBeLessThan(0.05);
    expect(share[128]).toBeLessThan(0.03);
  });
});

describe('CompactPlan', () => {
  it('holds exactly what planBatches plans, batch by batch and row by row', () => {
    const rng = createRng(5);
    for (const [B, T] of [[1, 8], [4, 16], [16, 64]] as const) {
      const lengths = Array.from({ length: 500 }, () => 2 + Math.floor(rng.next() * T));
      const nested = planBatches(lengths, { batchSize: B, blockSize: T });
      const compact = CompactPlan.plan(lengths, { batchSize: B, blockSize: T });
      expect(compact.length).toBe(nested.length);
      expect(Array.from({ length: compact.length }, (_, k) => compact.batch(k))).toEqual(nested);
      expect([...compact.rows()].map((r) => Array.from(r))).toEqual(nested.flat());
      expect(Array.from({ length: nested.length }, (_, k) => CompactPlan.of(nested).batch(k))).toEqual(nested);
    }
    expect(() => CompactPlan.plan([2, 3], { batchSize: 1, blockSize: 4 }).batch(2)).toThrow(RangeError);
  });
});
