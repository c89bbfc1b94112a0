import { describe, expect, it } from 'vitest';
import { BatchError, BatchSampler, encodeExample, evalBatches } from '../../src/lib/data/batch';
import type { TokenBatch, SamplerOptions } from '../../src/lib/data/batch';
import { applyDropout, DEFAULT_DROPOUT, DropoutError } from '../../src/lib/markers/dropout';
import { parseCompletionPieces } from '../../src/lib/markers/template';
import type { Piece } from '../../src/lib/markers/template';
import { decodeIds, SEP_ID } from '../../src/lib/tokenizer/tokenizer';
import { varied, unpack } from './batch-helpers';

const { rows: all, taxonomy, tok } = varied();
const rows = all.slice(0, 120);
const dropout = { ...DEFAULT_DROPOUT, seed: 7 };
// T = 800 holds every varied row whole (the longest is 785 tokens), so each sequence is one row.
const base: SamplerOptions = { rows, taxonomy, tokenizer: tok, dropout, seed: 3, batchSize: 8, blockSize: 800, lossOn: 'completion' };

/** The markers of a decoded input's block (the pieces from its block opener on; numbers are text pieces). */
function promptMarkersOf(input: Piece[]): Record<string, string> {
  const at = input.findIndex((p) => p.type === 'blockOpen');
  return at < 0 ? {} : parseCompletionPieces(input.slice(at), taxonomy).markers;
}

/** Markers as a string independent of key order. */
const canonical = (m: Record<string, string>): string => JSON.stringify(Object.entries(m).sort());

function same(a: TokenBatch, b: TokenBatch): boolean {
  const eq = (p: ArrayLike<number>, q: ArrayLike<number>): boolean => p.length === q.length && Array.from(p).every((v, i) => v === q[i]);
  return eq(a.x, b.x) && eq(a.y, b.y) && eq(a.lossMask, b.lossMask) && eq(a.positions, b.positions) && eq(a.segments, b.segments);
}

/**
 * Every whole example of an epoch, matched to its row: same prompt and completion text and (the
 * varied set repeats some texts) the prompt markers dropout gives that row at this epoch.
 * rowIndex is −1 when no unused row matches.
 */
function epochExamples(sampler: BatchSampler, epoch: number) {
  const first = Array.from({ length: epoch }, (_, e) => sampler.epochStats(e).batches).reduce((a, b) => a + b, 0);
  const used = new Set<number>();
  const out: Array<{ rowIndex: number; prompt: Record<string, string>; blockOrder: string[] }> = [];
  for (let k = first; k < first + sampler.epochStats(epoch).batches; k++) {
    for (const seq of unpack(sampler.next(k), base.batchSize, base.blockSize).flat()) {
      const sep = seq.indexOf(SEP_ID);
      const input = decodeIds(tok, seq.slice(1, sep)).pieces;
      const target = decodeIds(tok, seq.slice(sep + 1, -1)).pieces;
      const prompt = promptMarkersOf(input);
      const parsed = parseCompletionPieces(target, taxonomy);
      const text = input[0]?.type === 'text' ? input[0].text : '';
      const rowIndex = rows.findIndex((r, i) => !used.has(i) && r.completion === parsed.completion && r.prompt === text &&
        canonical(applyDropout(r.markers, dropout, r.id, epoch).kept) === canonical(prompt));
      used.add(rowIndex);
      out.push({ rowIndex, prompt, blockOrder: target.flatMap((p) => (p.type === 'tagOpen' ? [p.category] : [])) });
    }
  }
  return out;
}

describe('BatchSampler', () => {
  it('is deterministic: same options → same batches, in any call order, across epochs', () => {
    const a = new BatchSampler(base), b = new BatchSampler(base);
    const n = a.epochStats(0).batches + 3;
    const fromA = Array.from({ length: n }, (_, k) => a.next(k));
    for (let k = n - 1; k >= 0; k -= 2) expect(same(b.next(k), fromA[k]!)).toBe(true);
    expect(same(a.next(1), fromA[1]!)).toBe(true);
    expect(a.epochOf(n - 1)).toBe(1);
    const other = new BatchSampler({ ...base, seed: 4 });
    expect(same(other.next(0), fromA[0]!)).toBe(false);
  });

  it('visits every row once per epoch, in a fresh order, with the dropout of that epoch', () => {
    const sampler = new BatchSampler(base);
    const e0 = epochExamples(sampler, 0), e1 = epochExamples(sampler, 1);
    for (const [epoch, ex] of [[0, e0], [1, e1]] as const) {
      expect(ex.map((e) => e.rowIndex).sort((p, q) => p - q)).toEqual(rows.map((_, i) => i));
      // Matching requires each example's prompt markers to be its row's dropout at this epoch.
      expect(ex.every((e) => e.rowIndex >= 0), `epoch ${epoch}`).toBe(true);
    }
    expect(e0.map((e) => e.rowIndex)).not.toEqual(e1.map((e) => e.rowIndex));
    const promptOf = (ex: typeof e0, i: number) => JSON.stringify(ex.find((e) => e.rowIndex === i)!.prompt);
    const changed = rows.filter((_, i) => promptOf(e0, i) !== promptOf(e1, i)).length;
    expect(changed).toBeGreaterThan(rows.length / 4); // fresh dropout each epoch, not one fixed draw
  });

  it('shuffles completion blocks per row and epoch when asked', () => {
    const sampler = new BatchSampler({ ...base, blockOrder: 'shuffled' });
    const e0 = epochExamples(sampler, 0), e1 = epochExamples(sampler, 1);
    const canonical = taxonomy.categories.map((c) => c.name);
    let reordered = 0;
    for (const e of e0) {
      const row = rows[e.rowIndex]!;
      expect([...e.blockOrder].sort()).toEqual(Object.keys(row.markers).sort());
      if (e.blockOrder.join() !== canonical.filter((c) => c in row.markers).join()) reordered++;
      if (e1.find((f) => f.rowIndex === e.rowIndex)!.blockOrder.join() !== e.blockOrder.join()) reordered++;
    }
    expect(reordered).toBeGreaterThan(rows.length);
    expect(new BatchSampler(base).next(0).x).toEqual(new BatchSampler({ ...base, blockOrder: 'canonical' }).next(0).x);
  });

  it('windows long rows, counts them, and makes every completion token a target once per epoch', () => {
    for (const blockSize of [256, 128]) {
      const sampler = new BatchSampler({ ...base, rows: all.slice(0, 600), blockSize, batchSize: 16 });
      const st = sampler.epochStats(0);
      const expected = all.slice(0, 600).reduce((n, r) => {
        const ex = encodeExample(r, {}, taxonomy, tok, { lossOn: 'completion' });
        return n + ex.ids.length - ex.promptLen;
      }, 0);
      expect(st.lossTokens).toBe(expected);
      expect(st.windowedRows).toBeGreaterThan(0);
      expect(st.sequences).toBeGreaterThan(st.rows);
      let loss = 0, examples = 0;
      for (let k = 0; k < st.batches; k++) {
        const b = sampler.next(k);
        loss += b.stats.lossTokens;
        examples += b.stats.examples;
      }
      expect(loss).toBe(expected);
      expect(examples).toBe(st.sequences);
    }
  });

  it('builds validation batches with all prompt markers and with none', () => {
    const opts = { taxonomy, tokenizer: tok, batchSize: 8, blockSize: 800 };
    const withM = evalBatches(rows, { ...opts, promptMarkers: 'all' });
    const without = evalBatches(rows, { ...opts, promptMarkers: 'none' });
    expect(withM.stats.lossTokens).toBe(without.stats.lossTokens);
    expect(withM.stats.tokens).toBeGreaterThan(without.stats.tokens);
    const prompts = (bs: TokenBatch[]) => bs.flatMap((b) => unpack(b, 8, 800).flat()).map((s) => decodeIds(tok, s.slice(1, s.indexOf(SEP_ID))).pieces);
    for (const input of prompts(without.batches)) expect(input.every((p) => p.type === 'text')).toBe(true);
    const full = prompts(withM.batches).map(promptMarkersOf);
    expect(full.map(canonical).sort()).toEqual(rows.map((r) => canonical(r.markers)).sort());
  });

  it('refuses bad options loudly', () => {
    expect(() => new BatchSampler({ ...base, rows: [] })).toThrow(BatchError);
    expect(() => new BatchSampler({ ...base, batchSize: 0 })).toThrow(BatchError);
    expect(() => new BatchSampler({ ...base, dropout: { ...dropout, datasetRate: 2 } })).toThrow(DropoutError);
    expect(() => new BatchSampler(base).next(-1)).toThrow(BatchError);
    expect(() => new BatchSampler({ ...base, rows: [{ ...rows[0]!, markers: { lang: 'Klingon' } }] })).toThrow();
  });
});
