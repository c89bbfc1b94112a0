/** The Data view over the real data API (in-process): upload, example browser, dropout preview. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DataView from '../../src/ui/data/DataView.svelte';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { DropoutSettings } from '../../src/lib/state/dropout.svelte';
import { TrainForm } from '../../src/lib/state/train-form.svelte';
import { createDataApi } from '../../workers/data.api';

afterEach(cleanup);

const LANGS = ['English', 'French', 'Spanish'] as const;
const TEXT: Record<(typeof LANGS)[number], string> = {
  English: 'The weather is lovely today and we are going for a long walk in the park. '.repeat(5),
  French: "Il fait très beau aujourd'hui et nous allons faire une longue promenade dans le parc.",
  Spanish: 'Hoy hace muy buen tiempo y vamos a dar un largo paseo por el parque.',
};

function jsonl(n: number, name = 'row'): Uint8Array {
  const lines = Array.from({ length: n }, (_, i) => {
    const lang = LANGS[i % 3]!;
    return JSON.stringify({ prompt: `Say something, ${name} ${i}.`, completion: TEXT[lang], markers: { lang } });
  });
  return new TextEncoder().encode(lines.join('\n'));
}

/** A DatasetsState whose one "built-in" is an in-memory file of 45 rows. */
async function setup() {
  const api = createDataApi();
  const datasets = new DatasetsState({
    ...api,
    builtins: () => [{ name: 'base', title: 'Base set', description: '', rows: 45 }],
    loadBuiltin: async () => {
      const out = await api.importFile('base', jsonl(45, 'base'));
      if (!out.ok) throw new Error(out.message);
      return { ...out.summary, title: 'Base set' };
    },
  });
  const dropout = new DropoutSettings();
  const run = new TrainForm(dropout, { preset: 'nano', steps: 10, batchSize: 4, lr: 0.01 });
  render(DataView, { datasets, dropout, run });
  await datasets.start();
  await screen.findByRole('figure', { name: /<lang>/ });
  return { datasets, dropout };
}

function upload(name: string, bytes: Uint8Array): Promise<boolean> {
  const input = screen.getByLabelText('Upload a dataset file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [new File([bytes.slice()], name)], configurable: true });
  return fireEvent.change(input);
}

describe('DataView upload', () => {
  it('shows a bad file’s line and field next to the upload and keeps the dataset shown', async () => {
    const { datasets } = await setup();
    const bad = new TextEncoder().encode('{"prompt":"a","completion":"ok then"}\n{"prompt":"b","completion":"fine"}\n{"prompt":"c","completion":3}\n');
    await upload('bad.jsonl', bad);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('bad.jsonl line 3, field "completion"');
    expect(alert.textContent).toContain('Nothing was added');
    expect(datasets.selected).toBe('base');
    expect((screen.getByRole('radio', { name: /Base set/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getAllByRole('radio')).toHaveLength(1);
    expect(screen.getByRole('heading', { level: 2, name: 'Base set' })).toBeTruthy();
  });

  it('adds a good file to the picker, selects it and shows its stats', async () => {
    await setup();
    await upload('mine.jsonl', jsonl(6, 'mine'));
    const radio = await screen.findByRole('radio', { name: /mine\.jsonl.*6 rows · uploaded/ });
    expect((radio as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('heading', { level: 2, name: 'mine.jsonl' })).toBeTruthy();
    expect(screen.getByText(/Read/).textContent).toContain('as JSONL');
    const lang = screen.getByRole('figure', { name: /<lang>/ });
    expect(within(lang).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual([
      'English: 2 rows (33%)', 'French: 2 rows (33%)', 'Spanish: 2 rows (33%)',
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('DataView drop zone', () => {
  it('takes a file dropped on the zone', async () => {
    const { datasets } = await setup();
    const zone = screen.getByRole('group', { name: 'Upload a dataset' });
    await fireEvent.dragOver(zone);
    expect(zone.classList.contains('dragging')).toBe(true);
    await fireEvent.drop(zone, { dataTransfer: { files: [new File([jsonl(4, 'dropped').slice()], 'dropped.csv.jsonl')] } });
    await screen.findByRole('radio', { name: /dropped\.csv\.jsonl/ });
    expect(datasets.selected).toBe('dropped.csv.jsonl');
    expect(zone.classList.contains('dragging')).toBe(false);
  });
});

describe('DataView example browser', () => {
  it('filters by marker value, pages, searches and expands long completions', async () => {
    await setup();
    const list = screen.getByRole('list', { name: 'Examples' });
    await waitFor(() => expect(within(list).getAllByRole('article')).toHaveLength(20));
    expect(screen.getByText(/Examples 1–20 of 45/)).toBeTruthy();

    await fireEvent.change(screen.getByLabelText('Filter by marker'), { target: { value: 'lang' } });
    await fireEvent.change(screen.getByLabelText('Marker value'), { target: { value: 'French' } });
    await waitFor(() => expect(screen.getByText(/Examples 1–15 of 15/)).toBeTruthy());
    const chips = within(list).getAllByRole('listitem').filter((li) => li.getAttribute('aria-label')?.startsWith('lang:'));
    expect(chips).toHaveLength(15);
    expect(new Set(chips.map((c) => c.getAttribute('aria-label')))).toEqual(new Set(['lang: French']));
    expect(screen.queryByRole('navigation', { name: 'Example pages' })).toBeNull();

    await fireEvent.change(screen.getByLabelText('Marker value'), { target: { value: '' } });
    await waitFor(() => expect(screen.getByText(/of 45/)).toBeTruthy());
    await fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getByText(/Examples 21–40 of 45/)).toBeTruthy();
    // Ids are file:line; row 20 (0-based) is on line 21.
    await waitFor(() => expect(within(list).getAllByRole('article')[0]!.getAttribute('aria-label')).toBe('Example base:21'));

    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'base 7.' } });
    await waitFor(() => expect(screen.getByText(/Examples 1–1 of 1/)).toBeTruthy());
    expect(within(list).getByRole('article').getAttribute('aria-label')).toBe('Example base:8');

    await fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'base 9.' } });
    await waitFor(() => expect(within(list).getByRole('article').getAttribute('aria-label')).toBe('Example base:10'));
    const more = within(list).getByRole('button', { name: /Show the whole completion/ });
    expect(within(list).getByRole('article').textContent).not.toContain(TEXT.English.trim());
    await fireEvent.click(more);
    expect(within(list).getByRole('article').textContent).toContain(TEXT.English.trim());
    expect(more.getAttribute('aria-expanded')).toBe('true');
  });
});

describe('DataView dropout preview', () => {
  function previews(): string[] {
    return within(screen.getByRole('list', { name: 'Dropout preview examples' }))
      .getAllByRole('article')
      .map((a) => a.textContent ?? '');
  }

  it('binds the sliders to the shared settings and shows input vs target', async () => {
    const { dropout } = await setup();
    await waitFor(() => expect(previews()).toHaveLength(4));
    await fireEvent.input(screen.getByRole('slider', { name: /Dataset-level dropout/ }), { target: { value: '0' } });
    await fireEvent.input(screen.getByRole('slider', { name: /Sample-level dropout/ }), { target: { value: '0' } });
    expect([dropout.datasetRate, dropout.sampleRate]).toEqual([0, 0]);
    await waitFor(() => expect(screen.getByText(/0% of prompts\s+carry no markers/)).toBeTruthy());
    const list = screen.getByRole('list', { name: 'Dropout preview examples' });
    expect(within(list).queryAllByRole('list', { name: /Dropped markers/ })).toHaveLength(0);

    await fireEvent.input(screen.getByRole('slider', { name: /Dataset-level dropout/ }), { target: { value: '1' } });
    await waitFor(() => expect(screen.getByText(/100% of prompts\s+carry no markers/)).toBeTruthy());
    // Every prompt lost its block, every target keeps it.
    expect(within(list).queryAllByRole('list', { name: /Prompt markers/ })).toHaveLength(0);
    expect(within(list).getAllByRole('list', { name: /Target markers/ })).toHaveLength(4);
    expect(within(list).getAllByRole('list', { name: /Dropped markers/ })).toHaveLength(4);
  });

  it('gives the paper\'s 3 % / 75 % inferred-domain accuracy as the paper\'s figures, not as measured here', async () => {
    await setup();
    const section = screen.getByRole('region', { name: 'Marker dropout preview' });
    const paper = within(section).getByText(/inferred-domain accuracy/).textContent!.replace(/\s+/g, ' ');
    expect(paper).toContain('the paper measured 3% inferred-domain accuracy at X = 0%, against 75% at X = 50% (its figures, on its models; the Experiments tab measures them here)');
  });

  it('re-rolls to a fresh draw and honours a "never" override', async () => {
    const { dropout } = await setup();
    await waitFor(() => expect(previews()).toHaveLength(4));
    const before = previews();
    await fireEvent.click(screen.getByRole('button', { name: 'Re-roll dropout' }));
    await waitFor(() => expect(screen.getByText('epoch 1')).toBeTruthy());
    await waitFor(() => expect(previews()).not.toEqual(before));

    await fireEvent.change(screen.getByRole('combobox', { name: 'Dropout override for lang' }), { target: { value: 'never' } });
    expect(dropout.overrides).toEqual({ lang: 'never' });
    await fireEvent.input(screen.getByRole('slider', { name: /Dataset-level dropout/ }), { target: { value: '1' } });
    const list = screen.getByRole('list', { name: 'Dropout preview examples' });
    await waitFor(() => expect(within(list).getAllByRole('list', { name: /Prompt markers/ })).toHaveLength(4));
    for (const kept of within(list).getAllByRole('list', { name: /Prompt markers/ })) {
      expect(within(kept).getAllByRole('listitem').map((li) => li.getAttribute('aria-label')?.split(':')[0])).toEqual(['lang']);
    }

    await fireEvent.change(screen.getByRole('combobox', { name: 'Dropout override for lang' }), { target: { value: 'rate' } });
    expect(dropout.overrides).toEqual({ lang: 0.5 });
    await fireEvent.input(screen.getByRole('slider', { name: 'Dropout rate for lang' }), { target: { value: '0.2' } });
    expect(dropout.overrides).toEqual({ lang: 0.2 });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Dropout override for lang' }), { target: { value: 'default' } });
    expect(dropout.overrides).toEqual({});
  });
});
