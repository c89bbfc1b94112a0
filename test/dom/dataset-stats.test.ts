import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DatasetPicker from '../../src/ui/data/DatasetPicker.svelte';
import DatasetStatsPanel from '../../src/ui/data/DatasetStatsPanel.svelte';
import { DatasetsState, type DataSource } from '../../src/lib/state/datasets.svelte';
import { prepareDataset } from '../../src/lib/data/pipeline';
import { defaultTaxonomy } from '../../src/lib/markers/taxonomy';
import type { Row } from '../../src/lib/data/types';
import { createDataApi, type DatasetSummary } from '../../workers/data.api';

afterEach(cleanup);

/** A small real dataset run through the real pipeline: 20 English rows, 1 French (the tail). */
function summary(name: string): DatasetSummary {
  const rows: Row[] = Array.from({ length: 21 }, (_, i) => ({
    id: `${name}:${i}`,
    prompt: 'Say something.',
    completion: i === 20 ? 'Bonjour à tous, voici une phrase en français.' : `Sentence number ${i} is written in plain English.`,
    markers: { lang: i === 20 ? 'French' : 'English', domain: i % 2 ? 'Culture' : 'Sciences' },
  }));
  const ds = prepareDataset(name, rows, defaultTaxonomy());
  return { name, title: `Set ${name}`, description: `About ${name}.`, stats: ds.stats, tail: ds.tail };
}

function source(): DataSource & { loads: string[] } {
  const loads: string[] = [];
  return {
    ...createDataApi(),
    loads,
    builtins: () => [
      { name: 'a', title: 'Set a', description: '', rows: 21 },
      { name: 'b', title: 'Set b', description: '', rows: 21 },
    ],
    loadBuiltin: (name) => {
      loads.push(name);
      return Promise.resolve(summary(name));
    },
  };
}

describe('DatasetStatsPanel', () => {
  it('draws one histogram per present category and marks the long tail', () => {
    render(DatasetStatsPanel, { summary: summary('a') });
    const lang = screen.getByRole('figure', { name: /<lang>/ });
    const items = within(lang).getAllByRole('listitem');
    expect(items.map((li) => li.getAttribute('aria-label'))).toEqual([
      'English: 20 rows (95%)',
      'French: 1 rows (4.8%), long tail',
    ]);
    expect(screen.getByRole('figure', { name: /<length_tokens>/ })).toBeTruthy();
    expect(screen.queryByRole('figure', { name: /<code_type>/ })).toBeNull();
    expect(screen.getByText(/Not present in this dataset/).textContent).toContain('<code_type>');
    expect(screen.getByText('Long tail here:').parentElement?.textContent?.replace(/\s+/g, ' ')).toContain('lang French 4.8%');
  });

  it('shows user text as text, never as markup', () => {
    const s = summary('a');
    s.description = '<img src=x onerror="alert(1)"> <lang>French</lang>';
    const { container } = render(DatasetStatsPanel, { summary: s });
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText(/<img src=x/)).toBeTruthy();
  });
});

describe('DatasetsState with DatasetPicker', () => {
  it('loads the first dataset, switches on click, and caches summaries', async () => {
    const src = source();
    const state = new DatasetsState(src);
    render(DatasetPicker, { datasets: state });
    await state.start();
    expect(state.current?.title).toBe('Set a');
    const radios = await screen.findAllByRole('radio');
    expect(radios.map((r) => (r as HTMLInputElement).checked)).toEqual([true, false]);
    await fireEvent.click(screen.getByRole('radio', { name: /Set b/ }));
    await Promise.resolve();
    expect(state.selected).toBe('b');
    await state.select('a');
    expect(src.loads).toEqual(['a', 'b']);
  });

  it('keeps an error for display instead of throwing', async () => {
    const state = new DatasetsState({
      ...createDataApi(),
      builtins: () => [{ name: 'x', title: 'X', description: '', rows: 1 }],
      loadBuiltin: () => Promise.reject(new Error('HTTP 404')),
    });
    await state.start();
    expect(state.error).toBe('Could not load "x": HTTP 404');
    expect(state.loading).toBeNull();
  });
});
