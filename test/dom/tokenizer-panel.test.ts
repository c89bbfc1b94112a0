/**
 * The Data view's Tokenizer panel: over the real data API (in-process) it shows the tokenizer the
 * trainer would be handed, follows the Train view's choice, and draws a row's tokens as text chips;
 * over a held fake it shows progress and keeps only the latest request's answer.
 */
import { cleanup, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenizerReport } from '../../src/lib/data/tokenizer-report';
import type { TokenizerRequest } from '../../src/lib/settings/training';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { DropoutSettings } from '../../src/lib/state/dropout.svelte';
import { TokenizerPanelState } from '../../src/lib/state/tokenizer-panel.svelte';
import { SCRATCH, TrainForm } from '../../src/lib/state/train-form.svelte';
import type { LearnProgress } from '../../src/lib/tokenizer/tokenizer';
import DataView from '../../src/ui/data/DataView.svelte';
import TokenizerPanel from '../../src/ui/data/TokenizerPanel.svelte';
import { createDataApi } from '../../workers/data.api';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** How long the panel waits after a change before it asks (TokenizerPanel.svelte). */
const DEBOUNCE_MS = 250;

const LANGS = ['English', 'French', 'Spanish'] as const;
const TEXT: Record<(typeof LANGS)[number], string> = {
  English: 'Use <b>bold</b> words when the weather is lovely and we walk in the park.',
  French: 'Utilise <b>bold</b> quand il fait beau et que nous marchons dans le parc.',
  Spanish: 'Usa <b>bold</b> cuando hace buen tiempo y paseamos por el parque.',
};

function jsonl(n: number): Uint8Array {
  const lines = Array.from({ length: n }, (_, i) => {
    const lang = LANGS[i % 3]!;
    return JSON.stringify({ prompt: `Say something, row ${i}.`, completion: TEXT[lang], markers: { lang } });
  });
  return new TextEncoder().encode(lines.join('\n'));
}

const initial = { preset: 'nano' as const, steps: 10, batchSize: 4, lr: 0.01 };

async function dataView() {
  const api = createDataApi();
  const datasets = new DatasetsState({
    ...api,
    builtins: () => [{ name: 'base', title: 'Base set', description: '', rows: 60 }],
    loadBuiltin: async () => {
      const out = await api.importFile('base', jsonl(60));
      if (!out.ok) throw new Error(out.message);
      return { ...out.summary, title: 'Base set' };
    },
  });
  const dropout = new DropoutSettings();
  const run = new TrainForm(dropout, initial);
  run.startFrom = SCRATCH;
  render(DataView, { datasets, dropout, run });
  await datasets.start();
  const panel = await screen.findByRole('region', { name: 'Tokenizer' });
  return { api, run, panel };
}

const value = (panel: HTMLElement, term: string): string =>
  within(panel).getByText(term, { selector: 'dt' }).nextElementSibling?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('Tokenizer panel in the Data view', () => {
  it('shows the tokenizer the trainer gets, follows the Train view\'s choice, and draws tokens as text', async () => {
    const { api, run, panel } = await dataView();
    await waitFor(() => expect(value(panel, 'Kind')).toMatch(/^BPE, \d+ merges/));
    const learned = await api.learnedTokenizer('base', {
      choice: { kind: 'bpe', merges: run.form.merges }, valFraction: run.form.valFraction, seed: run.form.seed, stratifyBy: 'lang',
    });
    const merges = learned!.spec.merges!.length;
    // The teaching rows run out of repeated pairs long before 2,000 merges; the panel says so.
    expect(value(panel, 'Kind')).toBe(`BPE, ${merges} merges (of 2,000: no pair repeats after that)`);
    expect(value(panel, 'Vocabulary')).toBe(`${learned!.spec.tokens.length.toLocaleString('en')} tokens`);
    const bpeTokensPerRow = parseFloat(value(panel, 'Tokens per row'));
    expect(parseFloat(value(panel, 'Characters per token'))).toBeGreaterThan(2);

    const tokens = within(panel).getByRole('list', { name: /^Tokens of base:\d+$/ });
    const chips = within(tokens).getAllByRole('listitem');
    expect(chips[0]!.textContent).toBe('<|BOS|>');
    expect(chips[0]!.classList.contains('special')).toBe(true);
    const markup = chips.filter((c) => c.classList.contains('markup')).map((c) => c.textContent);
    expect(markup).toContain('<lang>');
    expect(markup.some((m) => /^lang=(English|French|Spanish)$/.test(m ?? ''))).toBe(true);
    // User text that looks like HTML stays text: no element is made, the characters are shown.
    expect(tokens.querySelector('b')).toBeNull();
    const text = chips.filter((c) => c.classList.contains('text')).map((c) => c.textContent).join('');
    expect(text).toContain('␣<b>bold</b>␣');

    run.form.tokenizer = 'char';
    await waitFor(() => expect(value(panel, 'Kind')).toBe('characters'));
    expect(value(panel, 'Characters per token')).toBe('1.00');
    expect(parseFloat(value(panel, 'Tokens per row'))).toBeGreaterThan(bpeTokensPerRow);

    run.form.tokenizer = 'bpe';
    run.form.merges = 50_000;
    await waitFor(() => expect(within(panel).getByText(/out of range/)).toBeTruthy());
    run.form.merges = 40;
    await waitFor(() => expect(value(panel, 'Kind')).toBe('BPE, 40 merges'));
    expect(within(panel).queryByText(/from a checkpoint/)).toBeNull();
    run.startFrom = 'builtin:base';
    await waitFor(() => expect(within(panel).getByText(/from a checkpoint keeps that checkpoint's vocabulary/)).toBeTruthy());
  });
});

/** A data source whose learning the test finishes by hand. */
function heldSource() {
  const calls: { request: TokenizerRequest; onProgress?: (p: LearnProgress) => void; resolve: (r: TokenizerReport) => void; reject: (e: Error) => void }[] = [];
  return {
    calls,
    learnTokenizer(_name: string, request: TokenizerRequest, onProgress?: (p: LearnProgress) => void) {
      return new Promise<TokenizerReport>((resolve, reject) => void calls.push({ request, ...(onProgress ? { onProgress } : {}), resolve, reject }));
    },
  };
}

const report = (merges: number): TokenizerReport => ({
  kind: 'bpe', merges, vocabSize: 400 + merges, meanTokensPerRow: 50, charsPerToken: 3,
  example: { rowId: 'x:1', chips: [{ id: 1, label: '<|BOS|>', kind: 'special' }, { id: 300, label: '␣rain', kind: 'text' }], tokens: 2 },
});

describe('TokenizerPanel while learning', () => {
  it('shows progress, and only the latest request\'s answer or failure', async () => {
    // Fake time: each request is sent exactly when the debounce ends, and "a late answer changes
    // nothing" is checked after a whole (fake) second, not after a few real milliseconds.
    // Only the clocks the panel uses: faking everything (animation frames, performance too) made
    // this test ten times slower here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const source = heldSource();
    const panel = new TokenizerPanelState(source, 'base');
    const run = new TrainForm(new DropoutSettings(), initial);
    run.startFrom = SCRATCH;
    render(TokenizerPanel, { panel, run, categories: null });
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS - 1);
    expect(source.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0]!.request.choice).toEqual({ kind: 'bpe', merges: 2000 });
    source.calls[0]!.onProgress?.({ merges: 500, target: 2000 });
    await tick();
    const status = screen.getByRole('status');
    expect(status.textContent).toContain('Learning BPE merges… 500 / 2,000');
    expect(screen.getByRole('progressbar').getAttribute('value')).toBe('500');

    run.form.merges = 100;
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(source.calls).toHaveLength(2);
    // The first request's late progress and answer are ignored.
    source.calls[0]!.onProgress?.({ merges: 900, target: 2000 });
    source.calls[1]!.resolve(report(100));
    const region = screen.getByRole('region', { name: 'Tokenizer' });
    await vi.advanceTimersByTimeAsync(0);
    expect(value(region, 'Kind')).toBe('BPE, 100 merges');
    source.calls[0]!.resolve(report(2000));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(value(region, 'Kind')).toBe('BPE, 100 merges');
    expect(value(region, 'Vocabulary')).toBe('500 tokens');
    expect(screen.queryByRole('status')).toBeNull();

    // So is a stale failure (the worker cancelling it); the latest request's failure is shown.
    run.form.merges = 200;
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(source.calls).toHaveLength(3);
    run.form.merges = 300;
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS);
    expect(source.calls).toHaveLength(4);
    source.calls[2]!.reject(new Error('learning the tokenizer was cancelled'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status')).toBeTruthy();
    source.calls[3]!.reject(new Error('dataset "base" is not loaded'));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByRole('alert').textContent).toBe('Could not learn the tokenizer: dataset "base" is not loaded');
    expect(screen.queryByRole('status')).toBeNull();
    // The last report stays on show, with its row's tokens.
    expect(within(region).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['<|BOS|>', '␣rain']);
  });
});
