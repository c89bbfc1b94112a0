/**
 * The data worker's API run in-process (it is pure), and DatasetsState's upload on top of it:
 * real parsing, annotation and dropout, no fakes.
 */
import { describe, expect, it } from 'vitest';
import { createDataApi } from '../../workers/data.api';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { DropoutPreviewState, ExampleBrowser } from '../../src/lib/state/row-windows.svelte';
import { DEFAULT_DROPOUT, type DropoutConfig } from '../../src/lib/markers/dropout';

const LANGS = ['English', 'French', 'Spanish'] as const;
const TEXT: Record<(typeof LANGS)[number], string> = {
  English: 'The weather is lovely today and we are going for a long walk in the park.',
  French: "Il fait très beau aujourd'hui et nous allons faire une longue promenade dans le parc.",
  Spanish: 'Hoy hace muy buen tiempo y vamos a dar un largo paseo por el parque.',
};

/** `n` rows cycling through three languages; every fifth prompt mentions volcanoes. */
function jsonl(n: number): Uint8Array {
  const lines = Array.from({ length: n }, (_, i) => {
    const lang = LANGS[i % 3]!;
    const prompt = i % 5 === 0 ? `Tell me about volcanoes, please (${i}).` : `Say something nice (${i}).`;
    return JSON.stringify({ prompt, completion: TEXT[lang], markers: { lang, domain: i % 2 ? 'Culture' : 'Sciences' } });
  });
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** Three rows; line 3's completion is a number. */
const BAD = new TextEncoder().encode(
  [
    JSON.stringify({ prompt: 'a', completion: 'Hello there, friend.' }),
    JSON.stringify({ prompt: 'b', completion: 'Good morning to you.' }),
    JSON.stringify({ prompt: 'c', completion: 3 }),
  ].join('\n'),
);

const config = (over: Partial<DropoutConfig> = {}): DropoutConfig => ({ ...DEFAULT_DROPOUT, overrides: {}, ...over });

describe('DataApi.importFile', () => {
  it('refuses a bad file with its line and field, and keeps nothing', async () => {
    const api = createDataApi();
    const outcome = await api.importFile('bad.jsonl', BAD.slice());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues[0]).toMatchObject({ file: 'bad.jsonl', line: 3, field: 'completion' });
    expect(outcome.message).toContain('line 3');
    await expect(api.rows('bad.jsonl')).rejects.toThrow(/not loaded/);
  });

  it('imports in lenient mode, reporting the skipped line', async () => {
    const outcome = await createDataApi().importFile('bad.jsonl', BAD.slice(), { lenient: true });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.summary.stats.rows).toBe(2);
    expect(outcome.summary.upload).toMatchObject({ fileName: 'bad.jsonl', format: 'jsonl', skippedCount: 1 });
    expect(outcome.summary.upload?.skipped[0]).toMatchObject({ line: 3, field: 'completion' });
  });

  it('keeps a good file under a fresh name, readable by rows()', async () => {
    const api = createDataApi();
    const first = await api.importFile('my.jsonl', jsonl(12));
    const second = await api.importFile('my.jsonl', jsonl(9));
    const third = await api.importFile('teaching', jsonl(3));
    if (!first.ok || !second.ok || !third.ok) throw new Error('import failed');
    expect([first.summary.name, second.summary.name, third.summary.name]).toEqual(['my.jsonl', 'my.jsonl (2)', 'teaching (2)']);
    const { rows, taxonomy } = await api.rows('my.jsonl (2)');
    expect(rows).toHaveLength(9);
    expect(rows[1]!.markers.lang).toBe('French');
    expect(rows[0]!.markers.length_tokens).toBeDefined(); // annotated
    expect(taxonomy.categories.some((c) => c.name === 'lang')).toBe(true);
    const lang = first.summary.stats.categories.find((c) => c.name === 'lang');
    expect(lang?.kind === 'categorical' && lang.values.filter((v) => v.count > 0).map((v) => v.count)).toEqual([4, 4, 4]);
  });
});

describe('DataApi.examples', () => {
  it('filters by marker value and text, and pages', async () => {
    const api = createDataApi();
    await api.importFile('d.jsonl', jsonl(60));
    const french = await api.examples('d.jsonl', { filter: { lang: 'French' }, limit: 7 });
    expect(french.total).toBe(20);
    expect(french.rows).toHaveLength(7);
    expect(french.rows.every((r) => r.markers.lang === 'French')).toBe(true);
    const page3 = await api.examples('d.jsonl', { filter: { lang: 'French' }, offset: 14, limit: 7 });
    expect(page3.rows).toHaveLength(6);
    expect(page3.rows[0]!.id).not.toBe(french.rows[0]!.id);
    const volcano = await api.examples('d.jsonl', { query: '  VOLCANOES ' });
    expect(volcano.total).toBe(12);
    const both = await api.examples('d.jsonl', { query: 'volcanoes', filter: { lang: 'English', domain: 'Sciences' } });
    // i % 5 === 0, i % 3 === 0, i even → i % 30 === 0: rows 0 and 30.
    expect(both.rows.map((r) => r.prompt)).toEqual(['Tell me about volcanoes, please (0).', 'Tell me about volcanoes, please (30).']);
  });
});

describe('DataApi.preview', () => {
  it('keeps every marker in the target, drops from the input only, and re-draws per epoch', async () => {
    const api = createDataApi();
    await api.importFile('d.jsonl', jsonl(60));
    const a = await api.preview('d.jsonl', config(), { count: 4, epoch: 0 });
    expect(a.items).toHaveLength(4);
    expect(a.wrapper).toBe('MARKER_LIST');
    for (const item of a.items) {
      const names = Object.keys(item.row.markers);
      expect([...Object.keys(item.kept), ...item.dropped].sort()).toEqual([...names].sort());
      const targetTags = item.target.filter((p) => p.type === 'tagOpen').length;
      expect(targetTags).toBe(names.length);
      expect(item.input.filter((p) => p.type === 'tagOpen').length).toBe(Object.keys(item.kept).length);
    }
    const b = await api.preview('d.jsonl', config(), { count: 4, epoch: 1 });
    expect(b.items.map((i) => i.row.id)).toEqual(a.items.map((i) => i.row.id));
    expect(b.items.map((i) => i.dropped)).not.toEqual(a.items.map((i) => i.dropped));
    expect(a.totals.rows).toBe(60);
  });

  it('follows the rates and overrides', async () => {
    const api = createDataApi();
    await api.importFile('d.jsonl', jsonl(60));
    const none = await api.preview('d.jsonl', config({ datasetRate: 0, sampleRate: 0 }));
    expect(none.totals.keptMarkers).toBe(none.totals.markers);
    expect(none.items.every((i) => i.dropped.length === 0)).toBe(true);
    const all = await api.preview('d.jsonl', config({ datasetRate: 1, overrides: { lang: 'never' } }));
    expect(all.totals.keptMarkers).toBe(60); // only lang survives, in every prompt
    expect(all.items.every((i) => Object.keys(i.kept).join() === 'lang' && i.datasetLevel)).toBe(true);
    await expect(api.preview('d.jsonl', config({ overrides: { nosuch: 'never' } }))).rejects.toThrow(/unknown category/);
  });

  it('shows the blocks training builds: categorical markers by default, or the categories chosen for the run', async () => {
    const api = createDataApi();
    await api.importFile('d.jsonl', jsonl(60));
    const tax = (await api.rows('d.jsonl')).taxonomy;
    const numeric = new Set(tax.categories.filter((c) => c.kind === 'numeric').map((c) => c.name));
    const byDefault = await api.preview('d.jsonl', config({ datasetRate: 0, sampleRate: 0 }));
    for (const item of byDefault.items) {
      expect(Object.keys(item.row.markers).some((k) => numeric.has(k))).toBe(false);
      expect(Object.keys(item.row.markers)).toContain('lang');
    }
    const chosen = await api.preview('d.jsonl', config({ datasetRate: 0, sampleRate: 0 }), { categories: ['lang'] });
    expect(chosen.items.every((i) => Object.keys(i.kept).join() === 'lang' && i.target.filter((p) => p.type === 'tagOpen').length === 1)).toBe(true);
  });
});

describe('DataApi.importFile with a File', () => {
  /** A File the worker may only read as a stream: reading it whole fails the test. */
  class StreamOnly extends File {
    override arrayBuffer(): Promise<ArrayBuffer> {
      throw new Error('read whole');
    }
    override text(): Promise<string> {
      throw new Error('read whole');
    }
  }

  it('streams it; a bad row deep in it is reported with its line and leaves the dataset under that name as it was', async () => {
    const api = createDataApi();
    const first = await api.importFile('d.jsonl', new StreamOnly([jsonl(20).slice()], 'd.jsonl'), { name: 'd.jsonl' });
    expect(first.ok && first.summary.stats.rows).toBe(20);
    const good = new TextDecoder().decode(jsonl(4000));
    const bad = new StreamOnly([good, JSON.stringify({ prompt: 'late', completion: null }), '\n'], 'd.jsonl');
    const outcome = await api.importFile('d.jsonl', bad, { name: 'd.jsonl' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.issues[0]).toMatchObject({ file: 'd.jsonl', line: 4001, field: 'completion' });
    expect((await api.rows('d.jsonl')).rows.length).toBe(20);
  });

  it('streams a CSV the same way: a bad row deep in it names file, line and field, and the dataset stays as it was', async () => {
    const api = createDataApi();
    const csv = (n: number): string => 'prompt,completion,lang\r\n' +
      Array.from({ length: n }, (_, i) => `"Question ${i},\r\non two lines?",${TEXT[LANGS[i % 3]!]},${LANGS[i % 3]}\r\n`).join('');
    const first = await api.importFile('d.csv', new StreamOnly([csv(20)], 'd.csv'), { name: 'd.csv' });
    expect(first.ok && first.summary.upload?.format).toBe('csv');
    expect(first.ok && first.summary.stats.rows).toBe(20);
    const bad = new StreamOnly([csv(4000), '"late\r\nquestion",,French\r\n'], 'd.csv');
    const outcome = await api.importFile('d.csv', bad, { name: 'd.csv' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.issues[0]).toMatchObject({ file: 'd.csv', line: 8002, field: 'completion' });
    const { rows } = await api.rows('d.csv');
    expect(rows.length).toBe(20);
    expect(rows[19]).toMatchObject({ id: 'd.csv:40', prompt: 'Question 19,\r\non two lines?' });
  });
});

describe('DatasetsState.uploads.upload', () => {
  function file(name: string, bytes: Uint8Array): File {
    return new File([bytes.slice()], name);
  }

  it('adds and selects a good file; a bad one changes nothing but the error', async () => {
    const api = createDataApi();
    const state = new DatasetsState({ ...api, builtins: () => [{ name: 'x', title: 'X', description: '', rows: 12 }], loadBuiltin: async () => {
      const out = await api.importFile('x', jsonl(12));
      if (!out.ok) throw new Error(out.message);
      return out.summary;
    } });
    await state.start();
    expect(state.selected).toBe('x');
    const before = state.summaries;

    await state.uploads.upload(file('bad.jsonl', BAD));
    expect(state.uploads.uploadError?.issues[0]).toMatchObject({ line: 3, field: 'completion' });
    expect(state.selected).toBe('x');
    expect(state.summaries).toBe(before);
    expect(state.entries.map((e) => e.name)).toEqual(['x']);

    await state.uploads.upload(file('good.jsonl', jsonl(6)));
    expect(state.uploads.uploadError).toBeNull();
    expect(state.selected).toBe('good.jsonl');
    expect(state.current?.stats.rows).toBe(6);
    await state.uploads.upload(file('good.jsonl', jsonl(3)));
    expect(state.entries.map((e) => [e.name, e.rows, e.uploaded])).toEqual([
      ['x', 12, false], ['good.jsonl', 6, true], ['good.jsonl (2)', 3, true],
    ]);
    expect(state.summaries.x).toBe(before.x);
  });

  it('browser and preview states ask the worker and keep the last answer', async () => {
    const api = createDataApi();
    await api.importFile('d.jsonl', jsonl(45));
    const browser = new ExampleBrowser(api, 'd.jsonl', 10);
    browser.filterCategory = 'lang';
    await browser.load();
    expect(browser.total).toBe(45); // category without a value: no filter yet
    browser.filterValue = 'Spanish';
    browser.page = 1;
    await browser.load();
    expect([browser.total, browser.pages, browser.rows.length]).toEqual([15, 2, 5]);

    const preview = new DropoutPreviewState(api, 'd.jsonl', 3);
    await preview.load(config());
    const first = preview.result;
    preview.reroll();
    await preview.load(config());
    expect(preview.epoch).toBe(1);
    expect(preview.result?.items.map((i) => i.dropped)).not.toEqual(first?.items.map((i) => i.dropped));
    await preview.load(config({ sampleRate: 2 }));
    expect(preview.error).toMatch(/sampleRate/);
  });
});
