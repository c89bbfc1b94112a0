import { describe, expect, it } from 'vitest';
import { BatchError, blockTokenIds, encodeExample, fitPrefix, slidingContext, slidingHeader, windowExample, windowOverlap } from '../../src/lib/data/batch';
import type { EncodedExample } from '../../src/lib/data/batch';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import type { Markers } from '../../src/lib/markers/taxonomy';
import { formatExample, parseCompletionPieces, toSequence } from '../../src/lib/markers/template';
import { BOS_ID, buildTokenizer, decodeIds, encodePieces, EOS_ID, markupId, SEP_ID } from '../../src/lib/tokenizer/tokenizer';
import { createRng } from '../../src/lib/util/rng';
import { varied } from './batch-helpers';

const taxonomy = defaultTaxonomy();
const long = 'The quick brown fox jumps over the lazy dog. '.repeat(12).trim();
const row = {
  id: 'demo:1',
  prompt: 'Tell me about foxes, please.',
  completion: long,
  markers: { domain: 'Sciences', lang: 'English', length_bucket: 'long', quality: '0.87', length_tokens: '120' },
};
const tok = buildTokenizer({ taxonomy, texts: [row.prompt, row.completion, 'Salut ça va ?'] });
const ids = blockTokenIds(tok);
const kept = { lang: 'English', quality: '0.87' };

describe('encodeExample', () => {
  it('gives exactly the ids of toSequence(formatExample(...)) in canonical order', () => {
    const cases: Array<{ row: { prompt: string; completion: string; markers: Markers }; kept: Markers }> = [
      { row, kept },
      { row, kept: {} },
      { row: { ...row, prompt: '' }, kept: row.markers },
      { row: { ...row, markers: {} }, kept: {} },
      // A prompt marker the row does not have (or with another value) is encoded on the spot.
      { row, kept: { lang: 'French', task: 'Explanation' } },
    ];
    for (const c of cases) {
      const ex = encodeExample(c.row, c.kept, taxonomy, tok, { lossOn: 'completion' });
      const expected = encodePieces(tok, toSequence(formatExample(c.row, c.kept, taxonomy)));
      expect(Array.from(ex.ids)).toEqual(Array.from(expected));
    }
  });

  it('lays out BOS input SEP target EOS and marks where each part starts', () => {
    const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
    const { input, target } = formatExample(row, kept, taxonomy);
    expect(ex.ids[0]).toBe(BOS_ID);
    expect(ex.ids[ex.promptLen - 1]).toBe(SEP_ID);
    expect(ex.promptLen).toBe(1 + encodePieces(tok, input).length + 1);
    expect(ex.ids[ex.promptBlockStart]).toBe(ids.blockOpenId);
    expect(ex.ids[ex.promptLen - 2]).toBe(ids.blockCloseId);
    expect(ex.ids[ex.promptLen]).toBe(ids.blockOpenId);
    expect(ex.ids[ex.headerEnd - 1]).toBe(ids.blockCloseId);
    expect(ex.ids[ex.ids.length - 1]).toBe(EOS_ID);
    expect(ex.ids.length).toBe(ex.promptLen + encodePieces(tok, target).length + 1);
    // Without prompt markers there is no prompt block: its start is the SEP.
    const bare = encodeExample(row, {}, taxonomy, tok, { lossOn: 'completion' });
    expect(bare.promptBlockStart).toBe(bare.promptLen - 1);
  });

  it('puts the loss on exactly the target (block, text) and EOS by default, on every token after BOS with "all"', () => {
    const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
    const targetLen = encodePieces(tok, formatExample(row, kept, taxonomy).target).length;
    const on = [...ex.lossMask.keys()].filter((t) => ex.lossMask[t] === 1);
    expect(on).toEqual(Array.from({ length: targetLen + 1 }, (_, k) => ex.promptLen + k));
    const all = encodeExample(row, kept, taxonomy, tok, { lossOn: 'all' });
    expect(all.lossMask[0]).toBe(0);
    expect(all.lossMask.subarray(1).every((m) => m === 1)).toBe(true);
    // "text" (evaluation): the completion's text and EOS, not its marker block.
    const text = encodeExample(row, kept, taxonomy, tok, { lossOn: 'text' });
    const onText = [...text.lossMask.keys()].filter((t) => text.lossMask[t] === 1);
    expect(onText[0]).toBe(text.headerEnd);
    expect(text.ids[text.headerEnd - 1]).toBe(markupId(tok, { type: 'blockClose' }));
    expect(onText.at(-1)).toBe(text.ids.length - 1);
    expect(onText.length).toBe(text.ids.length - text.headerEnd);
  });

  it('shuffles the completion block (seeded), never the prompt block, and the block still parses', () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion', blockOrder: 'shuffled', rng: createRng(seed) });
      const again = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion', blockOrder: 'shuffled', rng: createRng(seed) });
      expect(Array.from(again.ids)).toEqual(Array.from(ex.ids));
      const canonical = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
      expect(Array.from(ex.ids.subarray(0, ex.promptLen))).toEqual(Array.from(canonical.ids.subarray(0, canonical.promptLen)));
      const target = decodeIds(tok, ex.ids.subarray(ex.promptLen, ex.ids.length - 1)).pieces;
      const parsed = parseCompletionPieces(target, taxonomy);
      expect(parsed.markers).toEqual(row.markers);
      expect(parsed.completion).toBe(row.completion);
      orders.add(target.filter((p) => p.type === 'tagOpen').map((p) => (p.type === 'tagOpen' ? p.category : '')).join(','));
    }
    // Every category leads the block under some seed: fixed mode can force any subset first.
    const leaders = new Set([...orders].map((o) => o.split(',')[0]));
    expect(leaders).toEqual(new Set(Object.keys(row.markers)));
    expect(() => encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion', blockOrder: 'shuffled' })).toThrow(BatchError);
  });

  it('refuses a marker the taxonomy does not allow', () => {
    expect(() => encodeExample({ ...row, markers: { lang: 'Klingon' } }, {}, taxonomy, tok, { lossOn: 'completion' })).toThrow();
  });
});

/** Check every window contract; return the completion reconstructed from the loss targets. */
function checkWindows(ex: EncodedExample, T: number, lossOn: 'completion' | 'all' = 'completion'): { windows: number; truncated: number } {
  const { windows, truncatedTokens } = windowExample(ex, T, ids);
  const body = Array.from(ex.ids.subarray(ex.headerEnd));
  const completionBlock = Array.from(ex.ids.subarray(ex.promptLen, ex.headerEnd));
  for (const w of windows) {
    expect(w.ids.length).toBeLessThanOrEqual(T + 1);
    expect(w.ids.length).toBe(w.lossMask.length);
    expect(w.lossMask[0]).toBe(0);
  }
  if (windows.length === 1 && truncatedTokens === 0) {
    expect(windows[0]!.ids).toBe(ex.ids);
    return { windows: 1, truncated: 0 };
  }
  // Window 0: BOS, the end of the prompt, SEP, the whole completion block, then the completion's start.
  const w0 = Array.from(windows[0]!.ids);
  const sep = w0.indexOf(SEP_ID);
  expect(w0.slice(sep + 1, sep + 1 + completionBlock.length)).toEqual(completionBlock);
  const promptSide = Array.from(ex.ids.subarray(0, ex.promptLen));
  expect(promptSide.slice(promptSide.length - sep)).toEqual(w0.slice(1, sep + 1)); // a left cut of the prompt
  expect(truncatedTokens).toBe(ex.promptLen - 1 - sep);
  const firstBody = w0.slice(sep + 1 + completionBlock.length);
  const m0 = windows[0]!.lossMask;
  for (let k = sep + 1; k < w0.length; k++) expect(m0[k]).toBe(1);
  if (lossOn === 'completion') for (let k = 0; k <= sep; k++) expect(m0[k]).toBe(0);
  // Later windows: header, an overlap of earlier text (no loss), then new tokens (loss).
  const { header } = slidingHeader(ex.ids, ids, T);
  const o = windowOverlap(T, header.length);
  const rebuilt = [...firstBody];
  for (const w of windows.slice(1)) {
    const a = Array.from(w.ids);
    expect(a.slice(0, header.length)).toEqual(header);
    const newStart = w.lossMask.indexOf(1);
    expect(w.lossMask.subarray(newStart).every((m) => m === 1)).toBe(true);
    expect(w.lossMask.subarray(0, newStart).every((m) => m === 0)).toBe(true);
    const overlap = a.slice(header.length, newStart);
    expect(overlap.length).toBe(Math.min(o, rebuilt.length));
    const last = w === windows[windows.length - 1];
    // Only the last window may reach back: over the text just before its overlap, up to T + 1 tokens.
    const before = Array.from(w.reach?.before ?? []);
    if (!last) expect(w.reach).toBeUndefined();
    else {
      expect(before).toEqual(rebuilt.slice(rebuilt.length - overlap.length - before.length, rebuilt.length - overlap.length));
      expect(a.length + before.length === T + 1 || before.length + overlap.length === rebuilt.length).toBe(true);
      if (w.reach) expect(w.reach.headerLen).toBe(header.length);
    }
    expect(overlap).toEqual(rebuilt.slice(rebuilt.length - overlap.length));
    rebuilt.push(...a.slice(newStart));
  }
  expect(rebuilt).toEqual(body); // every completion token is a target exactly once, in order
  return { windows: windows.length, truncated: truncatedTokens };
}

describe('windowExample', () => {
  it('returns a sequence that fits as it is', () => {
    const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
    expect(checkWindows(ex, ex.ids.length - 1)).toEqual({ windows: 1, truncated: 0 });
  });

  it('splits a long completion into windows that start with the marker header and lose no token', () => {
    const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
    for (const T of [128, 160, 200, ex.ids.length - 2]) {
      const r = checkWindows(ex, T);
      expect(r.windows).toBeGreaterThan(1);
      expect(r.truncated).toBe(0);
    }
    checkWindows(encodeExample(row, kept, taxonomy, tok, { lossOn: 'all' }), 128, 'all');
  });

  it('cuts an over-long prompt from the left, keeps its end and its marker block, and counts the cut', () => {
    const longPrompt = { ...row, prompt: `${'Once upon a time, '.repeat(20)}tell me about foxes.` };
    const ex = encodeExample(longPrompt, kept, taxonomy, tok, { lossOn: 'completion' });
    const r = checkWindows(ex, 128);
    expect(r.truncated).toBeGreaterThan(0);
    const w0 = windowExample(ex, 128, ids).windows[0]!;
    const text = decodeIds(tok, w0.ids).pieces.find((p) => p.type === 'text');
    expect(text?.type === 'text' && longPrompt.prompt.endsWith(text.text)).toBe(true);
    expect(Array.from(w0.ids)).toContain(ids.blockOpenId);
  });

  it('drops the prompt block from the header when it would fill more than half the context', () => {
    const all = encodeExample(row, row.markers, taxonomy, tok, { lossOn: 'completion' });
    const cb = all.headerEnd - all.promptLen, pb = all.promptLen - 1 - all.promptBlockStart;
    const roomy = slidingHeader(all.ids, ids, 2 * (2 + pb + cb));
    expect(roomy.promptBlockKept).toBe(true);
    expect(roomy.header.length).toBe(2 + pb + cb);
    const tight = slidingHeader(all.ids, ids, 2 * (2 + pb + cb) - 1);
    expect(tight.promptBlockKept).toBe(false);
    expect(tight.header).toEqual([BOS_ID, SEP_ID, ...all.ids.subarray(all.promptLen, all.headerEnd)]);
    checkWindows(all, 2 * (2 + pb + cb) - 1);
    // Blocks too big even for window 0: the prompt block goes too (counted); smaller still is an error.
    const r = checkWindows(all, 1 + pb + cb);
    expect(r.truncated).toBe(all.promptLen - 2);
    expect(() => windowExample(all, cb + 1, ids)).toThrow(BatchError);
  });

  it('builds the same header from a partial sequence, as generation sees it', () => {
    const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
    const full = slidingHeader(ex.ids, ids, 128);
    for (const cut of [ex.headerEnd, ex.headerEnd + 5, ex.ids.length - 1]) {
      const partial = slidingHeader(ex.ids.subarray(0, cut), ids, 128);
      expect(partial.header).toEqual(full.header);
      expect(partial.bodyStart).toBe(ex.headerEnd);
    }
    expect(() => slidingHeader([SEP_ID, 5], ids, 128)).toThrow(BatchError);
  });

  it('gives generation the same context as training windows, and cuts long prompts the same way', () => {
    const ex = encodeExample(row, kept, taxonomy, tok, { lossOn: 'completion' });
    const T = 128;
    const { windows } = windowExample(ex, T, ids);
    const { header } = slidingHeader(ex.ids, ids, T);
    // Window 1's first target is predicted from header + overlap; generation slides to exactly that.
    const w1 = windows[1]!;
    const firstNew = w1.lossMask.indexOf(1);
    expect(windows[0]!.ids).toEqual(ex.ids.subarray(0, T + 1)); // no cut: window 0 is ids[0 … T]
    const seen = Array.from(ex.ids.subarray(0, T + 1)); // what generation holds when it must slide
    expect(w1.ids[firstNew]).toBe(ex.ids[T + 1]);
    expect(slidingContext(seen, ids, T)).toEqual(Array.from(w1.ids.subarray(0, firstNew)));
    expect(slidingContext(seen, ids, T).slice(0, header.length)).toEqual(header);
    // fitPrefix cuts the prompt as window 0 does when the completion block and one token must fit.
    const longPrompt = { ...row, prompt: `${'Once upon a time, '.repeat(20)}tell me about foxes.` };
    const lex = encodeExample(longPrompt, kept, taxonomy, tok, { lossOn: 'completion' });
    const w0 = windowExample(lex, T, ids);
    const cb = lex.headerEnd - lex.promptLen;
    const fitted = fitPrefix(lex.ids.subarray(0, lex.promptLen), ids, T, cb + 1);
    expect(fitted.ids).toEqual(Array.from(w0.windows[0]!.ids.subarray(0, fitted.ids.length)));
    expect(fitted.truncatedTokens).toBe(w0.truncatedTokens);
    expect(fitPrefix([BOS_ID, 50, SEP_ID], ids, T, 10)).toEqual({ ids: [BOS_ID, 50, SEP_ID], truncatedTokens: 0 });
    expect(() => fitPrefix([BOS_ID, 50, SEP_ID], ids, 4, 4)).toThrow(BatchError);
  });

  it('keeps the answer\'s start in window 0 when the prompt is long', () => {
    const T = 128;
    const longPrompt = { ...row, prompt: `${'Once upon a time, '.repeat(20)}tell me about foxes.` };
    const lex = encodeExample(longPrompt, kept, taxonomy, tok, { lossOn: 'completion' });
    const w0 = windowExample(lex, T, ids).windows[0]!;
    const afterBlock = Array.from(w0.ids).lastIndexOf(ids.blockCloseId) + 1;
    const answerTokens = w0.ids.length - afterBlock;
    const room = T + 1 - 1 - (lex.headerEnd - lex.promptBlockStart) - 1;
    // Half of the room the blocks leave goes to the answer (it is long enough to use it), the rest to the prompt's end.
    expect(answerTokens).toBe(Math.floor(room / 2) + 1);
    expect(Array.from(w0.ids.subarray(afterBlock))).toEqual(Array.from(lex.ids.subarray(lex.headerEnd, lex.headerEnd + answerTokens)));
  });

  it('windows every varied row correctly at T = 256, 128 and 64, with dropout and shuffled blocks', { timeout: 30_000 }, () => {
    const { rows, taxonomy: tax, tok: ttok } = varied();
    const tids = blockTokenIds(ttok);
    for (const T of [256, 128, 64]) {
      let windowed = 0;
      rows.slice(0, 400).forEach((r, i) => {
        const promptMarkers = i % 3 === 0 ? {} : i % 3 === 1 ? r.markers : { lang: r.markers.lang! };
        const ex = encodeExample(r, promptMarkers, tax, ttok, { lossOn: 'completion', blockOrder: 'shuffled', rng: createRng(i) });
        const { windows } = windowExample(ex, T, tids);
        if (windows.length > 1) windowed++;
        expect(slidingHeader(ex.ids, tids, T).header.length).toBeLessThanOrEqual(T);
      });
      expect(windowed).toBeGreaterThan(0);
    }
    // The full contract check on a sample (it is slower).
    for (const T of [128, 64]) {
      rows.slice(0, 60).forEach((r, i) => checkWindows(encodeExample(r, i % 2 ? r.markers : {}, tax, ttok, { lossOn: 'completion' }), T));
    }
  });
});
