/**
 * Learning BPE merges from a corpus, on top of a tokenizer's characters (and any merges it has).
 *
 * 1. Split every text into words (bpe.ts preSplit) and count each distinct word.
 * 2. Write each distinct word as the ids the tokenizer gives it now.
 * 3. Count adjacent pairs of text-token ids, weighted by word count (bytes never pair).
 * 4. Repeatedly join the most frequent pair (ties: lower left id, then lower right id) into a new
 *    piece token appended after the last id, updating the counts of the words that held it only.
 * Stops after `count` merges or when no pair occurs twice. The most frequent pair comes off a heap
 * whose stale entries are skipped, so a merge costs the words it touches, not the whole corpus.
 *
 * One generator does the work; learnMerges drains it at once, learnMergesAsync yields to the event
 * loop every few tens of milliseconds so a browser worker can report progress and stay responsive.
 */
import { bpeIndex, encodeWord, mergePair, pairKey, preSplit } from './bpe';
import { makeSpec, type Merge, type TokenDef, type TokenizerSpec } from './vocab';

export interface LearnProgress {
  /** Merges learned so far. */
  merges: number;
  /** Merges asked for. */
  target: number;
}

/**
 * `tok` plus up to `count` merges learned on `texts`, their pieces appended after every existing id.
 *
 * @example
 * const bpe = learnMerges(buildTokenizer({ taxonomy, texts }), texts, 1000);
 * bpe.merges!.length; // ≤ 1000
 */
export function learnMerges(tok: TokenizerSpec, texts: Iterable<string>, count: number): TokenizerSpec {
  const steps = learnSteps(tok, texts, count);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export interface AsyncLearnOptions {
  /** Called between slices of work, with how far the learning is. */
  onProgress?: (progress: LearnProgress) => void;
  /** Longest stretch of work between two yields to the event loop, ms. Default 30. */
  sliceMs?: number;
  /** Checked between slices; true stops with an AbortError-like rejection. */
  cancelled?: () => boolean;
}

/**
 * learnMerges without blocking: the same result, computed in slices of about `sliceMs`.
 *
 * @example
 * const bpe = await learnMergesAsync(tok, texts, 2000, { onProgress: (p) => post(p.merges / p.target) });
 */
export async function learnMergesAsync(tok: TokenizerSpec, texts: Iterable<string>, count: number, options: AsyncLearnOptions = {}): Promise<TokenizerSpec> {
  const sliceMs = options.sliceMs ?? 30;
  const steps = learnSteps(tok, texts, count);
  let sliceStart = Date.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (Date.now() - sliceStart < sliceMs) continue;
    options.onProgress?.(step.value);
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (options.cancelled?.()) throw new Error('learning the tokenizer was cancelled');
    sliceStart = Date.now();
  }
}

/** The most frequent pair on top; equal counts: lower left id, then lower right id. */
interface Entry { count: number; left: number; right: number }
const before = (x: Entry, y: Entry): boolean =>
  x.count !== y.count ? x.count > y.count : x.left !== y.left ? x.left < y.left : x.right < y.right;

class Heap {
  readonly #items: Entry[] = [];
  push(e: Entry): void {
    const a = this.#items;
    a.push(e);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** Yields progress after the counting and after every merge; returns the grown spec. */
function* learnSteps(tok: TokenizerSpec, texts: Iterable<string>, count: number): Generator<LearnProgress, TokenizerSpec> {
  const target = Math.max(0, Math.floor(count));
  const tokens: TokenDef[] = [...tok.tokens];
  const merges: Merge[] = (tok.merges ?? []).map(([a, b]): Merge => [a, b]);
  const pieceIds = new Map<string, number>();
  tokens.forEach((def, id) => {
    if (def.type === 'piece') pieceIds.set(def.text, id);
  });
  const textOf = (id: number): string | undefined => {
    const def = tokens[id]!;
    return def.type === 'char' ? def.char : def.type === 'piece' ? def.text : undefined;
  };

  // 1–2. Distinct words, as the tokenizer encodes them today.
  const wordCounts = new Map<string, number>();
  let seen = 0;
  for (const text of texts) {
    for (const w of preSplit(text)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
    if (++seen % 500 === 0) yield { merges: 0, target };
  }
  const index = bpeIndex(tok);
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [w, n] of wordCounts) {
    const ids = encodeWord(index, w);
    if (ids.length < 2) continue;
    words.push([...ids]);
    freq.push(n);
  }
  yield { merges: 0, target };

  // 3. Pair counts, and which words hold each pair (a superset: stale members are skipped).
  const counts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const mergeable = (id: number): boolean => textOf(id) !== undefined;
  const addWord = (w: number, sign: 1 | -1, touched: Set<number>): void => {
    const s = words[w]!, f = freq[w]! * sign;
    for (let i = 0; i + 1 < s.length; i++) {
      const a = s[i]!, b = s[i + 1]!;
      if (!mergeable(a) || !mergeable(b)) continue;
      const key = pairKey(a, b);
      counts.set(key, (counts.get(key) ?? 0) + f);
      touched.add(key);
      if (sign > 0) {
        let set = where.get(key);
        if (!set) where.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  const heap = new Heap();
  const pushAll = (keys: Iterable<number>): void => {
    for (const key of keys) {
      const n = counts.get(key) ?? 0;
      if (n > 0) heap.push({ count: n, left: Math.floor(key / 0x100000), right: key % 0x100000 });
    }
  };
  const all = new Set<number>();
  for (let w = 0; w < words.length; w++) addWord(w, 1, all);
  pushAll(all);

  // 4. Merge.
  for (let done = 0; done < target;) {
    const top = heap.pop();
    if (!top) break;
    const key = pairKey(top.left, top.right);
    if (counts.get(key) !== top.count) continue; // stale entry
    if (top.count < 2) break;
    const text = textOf(top.left)! + textOf(top.right)!;
    let id = pieceIds.get(text);
    if (id === undefined) {
      id = tokens.length;
      tokens.push({ type: 'piece', text });
      pieceIds.set(text, id);
    }
    merges.push([top.left, top.right]);
    const touched = new Set<number>();
    for (const w of [...where.get(key)!].sort((x, y) => x - y)) {
      const s = words[w]!;
      if (!s.some((x, i) => x === top.left && s[i + 1] === top.right)) continue;
      addWord(w, -1, touched);
      words[w] = mergePair(s, top.left, top.right, id);
      addWord(w, 1, touched);
    }
    counts.delete(key);
    where.delete(key);
    touched.delete(key);
    pushAll(touched);
    yield { merges: ++done, target };
  }
  return makeSpec(tok.wrapper, tokens, merges);
}
