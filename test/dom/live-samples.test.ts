/**
 * Play's sample batches when the last tokens arrive after the worker's answer: tokens come through a
 * Comlink proxy, a port of their own, so across ports nothing keeps them ahead of the answer. The
 * finished batch must stay as the worker measured it (a browser run under load once showed 14 of 16
 * samples and two half-written ones after every sample had ended).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveSamples } from '../../src/lib/state/live-samples.svelte';
import { TokenStream } from '../../src/lib/state/token-stream';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import { buildTokenizer, encodePieces } from '../../src/lib/tokenizer/tokenizer';
import type { GPTConfig } from '../../src/lib/model/config';
import type { ModelInfo, PlayedSample, PlayerApi, SampleRequest } from '../../workers/player.api';

afterEach(() => vi.useRealTimers());

const taxonomy = defaultTaxonomy();
const tok = buildTokenizer({ taxonomy, texts: ['abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.'] });
const config: GPTConfig = { vocabSize: tok.tokens.length, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, seed: 1 };
const model: ModelInfo = { config, tokenizer: tok, taxonomy, step: 1, categories: taxonomy.categories.map((c) => c.name) };
const ids = Array.from(encodePieces(tok, [{ type: 'text', text: 'The sun is warm' }]));
const request: SampleRequest = { prompt: '', markers: {}, mode: 'inferred', n: 2, maxTokens: ids.length, temperature: 1, seed: 0 };
const played = (text: string, finished: boolean): PlayedSample => ({
  completion: text, markers: {}, issues: [], finished, measured: { lengthTokens: text.length },
});

describe('LiveSamples', () => {
  it('keeps the worker’s finished batch when its last tokens arrive after the answer', async () => {
    vi.useFakeTimers();
    let late: () => void = () => {};
    const api = {
      sample: async (_: SampleRequest, onToken?: (sequence: number, id: number) => void) => {
        // Sample 0 writes half its text before the answer; the rest (and sample 1's) arrives after it.
        ids.slice(0, 3).forEach((id) => onToken?.(0, id));
        late = () => { ids.slice(3).forEach((id) => onToken?.(0, id)); ids.forEach((id) => onToken?.(1, id)); };
        return [played('The sun is warm', false), played('The sun is warm', false)];
      },
      cancel: () => {},
    } as unknown as PlayerApi;
    const live = new LiveSamples(() => api);
    await live.draw(request, model);
    expect(live.sampling).toBe(false);
    late();
    await vi.advanceTimersByTimeAsync(500);
    // Both samples as the worker answered: measured, neither redrawn as unmeasured text in progress.
    expect(live.samples).toHaveLength(2);
    expect(live.samples.every((s) => s.measured !== undefined)).toBe(true);
    expect(live.summary?.n).toBe(2);
  });
});

describe('TokenStream', () => {
  it('publishes at most every everyMs, and nothing once closed, whatever still arrives', async () => {
    vi.useFakeTimers();
    const published: number[] = [];
    const stream = new TokenStream(1, 100, (_, tokens) => published.push(tokens));
    stream.push(0, 5);
    stream.push(0, 6);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(published).toEqual([2]);
    stream.push(0, 7);
    stream.close();
    stream.push(0, 8);
    stream.flush();
    await vi.advanceTimersByTimeAsync(500);
    expect(published).toEqual([2]);
  });
});
