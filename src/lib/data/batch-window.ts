/**
 * Windowing: a sequence longer than the context (blockSize + 1 tokens, since the last token is only
 * ever a target) is split into windows, never dropped. Training and generation slide the same way,
 * so what the model learns to continue from is exactly what it is given at inference:
 *
 *   window 0      BOS  prompt…  [prompt block]  SEP  completion-block  completion[0 … a)
 *   window k ≥ 1  BOS  [prompt block]  SEP  completion-block  | completion[s-o … s) | completion[s … s+m)
 *                 └──────────────── header (h tokens) ───────┘  overlap, no loss     new tokens, loss
 *
 * - The header keeps the marker context in view: BOS + the prompt's marker block + SEP + the
 *   completion's marker block (the prompt's text is gone). When that header would fill more than half
 *   of the context, the prompt block is left out (its markers are a subset of the completion block's).
 * - Overlap o = windowOverlap(T, h) = ⌊(T − h) / 4⌋ tokens of earlier completion text are repeated
 *   for context; generation, when it slides, keeps the header plus the latest o tokens. So training
 *   targets see between o and T − h tokens of completion text, as generated tokens do. The last
 *   window is as short as that allows, so it packs beside other sequences; it carries `reach`, the
 *   earlier text it may take in as extra context where its row would otherwise be padding
 *   (batch-pack.ts fillRows). Its targets then see more context, still at most T − h tokens.
 * - Window 0: when the prompt is too long, its text is cut from the left (its end and its marker
 *   block stay) so that the answer's start fits too: the prompt text keeps at least half of the room
 *   the blocks leave, the answer the rest (as much of it as there is). If even BOS + prompt block +
 *   SEP + completion block + 1 do not fit, the prompt block goes too. Cut tokens are counted.
 * - Completion tokens are never cut: each is the loss target of exactly one window.
 */
import { BOS_ID, markupId, SEP_ID } from '../tokenizer/tokenizer';
import type { TokenizerSpec } from '../tokenizer/tokenizer';
import { BatchError } from './batch-encode';
import type { EncodedExample, Sequence } from './batch-encode';

/** Token ids that open and close a marker block. */
export interface BlockIds {
  blockOpenId: number;
  blockCloseId: number;
}

/**
 * @example
 * const ids = blockTokenIds(tok); // { blockOpenId: 260, blockCloseId: 261 }
 */
export function blockTokenIds(tok: TokenizerSpec): BlockIds {
  const open = markupId(tok, { type: 'blockOpen' });
  const close = markupId(tok, { type: 'blockClose' });
  if (open === undefined || close === undefined) throw new BatchError('the tokenizer has no marker block tokens');
  return { blockOpenId: open, blockCloseId: close };
}

export interface SlidingHeader {
  /** BOS + [prompt block] + SEP + completion block: what every window after the first starts with. */
  header: number[];
  /** Index in the sequence where the completion's text begins (after its block). */
  bodyStart: number;
  /** False when the prompt block was left out to keep the header within half the context. */
  promptBlockKept: boolean;
}

/**
 * The header of windows after the first, from a sequence `BOS input SEP target…` (a training
 * sequence, or prefix + generated tokens during generation). The prompt block is the first block
 * between BOS and SEP (text never yields block tokens); the completion's block is the one right
 * after SEP (an unclosed one extends to the end). Throws BatchError when even the header without the
 * prompt block leaves no room (h > T).
 *
 * @example
 * const { header, bodyStart } = slidingHeader([...prefix, ...generated], blockTokenIds(tok), 256);
 * const keep = windowOverlap(256, header.length);
 * const context = [...header, ...all.slice(Math.max(bodyStart, all.length - keep))];
 */
export function slidingHeader(sequence: ArrayLike<number>, ids: BlockIds, blockSize: number): SlidingHeader {
  const seq = Array.from(sequence);
  const sep = seq.indexOf(SEP_ID);
  if (seq[0] !== BOS_ID || sep < 0) throw new BatchError('a sliding header needs a sequence BOS … SEP …');
  const open = seq.indexOf(ids.blockOpenId, 1);
  const promptBlock = open >= 0 && open < sep ? seq.slice(open, sep) : [];
  let bodyStart = sep + 1;
  if (seq[bodyStart] === ids.blockOpenId) {
    const close = seq.indexOf(ids.blockCloseId, bodyStart);
    bodyStart = close < 0 ? seq.length : close + 1;
  }
  const completionBlock = seq.slice(sep + 1, bodyStart);
  const full = [BOS_ID, ...promptBlock, SEP_ID, ...completionBlock];
  if (full.length <= blockSize / 2 || promptBlock.length === 0) {
    checkRoom(full.length, blockSize);
    return { header: full, bodyStart, promptBlockKept: promptBlock.length > 0 };
  }
  const header = [BOS_ID, SEP_ID, ...completionBlock];
  checkRoom(header.length, blockSize);
  return { header, bodyStart, promptBlockKept: false };
}

/**
 * Completion tokens repeated after the header for context when a window slides: a quarter of the
 * room the header leaves. Generation keeps the same number when it slides.
 *
 * @example
 * windowOverlap(256, 56); // 50
 */
export function windowOverlap(blockSize: number, headerLen: number): number {
  return Math.max(0, Math.floor((blockSize - headerLen) / 4));
}

/**
 * What generation keeps when the context is full: the header plus the latest windowOverlap(T, h)
 * completion tokens — the context window k ≥ 1 of training starts its new tokens from.
 *
 * @example
 * const ctx = slidingContext([...prefix, ...generated], blockTokenIds(tok), 256); // feed ctx, positions 0 …
 */
export function slidingContext(sequence: ArrayLike<number>, ids: BlockIds, blockSize: number): number[] {
  const seq = Array.from(sequence);
  const { header, bodyStart } = slidingHeader(seq, ids, blockSize);
  const keep = windowOverlap(blockSize, header.length);
  return [...header, ...seq.slice(Math.max(bodyStart, seq.length - keep))];
}

/**
 * A generation prefix `BOS prompt [prompt block] SEP [forced tokens]` cut the way training cuts
 * window 0 of a long answer, so that `reserve` positions stay free (e.g. the completion block's
 * length + 1) and half of the rest is left for the answer: prompt text goes from the left (its end
 * stays), then, if still too long, the prompt block. Throws
 * BatchError when even `BOS SEP forced` leaves no room.
 *
 * @example
 * const { ids: start, truncatedTokens } = fitPrefix(prefix, blockTokenIds(tok), 256, 60);
 */
export function fitPrefix(prefix: ArrayLike<number>, ids: BlockIds, blockSize: number, reserve: number): { ids: number[]; truncatedTokens: number } {
  const seq = Array.from(prefix);
  const room = blockSize + 1 - reserve; // tokens the prefix may keep, as window 0 holds T + 1
  const sep = seq.indexOf(SEP_ID);
  if (seq[0] !== BOS_ID || sep < 0) throw new BatchError('a prefix must be BOS … SEP …');
  const open = seq.indexOf(ids.blockOpenId, 1);
  const blockStart = open >= 0 && open < sep ? open : sep;
  const fixed = seq.length - (blockStart - 1); // BOS, prompt block, SEP and what follows
  // As window 0 of a long answer: the prompt text keeps at most the larger half of the room left.
  const textRoom = room - fixed - Math.floor((room - fixed) / 2);
  if (blockStart - 1 <= textRoom) return { ids: seq, truncatedTokens: 0 };
  if (fixed <= room) {
    const keepText = textRoom;
    return { ids: [BOS_ID, ...seq.slice(blockStart - keepText, blockStart), ...seq.slice(blockStart)], truncatedTokens: blockStart - 1 - keepText };
  }
  const bare = [BOS_ID, ...seq.slice(sep)];
  if (bare.length > room) throw new BatchError(`blockSize ${blockSize} leaves no room for this prefix (${bare.length} tokens after cutting the prompt)`);
  return { ids: bare, truncatedTokens: sep - 1 };
}

export interface Windowed {
  windows: Sequence[];
  /** Prompt tokens (text, and the prompt block in the extreme case) cut from window 0. */
  truncatedTokens: number;
}

/**
 * Split an encoded example into windows of at most blockSize + 1 tokens (see the module comment).
 * A sequence that fits is returned as it is (one window, the same arrays).
 *
 * @example
 * const { windows, truncatedTokens } = windowExample(ex, 256, blockTokenIds(tok));
 */
export function windowExample(ex: EncodedExample, blockSize: number, ids: BlockIds): Windowed {
  const T = blockSize, n = ex.ids.length;
  if (n <= T + 1) return { windows: [{ ids: ex.ids, lossMask: ex.lossMask }], truncatedTokens: 0 };

  // Window 0: [BOS][prompt text tail][prompt block][SEP][completion block][completion text head …]
  const textLen = ex.promptBlockStart - 1;
  let blockStart = ex.promptBlockStart;
  const fixed = 1 + (ex.promptLen - blockStart) + (ex.headerEnd - ex.promptLen) + 1; // BOS, block+SEP, completion block, 1 token
  let truncated = 0;
  if (fixed > T + 1) {
    blockStart = ex.promptLen - 1; // drop the prompt block as well: BOS SEP completion-block …
    truncated += ex.promptLen - 1 - ex.promptBlockStart;
    if (1 + 1 + (ex.headerEnd - ex.promptLen) + 1 > T + 1) {
      throw new BatchError(`blockSize ${T} is too small for a completion marker block of ${ex.headerEnd - ex.promptLen} tokens`);
    }
  }
  const room = T + 1 - 1 - (ex.headerEnd - blockStart) - 1; // for prompt text, after BOS, blocks and one body token
  // The answer's start stays in window 0 with its prompt: a long prompt keeps at most the room the
  // answer does not need, and never less than half of it.
  const answerRoom = Math.max(0, Math.min(n - ex.headerEnd - 1, Math.floor(room / 2)));
  const keepText = blockStart === ex.promptBlockStart ? Math.min(textLen, room - answerRoom) : 0;
  truncated += textLen - keepText;
  // Window 0 holds T + 1 tokens of ex.ids: BOS, the kept text, then from blockStart up to `end`.
  const end = Math.min(n, blockStart + T - keepText);
  const windows: Sequence[] = [pick(ex, [0, ...range(ex.promptBlockStart - keepText, ex.promptBlockStart), ...range(blockStart, end)])];
  let consumed = end; // next token of ex.ids not yet a target
  if (consumed === n) return { windows, truncatedTokens: truncated };

  const { header } = slidingHeader(ex.ids, ids, T);
  const h = header.length;
  const o = windowOverlap(T, h);
  while (consumed < n) {
    const ctxStart = Math.max(ex.headerEnd, consumed - o);
    const take = Math.min(n - consumed, T + 1 - h - (consumed - ctxStart));
    const len = h + (consumed - ctxStart) + take;
    const w: Sequence = { ids: new Int32Array(len), lossMask: new Uint8Array(len) };
    w.ids.set(header, 0);
    w.ids.set(ex.ids.subarray(ctxStart, consumed + take), h);
    w.lossMask.fill(1, len - take); // only the new tokens are targets
    if (consumed + take === n) {
      // The last window may reach back over earlier text, up to T + 1 tokens, into spare room of its row.
      const before = ex.ids.subarray(Math.max(ex.headerEnd, n - (T + 1 - h)), ctxStart);
      if (before.length > 0) w.reach = { headerLen: h, before };
    }
    windows.push(w);
    consumed += take;
  }
  return { windows, truncatedTokens: truncated };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

function pick(ex: EncodedExample, src: readonly number[]): Sequence {
  const ids = new Int32Array(src.length), lossMask = new Uint8Array(src.length);
  src.forEach((i, k) => {
    ids[k] = ex.ids[i]!;
    lossMask[k] = ex.lossMask[i]!;
  });
  return { ids, lossMask };
}

function checkRoom(h: number, T: number): void {
  if (h > T) throw new BatchError(`blockSize ${T} is too small for a window header of ${h} tokens (its marker blocks)`);
}
