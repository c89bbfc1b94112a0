import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import PlayView from '../../src/ui/play/PlayView.svelte';
import { PlayState } from '../../src/lib/state/play.svelte';
import { CheckpointsState } from '../../src/lib/state/checkpoints.svelte';
import { DEFAULT_URL_STATE, type UrlState } from '../../src/lib/state/url';
import type { CheckpointStore } from '../../src/lib/model/checkpoint-store';
import { defaultTaxonomy, type Markers } from '../../src/lib/markers/taxonomy';
import { formatBlock } from '../../src/lib/markers/template';
import { countTokens } from '../../src/lib/markers/measure';
import { buildTokenizer, encodePieces, EOS_ID, tokenLabel } from '../../src/lib/tokenizer/tokenizer';
import type { DistributionRequest, ModelInfo, PlayedSample, PlayerApi, SampleRequest } from '../../workers/player.api';
import type { GPTConfig } from '../../src/lib/model/config';
import type { BackendOptions, BackendReport } from '../../src/lib/model/backend';
import { trainedCategories, type ValueCounts } from '../../src/lib/model/checkpoint-record';

afterEach(cleanup);

const taxonomy = defaultTaxonomy();
const tok = buildTokenizer({ taxonomy, texts: ['abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ.'] });
const CATEGORIES = taxonomy.categories.map((c) => c.name);
const config: GPTConfig = { vocabSize: tok.tokens.length, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 32, dropout: 0, seed: 1 };
const info = (step: number): ModelInfo => ({ config, tokenizer: tok, taxonomy, step, categories: CATEGORIES, lengthThresholds: { mode: 'quantile', concise: 10, medium: 30 } });
const charId = (ch: string): number => encodePieces(tok, [{ type: 'text', text: ch }])[0]!;

/**
 * An in-process player whose answers follow the request, so the tests check the plumbing (settings →
 * worker → bars), not a model: the most likely next token is the first letter of the requested
 * <lang> ('x' when unset); every unset categorical category gets its first value at 50%. With
 * `values` its model records its training rows' values (categories read as the worker reads them);
 * samples write `text` (default 'Bonjour tout le monde') and, with `holdAfterEnd`, wait after their
 * last token, so the histograms show Play's own measurement of the streamed samples.
 */
function fakePlayer(options: { distGate?: Promise<void>; sampleGate?: Promise<void>; values?: ValueCounts; text?: string; holdAfterEnd?: Promise<void> } = {}) {
  const requests: DistributionRequest[] = [];
  const samples: SampleRequest[] = [];
  let closed = 0, cancels = 0;
  const inits: (BackendOptions | undefined)[] = [];
  let cancelled = (): void => {};
  const cancel = (): Promise<void> => new Promise((r) => (cancelled = r));
  const api: PlayerApi = {
    init: async (options) => {
      inits.push(options);
      return { backend: options?.order?.[0] ?? 'cpu', fallbacks: [] };
    },
    load: async (bytes) => {
      const values = options.values;
      return values ? { ...info(bytes[0]!), values, categories: trainedCategories({ taxonomy, tokenizer: tok, training: { categories: null, values } }) } : info(bytes[0]!);
    },
    loadWeights: async (message) => info(message.step),
    distributions: async (req) => {
      requests.push(req);
      await options.distGate;
      const first = (req.markers.lang ?? 'x')[0]!.toLowerCase();
      const letters = [first, ...'abcdefghijklmnop'.replace(first, '')].slice(0, req.topK);
      const probs = letters.map((_, i) => 0.5 ** (i + 1));
      const markers = taxonomy.categories
        .filter((c) => c.kind === 'categorical' && !(c.name in req.markers))
        .map((c) => ({ category: c.name, mass: 0.9, values: (c.kind === 'categorical' ? c.values : []).map((value, i, all) => ({ value, p: i === 0 ? 0.5 : 0.5 / (all.length - 1) })) }));
      return { next: { ids: Int32Array.from(letters.map(charId)), probs: Float32Array.from(probs) }, markers };
    },
    // The model's own block follows the requested <lang> (English when unset); its first token, the letters above.
    continuation: async (req) => {
      const { next } = await api.distributions(req);
      requests.pop();
      return { block: { lang: req.markers.lang ?? 'English' }, text: `${req.markers.lang ?? 'English'} words`, next };
    },
    answer: async () => {
      throw new Error('not used');
    },
    cancel: () => {
      cancels++;
      cancelled();
    },
    sample: async (req, onToken) => {
      samples.push(req);
      const stopped = cancel();
      let stop = false;
      void stopped.then(() => (stop = true));
      const text = options.text ?? 'Bonjour tout le monde';
      // Fixed mode continues the forced, opened block (as the real player does): close it, then the text.
      const block = formatBlock({ lang: 'French' }, taxonomy);
      const ids = [...encodePieces(tok, [...(req.mode === 'fixed' ? block.slice(-1) : block), { type: 'text', text }]), EOS_ID];
      for (const [k, id] of ids.entries()) {
        for (let s = 0; s < req.n; s++) onToken?.(s, id);
        if (k === 4) await Promise.race([options.sampleGate, stopped]); // after the block close and 'Bonj'
        if (stop) return [];
      }
      if (options.holdAfterEnd) await Promise.race([options.holdAfterEnd, stopped]);
      if (stop) return [];
      return Array.from({ length: req.n }, (): PlayedSample => ({
        completion: text, markers: { lang: 'French' }, issues: [], finished: true,
        measured: { lengthTokens: countTokens(text), lang: 'French' },
      }));
    },
    lost: () => new Promise(() => {}), // a device never lost (test/dom/play-loss.test.ts loses one)
    numTensors: () => 0,
  };
  let opened = 0;
  return {
    connect: () => {
      opened++;
      return { api, close: () => closed++ };
    },
    requests, samples, inits, closed: () => closed, opened: () => opened, cancels: () => cancels,
  };
}

/** Checkpoints from an in-memory source: the demo's first byte is its step (the fake player reads it). */
function checkpoints(bytes: Record<string, Uint8Array> = { 'models/demo.safetensors': Uint8Array.of(7), 'models/base.safetensors': Uint8Array.of(3) }) {
  const store = { list: async () => [], survey: async () => ({ checkpoints: [], unreadable: [] }), estimate: async () => null, exportFile: async () => { throw new Error('none stored'); } } as unknown as CheckpointStore;
  const fetch = (async (url: string) => {
    const body = bytes[url.replace(/^\//, '')];
    return body ? new Response(body.slice()) : new Response('missing', { status: 404 });
  }) as typeof globalThis.fetch;
  return new CheckpointsState(store, undefined, { fetch });
}

function setup(initial: Partial<UrlState> = {}, player = fakePlayer(), ckpts = checkpoints(), live = false) {
  const play = new PlayState({ connect: player.connect, checkpoints: ckpts, initial: { ...DEFAULT_URL_STATE, ...initial }, debounceMs: 5, live });
  render(PlayView, { play });
  return { play, player };
}

/** The text of everything a field's aria-describedby points at. */
const described = (el: HTMLElement) => (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' | ');

const barLabels = () => within(screen.getByRole('list', { name: 'Next tokens' })).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'));

describe('PlayView', () => {
  it('loads the demo checkpoint and draws the next-token bars and the inferred marker distributions', async () => {
    const { play } = setup();
    await play.start();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    expect(screen.getByRole('status', { name: 'Model status' }).textContent).toBe('Demo: marker-tuned · step 7 · 1 layer, context 64');
    expect(barLabels()[0]).toBe(`${tokenLabel(tok, charId('x'))}: 50%`);
    // One control per category of the model's taxonomy, every one unset.
    for (const c of taxonomy.categories) {
      expect((screen.getByRole(c.kind === 'categorical' ? 'combobox' : 'textbox', { name: `${c.name} marker` }) as HTMLInputElement).value).toBe('');
    }
    for (const c of taxonomy.categories) {
      const figure = screen.queryByRole('figure', { name: `<${c.name}>` });
      expect(figure !== null, c.name).toBe(c.kind === 'categorical');
    }
    expect(within(screen.getByRole('figure', { name: '<domain>' })).getAllByRole('button', { name: /^Set domain to Sciences \(50%\)$/ })).toHaveLength(1);
    play.dispose();
  });

  it('refreshes without a button when a marker changes, and drops the category from the inferred ones', async () => {
    const { play, player } = setup();
    await play.start();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    await fireEvent.change(screen.getByRole('combobox', { name: 'lang marker' }), { target: { value: 'French' } });
    await vi.waitFor(() => expect(barLabels()[0]).toBe('f: 50%'));
    expect(player.requests.at(-1)!.markers).toEqual({ lang: 'French' });
    expect(screen.queryByRole('figure', { name: '<lang>' })).toBeNull();
    // Picking a value from an inferred distribution sets that marker.
    await fireEvent.click(within(screen.getByRole('figure', { name: '<domain>' })).getByRole('button', { name: /^Set domain to Sciences/ }));
    expect(play.markers).toEqual({ lang: 'French', domain: 'Sciences' });
    expect((screen.getByRole('combobox', { name: 'domain marker' }) as HTMLSelectElement).value).toBe('Sciences');
    play.dispose();
  });

  it('sends only the latest of quick changes, and nothing superseded while a request runs', async () => {
    let open = (): void => {};
    const player = fakePlayer({ distGate: new Promise((r) => (open = r)) });
    const { play } = setup({}, player);
    await play.start();
    await vi.waitFor(() => expect(player.requests).toHaveLength(1)); // held by the gate
    vi.useFakeTimers();
    for (const lang of ['German', 'Spanish', 'Italian']) play.setMarker('lang', lang);
    await vi.advanceTimersByTimeAsync(1_000); // far past the debounce (5 ms), in fake time
    vi.useRealTimers();
    expect(player.requests).toHaveLength(1); // still one in flight: the changes wait
    expect(play.pending).toBe(true);
    open();
    await vi.waitFor(() => expect(play.pending).toBe(false));
    expect(player.requests.map((r) => r.markers.lang)).toEqual([undefined, 'Italian']);
    expect(barLabels()[0]).toBe('i: 50%');
    play.dispose();
  });

  it('shows a failed checkpoint load next to the picker and keeps the model it had', async () => {
    const { play } = setup({}, fakePlayer(), checkpoints({ 'models/demo.safetensors': Uint8Array.of(7) }));
    await play.start();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Checkpoint' }), { target: { value: 'builtin:base' } });
    await vi.waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Could not load “Base: no markers”: could not download models/base.safetensors: HTTP 404 — the built-in models are written by `npm run build:models`; pick another checkpoint or train one'));
    expect(screen.getByRole('combobox', { name: 'Checkpoint' }).getAttribute('aria-describedby')).toBe('play-load-error');
    expect(play.model?.step).toBe(7);
    expect(barLabels()).toHaveLength(10);
    play.dispose();
  });

  it('leaves out link markers the model does not know, and refuses a bad numeric value next to its field', async () => {
    const { play } = setup({ markers: { lang: 'Klingon', persona: 'pirate', domain: 'Legal' } });
    await play.start();
    await vi.waitFor(() => expect(play.model).not.toBeNull());
    expect(play.markers).toEqual({ domain: 'Legal' });
    const notes = screen.getAllByRole('status').map((s) => s.textContent);
    expect(notes).toContain('Left out lang=Klingon: "Klingon" is not a value of <lang> (expected one of: ' + (taxonomy.categories.find((c) => c.name === 'lang') as { values: string[] }).values.join(', ') + ').');
    expect(notes).toContain('Left out persona=pirate: this model has no <persona> marker.');

    const field = screen.getByRole('textbox', { name: 'length_tokens marker' });
    await fireEvent.change(field, { target: { value: '12.5' } });
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(field.getAttribute('aria-describedby')!)!.textContent).toBe('<length_tokens> expects a whole number, got "12.5"');
    expect(play.markers).toEqual({ domain: 'Legal' });
    await fireEvent.change(field, { target: { value: '40' } });
    expect(field.getAttribute('aria-invalid')).toBe('false');
    expect(play.markers).toEqual({ domain: 'Legal', length_tokens: '40' });
    play.dispose();
  });

  it('fades the tokens that top-k would never sample, and keeps the last good top-k and seed', async () => {
    const { play } = setup({ topK: 3, seed: 9 });
    await play.start();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    expect(barLabels().filter((l) => l!.endsWith('never sampled with these settings'))).toHaveLength(7);
    for (const [name, bad] of [['Top-k', ''], ['Top-k', '2.5'], ['Seed', '']] as const) {
      const field = screen.getByRole('spinbutton', { name }) as HTMLInputElement;
      await fireEvent.change(field, { target: { value: bad } });
      expect(field.value).toBe(name === 'Seed' ? '9' : '3');
    }
    expect([play.topK, play.seed]).toEqual([3, 9]);
    // While typing, a value the setting refuses is said next to the field and never sent.
    const topK = screen.getByRole('spinbutton', { name: 'Top-k' });
    await fireEvent.input(topK, { target: { value: '2.5' } });
    expect(topK.getAttribute('aria-invalid')).toBe('true');
    expect(described(topK)).toContain('Top-k must be a whole number from 0 to 100,000.');
    expect(play.topK).toBe(3);
    // A value it allows is taken at once, without leaving the field.
    await fireEvent.input(topK, { target: { value: '0' } });
    expect(play.topK).toBe(0);
    expect(topK.getAttribute('aria-invalid')).toBeNull();
    await vi.waitFor(() => expect(barLabels().filter((l) => l!.endsWith('never sampled with these settings'))).toHaveLength(0));
    play.dispose();
  });

  it('takes a max-tokens budget within Play’s limit, warns next to it when the requested bucket is out of reach, and draws a new seed', async () => {
    const { play } = setup({ markers: { length_bucket: 'long' } as Markers, seed: 9 });
    await play.start();
    await vi.waitFor(() => expect(play.model).not.toBeNull());
    const max = screen.getByRole('spinbutton', { name: 'Max tokens' }) as HTMLInputElement;
    expect(max.value).toBe('64');
    await fireEvent.input(max, { target: { value: '25' } });
    expect(play.maxTokens).toBe(25);
    expect(described(max)).toContain('Max tokens (25) is below the long bucket (> 30 tokens)');
    await fireEvent.input(max, { target: { value: '3000' } });
    expect(described(max)).toContain('Max tokens must be a whole number from 1 to 2,000.');
    await fireEvent.change(max, { target: { value: '3000' } });
    expect([play.maxTokens, max.value]).toEqual([25, '25']);

    const seed = screen.getByRole('spinbutton', { name: 'Seed' }) as HTMLInputElement;
    await fireEvent.click(screen.getByRole('button', { name: 'New seed' }));
    expect(play.seed).not.toBe(9);
    expect(seed.value).toBe(String(play.seed));
    play.dispose();
  });

  it('streams samples with their marker chips, then shows what they measure against the request', async () => {
    let release = (): void => {};
    const player = fakePlayer({ sampleGate: new Promise((r) => (release = r)) });
    const { play } = setup({ markers: { lang: 'French', length_bucket: 'medium' }, mode: 'fixed', seed: 5 }, player);
    await play.start();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Samples' }), { target: { value: '4' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    expect(player.samples[0]).toMatchObject({ n: 4, mode: 'fixed', seed: 5, markers: { lang: 'French', length_bucket: 'medium' }, prompt: '' });

    // Mid-stream: the text so far, the forced markers as chips, a status, a Stop button.
    const list = screen.getByRole('list', { name: 'Samples' });
    await vi.waitFor(() => expect(within(list).getAllByText('Bonj')).toHaveLength(4));
    expect(screen.getByRole('status', { name: 'Sampling status' }).textContent).toBe('Writing 4 samples…');
    expect(screen.getByRole('button', { name: 'Stop' })).toBeTruthy();
    const chips = () => screen.getByRole('list', { name: 'Markers the model wrote for sample 1' }).textContent!.replace(/\s+/g, ' ');
    expect(chips()).toContain('lang=French (forced)');
    expect(chips()).toContain('length_bucket=medium (forced)');

    release();
    await vi.waitFor(() => expect(screen.getByRole('status', { name: 'Sampling status' }).textContent).toBe('4 samples drawn with seed 5.'));
    expect(within(list).getAllByText('Bonjour tout le monde')).toHaveLength(4);
    const n = countTokens('Bonjour tout le monde');
    const bucket = n < 10 ? 'concise' : n <= 30 ? 'medium' : 'long';
    const bins = within(within(screen.getByRole('figure', { name: 'Length in characters of 4 samples' })).getByRole('list', { name: 'Length bins' })).getAllByRole('listitem').map((b) => b.getAttribute('aria-label')!);
    const full = bins.filter((l) => l.includes(': 4'));
    expect(full).toHaveLength(1);
    const [lo, hi] = /^(\d+)–(\d+) characters/.exec(full[0]!)!.slice(1).map(Number);
    expect(n >= lo! && n <= hi!).toBe(true);
    expect(full[0]).toContain(`(${bucket})`);
    expect(screen.getByRole('list', { name: 'Requested markers met' }).textContent!.replace(/\s+/g, ' ')).toContain(
      `length_bucket=medium: ${bucket === 'medium' ? 4 : 0} of 4 samples measure as requested (violation rate ${bucket === 'medium' ? 0 : 100}%)`,
    );
    expect(within(screen.getByRole('figure', { name: 'Language of 4 samples' })).getByRole('listitem').getAttribute('aria-label')).toBe('French: 4 of 4, requested');
    play.dispose();
  });

  it('stops a draw in place (a cancel on the player, no worker reload), keeping what was written and the model', async () => {
    const player = fakePlayer({ sampleGate: new Promise(() => {}) }); // never finishes on its own
    const { play } = setup({ mode: 'inferred' }, player);
    await play.start();
    await fireEvent.click(screen.getByRole('button', { name: 'Generate' }));
    const list = screen.getByRole('list', { name: 'Samples' });
    await vi.waitFor(() => expect(screen.getAllByRole('list', { name: /^Markers the model wrote/ })[0]!.textContent).toContain('lang=French'));
    await fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    await vi.waitFor(() => expect(play.sampling).toBe(false));
    expect(player.cancels()).toBe(1);
    expect(player.closed()).toBe(0);
    expect(player.opened()).toBe(1);
    expect(play.model?.step).toBe(7);
    expect(screen.queryByRole('button', { name: 'Stop' })).toBeNull();
    expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false);
    expect(within(list).getAllByRole('listitem', { name: /^Sample \d/ })).toHaveLength(8);
    play.dispose();
  });
});

describe('PlayState', () => {
  it('starts its player on the backend plan it is given, and ends that worker on dispose', async () => {
    const player = fakePlayer();
    const reports: BackendReport[] = [];
    const play = new PlayState({
      connect: player.connect, backendPlan: { auto: async () => ({ order: ['wasm', 'cpu'] }), remember: (r) => reports.push(r) },
      checkpoints: checkpoints(), initial: DEFAULT_URL_STATE, debounceMs: 5, live: false,
    });
    await play.start();
    expect(player.inits).toEqual([{ order: ['wasm', 'cpu'] }]);
    expect(reports.map((r) => r.backend)).toEqual(['wasm']);
    expect(play.model?.step).toBe(7);
    play.dispose();
    expect([player.opened(), player.closed()]).toEqual([1, 1]);
  });

  it('takes the trainer’s weights only while following, and goes back to the checkpoint after', async () => {
    const player = fakePlayer();
    const play = new PlayState({ connect: player.connect, checkpoints: checkpoints(), initial: DEFAULT_URL_STATE, debounceMs: 5 });
    await play.start();
    const message = { config, tokenizer: tok, taxonomy, step: 120, categories: CATEGORIES, weights: {} };
    await play.loadWeights(message);
    expect(play.model?.step).toBe(7);
    await play.setFollow(true);
    await play.loadWeights(message);
    expect(play.source).toBe('training run, step 120');
    expect(play.model?.step).toBe(120);
    await play.setFollow(false);
    expect(play.source).toBe('Demo: marker-tuned');
    expect(play.model?.step).toBe(7);
    play.dispose();
  });

  it('cancels a running draw in place to take the trainer’s weights (the worker would free the model in use)', async () => {
    const player = fakePlayer({ sampleGate: new Promise(() => {}) }); // a draw that never ends on its own
    const play = new PlayState({ connect: player.connect, checkpoints: checkpoints(), initial: DEFAULT_URL_STATE, debounceMs: 5, live: false });
    await play.start();
    await play.setFollow(true);
    const drawing = play.draw();
    expect(play.sampling).toBe(true);
    await play.loadWeights({ config, tokenizer: tok, taxonomy, step: 50, categories: CATEGORIES, weights: {} });
    await drawing;
    expect(player.cancels()).toBe(1);
    expect(play.sampling).toBe(false);
    expect(play.model?.step).toBe(50);
    expect(play.source).toBe('training run, step 50');
    expect(player.opened()).toBe(1);
    play.dispose();
  });

  it('warns when the token budget cannot reach the requested length bucket', async () => {
    const play = new PlayState({ connect: fakePlayer().connect, checkpoints: checkpoints(), initial: { ...DEFAULT_URL_STATE, markers: { length_bucket: 'long' } as Markers }, debounceMs: 5 });
    await play.start();
    expect(play.maxTokens).toBe(64); // medium cut 30 × 1.5 + the block's room is below the floor
    expect(play.budgetWarning).toBeNull();
    play.setMaxTokens(25);
    expect(play.budgetWarning).toBe('Max tokens (25) is below the long bucket (> 30 tokens): samples are cut before they get there.');
    play.setMaxTokens(40);
    expect(play.budgetWarning).toBeNull();
    play.dispose();
  });
});

describe('Play live', () => {
  it('on a marker change cancels the running batch in place and starts a new one; the histograms fill in and keep the last batch faintly', async () => {
    const player = fakePlayer();
    const { play } = setup({ mode: 'inferred' }, player, checkpoints(), true);
    await play.start();
    // A batch starts by itself once the model is in, and its histograms fill in.
    await vi.waitFor(() => expect(player.samples).toHaveLength(1));
    await vi.waitFor(() => expect(screen.getByRole('figure', { name: 'Length in characters of 8 samples' })).toBeTruthy());
    expect(screen.getByLabelText('Median length').textContent).toBe(`median ${countTokens('Bonjour tout le monde')}`);
    // The model's own block (chips) and first words lead the next-token bars.
    expect(within(screen.getByRole('list', { name: "The model's own block" })).getByRole('listitem').textContent).toBe('lang=English');
    await fireEvent.change(screen.getByRole('combobox', { name: 'lang marker' }), { target: { value: 'French' } });
    await vi.waitFor(() => expect(player.samples).toHaveLength(2));
    expect(player.samples[1]!.markers).toEqual({ lang: 'French' });
    await vi.waitFor(() => expect(within(screen.getByRole('list', { name: "The model's own block" })).getByRole('listitem').textContent).toBe('lang=French'));
    // The previous batch is drawn faintly for comparison, named by its setting.
    await vi.waitFor(() => expect(screen.getByRole('figure', { name: /^Length in characters/ }).textContent).toContain('Faint: the previous setting (no markers set)'));
    expect(player.opened()).toBe(1);
    play.dispose();
  });

  it('says the distributions are being computed for the loaded step, not that the model is loading', async () => {
    let release = (): void => {};
    const player = fakePlayer({ distGate: new Promise((r) => (release = r)) });
    const { play } = setup({}, player);
    await play.start();
    expect(screen.getByRole('status', { name: 'Model status' }).textContent).toContain('step 7');
    expect(screen.getByRole('status', { name: 'Distributions status' }).textContent).toBe('Computing the distributions for step 7…');
    expect(document.body.textContent).not.toMatch(/appear as soon as the model is loaded/);
    release();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    play.dispose();
  });

  it('marks the requested bucket under the axis, not as a full-height bar', async () => {
    const player = fakePlayer();
    const { play } = setup({ markers: { length_bucket: 'long' } as Markers }, player, checkpoints(), true);
    await play.start();
    const figure = await vi.waitFor(() => screen.getByRole('figure', { name: 'Length in characters of 8 samples' }));
    const span = within(figure).getByLabelText(/^Requested bucket: long/);
    expect(span.closest('[role="list"]')).toBeNull();
    // Every bin's bar is as tall as its count: an empty requested bin draws nothing.
    for (const bin of within(within(figure).getByRole('list', { name: 'Length bins' })).getAllByRole('listitem')) {
      const count = Number(/: (\d+)/.exec(bin.getAttribute('aria-label')!)![1]);
      const bar = bin.querySelector('.colbar') as HTMLElement;
      expect(bar.style.height === '0%').toBe(count === 0);
    }
    play.dispose();
  });
});

describe('Play: the values the model was trained on', () => {
  // How many training rows had each value, as a checkpoint records them (Italian is the long tail: 5%).
  const VALUES: ValueCounts = {
    lang: { English: 150, French: 40, Italian: 10 },
    length_bucket: { concise: 70, medium: 70, long: 60 },
    domain: { Sciences: 120, Legal: 80 },
    source: {},
  };
  // The open 23-language set leaves this short sentence unjudged; among the model's languages it is Italian.
  const ITALIAN = 'Il robot ci fa risparmiare molto tempo.';
  const language = () => screen.getByRole('figure', { name: /^Language of \d+ samples$/ });

  const options = (name: string) => [...(screen.getByRole('combobox', { name: `${name} marker` }) as HTMLSelectElement).options].map((o) => [o.value, o.textContent]);

  it('offers only the values the model saw, with how often, the long tail marked rare; never-seen values are counted', async () => {
    const { play } = setup({}, fakePlayer({ values: VALUES }));
    await play.start();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    expect(options('lang')).toEqual([['', 'unset (inferred)'], ['English', 'English · 75%'], ['French', 'French · 20%'], ['Italian', 'Italian · 5.0% · rare']]);
    expect(options('length_bucket')).toEqual([['', 'unset (inferred)'], ['concise', 'concise · 35%'], ['medium', 'medium · 35%'], ['long', 'long · 30%']]);
    const lang = screen.getByRole('combobox', { name: 'lang marker' });
    expect(document.getElementById(lang.getAttribute('aria-describedby')!)!.textContent).toBe('20 values never in the training data');
    expect(screen.getByRole('combobox', { name: 'length_bucket marker' }).getAttribute('aria-describedby')).toBeNull();
    // Categories no training row had a value of are not offered at all (as the worker reads the checkpoint).
    expect(screen.queryByRole('combobox', { name: 'source marker' })).toBeNull();
    expect(screen.queryByRole('combobox', { name: 'format marker' })).toBeNull();
    // The inferred distributions offer the same values, saying how much probability the others held.
    const domain = screen.getByRole('figure', { name: '<domain>' });
    expect(within(domain).getAllByRole('button', { name: /^Set domain to/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['Set domain to Sciences (50%)', 'Set domain to Legal (5.0%)']);
    expect(domain.textContent).toContain('9 values never in the training data left out (45% together).');
    // A rare value is picked like any other, and stays labelled once set.
    await fireEvent.change(lang, { target: { value: 'Italian' } });
    expect(play.markers).toEqual({ lang: 'Italian' });
    expect((lang as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('Italian · 5.0% · rare');
    play.dispose();
  });

  it('offers every value of the taxonomy, unlabelled, when the checkpoint records no counts', async () => {
    const { play } = setup();
    await play.start();
    await vi.waitFor(() => expect(barLabels()).toHaveLength(10));
    const langs = (taxonomy.categories.find((c) => c.name === 'lang') as { values: string[] }).values;
    expect(options('lang')).toEqual([['', 'unset (inferred)'], ...langs.map((l) => [l, l])]);
    expect(screen.getByRole('combobox', { name: 'lang marker' }).getAttribute('aria-describedby')).toBeNull();
    expect(document.body.textContent).not.toMatch(/never in the training data|share of the training rows/);
    expect(within(screen.getByRole('figure', { name: '<domain>' })).getAllByRole('button', { name: /^Set domain to/ })).toHaveLength(5);
    play.dispose();
  });

  it('keeps a linked value the model never saw, labelled and said, rather than dropping it silently', async () => {
    const json = (taxonomy.categories.find((c) => c.name === 'format') as { values: string[] }).values[0]!;
    const { play } = setup({ markers: { lang: 'Korean', domain: 'Legal', format: json } }, fakePlayer({ values: VALUES }));
    await play.start();
    await vi.waitFor(() => expect(play.model).not.toBeNull());
    // A category the model was never trained with (no training row had a format) is left out, in the words Compare uses.
    expect(play.markerNotes).toContain(`Left out format=${json}: this model was not trained with <format> markers.`);
    expect(play.markers).toEqual({ lang: 'Korean', domain: 'Legal' });
    const lang = screen.getByRole('combobox', { name: 'lang marker' }) as HTMLSelectElement;
    expect(lang.value).toBe('Korean');
    expect(lang.selectedOptions[0]!.textContent).toBe('Korean · never in the training data');
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Kept lang=Korean, though no training row had it: the model never learned it.');
    play.dispose();
  });

  it('identifies the live samples’ language among the model’s training languages', async () => {
    const player = fakePlayer({ values: VALUES, text: ITALIAN, holdAfterEnd: new Promise(() => {}) });
    const { play } = setup({ mode: 'inferred' }, player, checkpoints(), true);
    await play.start();
    await vi.waitFor(() => expect(screen.getByRole('figure', { name: 'Language of 8 samples' })).toBeTruthy());
    expect(play.sampling).toBe(true); // the worker has not answered: this is Play's own measurement
    expect(within(language()).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Italian: 8 of 8']);
    expect(language().textContent).toContain('among the model’s 3 training languages (English, French, Italian)');
    play.dispose();
  });

  it('falls back to all 23 languages when the checkpoint records none', async () => {
    const player = fakePlayer({ text: ITALIAN, holdAfterEnd: new Promise(() => {}) });
    const { play } = setup({ mode: 'inferred' }, player, checkpoints(), true);
    await play.start();
    await vi.waitFor(() => expect(screen.getByRole('figure', { name: 'Language of 8 samples' })).toBeTruthy());
    expect(within(language()).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['(none detected): 8 of 8']);
    expect(language().textContent).toContain('among all 23 languages');
    play.dispose();
  });
});
