/**
 * Uploads kept in the browser, seen through DatasetsState and the Data view over the real data API
 * (in-process) and the in-memory upload store: a "reload" is a new state and a new data API over
 * the same store. The IndexedDB store itself is tested in real Chromium (test/browser/upload-store).
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import DataView from '../../src/ui/data/DataView.svelte';
import { DatasetsState, freeName, type DataSource } from '../../src/lib/state/datasets.svelte';
import { DropoutSettings } from '../../src/lib/state/dropout.svelte';
import { TrainForm } from '../../src/lib/state/train-form.svelte';
import { MemoryUploadStore, UploadStoreError, storageProblem, type NewUpload, type StoredUpload } from '../../src/lib/data/upload-store';
import { createDataApi } from '../../workers/data.api';

afterEach(cleanup);

const LANGS = ['English', 'French', 'Spanish'] as const;
const TEXT = {
  English: 'The weather is lovely today and we are going for a long walk in the park.',
  French: "Il fait très beau aujourd'hui et nous allons faire une longue promenade dans le parc.",
  Spanish: 'Hoy hace muy buen tiempo y vamos a dar un largo paseo por el parque.',
};

function jsonl(n: number, tag: string, extra: string[] = []): Uint8Array {
  const lines = Array.from({ length: n }, (_, i) => {
    const lang = LANGS[i % 3]!;
    return JSON.stringify({ prompt: `Say something, ${tag} ${i}.`, completion: `${TEXT[lang]} ${'More. '.repeat(i)}`, markers: { lang } });
  });
  return new TextEncoder().encode([...lines, ...extra].join('\n'));
}

/** The page's data side as a reload builds it: a fresh data API over `store`. */
function page(store: MemoryUploadStore | null): { datasets: DatasetsState; api: ReturnType<typeof createDataApi> } {
  const api = createDataApi();
  const source: DataSource = {
    ...api,
    builtins: () => [{ name: 'base', title: 'Base set', description: '', rows: 9 }],
    loadBuiltin: async () => {
      const out = await api.importFile('base', jsonl(9, 'base'), { name: 'base' });
      if (!out.ok) throw new Error(out.message);
      return { ...out.summary, title: 'Base set' };
    },
  };
  return { datasets: new DatasetsState(source, store), api };
}

function file(name: string, bytes: Uint8Array): File {
  return new File([bytes.slice()], name);
}

/** Counts file reads: listing must not read any. */
class CountingStore extends MemoryUploadStore {
  reads: string[] = [];
  override async read(name: string): Promise<Uint8Array> {
    this.reads.push(name);
    return super.read(name);
  }
}

describe('DatasetsState keeps uploads', () => {
  it('a stored upload comes back after a reload exactly as it was annotated, lenient skips included', async () => {
    const store = new CountingStore();
    const first = page(store);
    await first.datasets.start();
    first.datasets.uploads.lenient = true;
    await first.datasets.uploads.upload(file('mine.jsonl', jsonl(12, 'mine', ['{"prompt": "x", "completion": 3}'])));
    expect(first.datasets.uploads.storeError).toBeNull();
    const before = first.datasets.current!;
    expect(before.upload?.skippedCount).toBe(1);
    const rowsBefore = await first.api.rows('mine.jsonl');

    const second = page(store);
    await second.datasets.start();
    // Listed from the summary alone, next to the built-in; nothing read yet.
    expect(second.datasets.entries.map((e) => [e.name, e.rows, e.uploaded, e.stored ?? null])).toEqual([
      ['base', 9, false, null], ['mine.jsonl', 12, true, true],
    ]);
    expect(store.reads).toEqual([]);

    const third = page(store);
    third.datasets.uploads.lenient = false; // the stored upload keeps its own import mode
    await third.datasets.start('mine.jsonl');
    expect(store.reads).toEqual(['mine.jsonl']);
    expect(third.datasets.selected).toBe('mine.jsonl');
    expect(third.datasets.error).toBeNull();
    expect(third.datasets.current).toEqual(before);
    expect(await third.api.rows('mine.jsonl')).toEqual(rowsBefore);
  });

  it('an upload with a taken name is kept beside the stored one, which stays byte for byte', async () => {
    const store = new MemoryUploadStore();
    const original = jsonl(6, 'first');
    // Two tabs open at once: the second listed the store before the first stored its upload.
    const first = page(store);
    const second = page(store);
    await first.datasets.start();
    await second.datasets.start();
    await first.datasets.uploads.upload(file('mine.jsonl', original));
    await second.datasets.uploads.upload(file('mine.jsonl', jsonl(3, 'second')));
    expect(second.datasets.selected).toBe('mine.jsonl (2)');
    expect(second.datasets.uploads.uploadNote).toMatch(/“mine\.jsonl” is already here, so this one is “mine\.jsonl \(2\)”/);
    expect((await store.list()).map((u) => [u.name, u.fileName, u.rows])).toEqual([['mine.jsonl', 'mine.jsonl', 6], ['mine.jsonl (2)', 'mine.jsonl', 3]]);
    expect(await store.read('mine.jsonl')).toEqual(original);
    await second.datasets.select('mine.jsonl');
    expect(second.datasets.current?.stats.rows).toBe(6);
  });

  it('a bad upload of a stored name changes nothing stored or shown', async () => {
    const store = new MemoryUploadStore();
    const { datasets } = page(store);
    await datasets.start();
    await datasets.uploads.upload(file('mine.jsonl', jsonl(6, 'mine')));
    const shown = datasets.current;
    await datasets.uploads.upload(file('mine.jsonl', new TextEncoder().encode('{"prompt": "a", "completion": 1}')));
    expect(datasets.uploads.uploadError?.issues[0]).toMatchObject({ line: 1, field: 'completion' });
    expect(datasets.current).toBe(shown);
    expect((await store.list()).map((u) => u.name)).toEqual(['mine.jsonl']);
    expect(await store.read('mine.jsonl')).toEqual(jsonl(6, 'mine'));
  });

  it('storage full: the upload stays open in this tab, the reason is given in words, a reload does not list it', async () => {
    class FullStore extends MemoryUploadStore {
      override async add(): Promise<StoredUpload> {
        throw storageProblem(new DOMException('The quota has been exceeded.', 'QuotaExceededError'), 1234);
      }
    }
    const store = new FullStore();
    const { datasets } = page(store);
    await datasets.start();
    await datasets.uploads.upload(file('mine.jsonl', jsonl(6, 'mine')));
    expect(datasets.selected).toBe('mine.jsonl');
    expect(datasets.current?.stats.rows).toBe(6);
    expect(datasets.uploads.uploadError).toBeNull();
    expect(datasets.uploads.storeError).toBe('“mine.jsonl” is open, but it could not be kept in this browser: the browser\'s storage for this site is full '
      + '(no room for 1.2 KB); delete uploads or checkpoints you no longer need. It will be gone after a reload.');
    expect(datasets.entries.at(-1)).toMatchObject({ name: 'mine.jsonl', stored: false });
    expect(await store.list()).toEqual([]);
  });

  it('a damaged stored copy is told in words and the dataset shown stays shown', async () => {
    class DamagedStore extends MemoryUploadStore {
      #notices: string[] = [];
      override async read(name: string): Promise<Uint8Array> {
        this.#notices.push(`The stored upload "${name}" could not be read (its file is missing); it was kept aside`);
        throw new UploadStoreError('unreadable', 'its stored copy is damaged (its file is missing); it was kept aside, not deleted');
      }
      override takeNotices(): string[] {
        return this.#notices.splice(0);
      }
    }
    const store = new DamagedStore();
    await store.add({ name: 'mine.jsonl', fileName: 'mine.jsonl', lenient: false, rows: 6 } satisfies NewUpload, jsonl(6, 'mine'));
    const { datasets } = page(store);
    await datasets.start();
    await datasets.select('mine.jsonl');
    expect(datasets.error).toBe('Could not load "mine.jsonl": its stored copy is damaged (its file is missing); it was kept aside, not deleted');
    expect(datasets.selected).toBe('base');
    expect(datasets.current?.name).toBe('base');
    expect(datasets.uploads.notices).toEqual(['The stored upload "mine.jsonl" could not be read (its file is missing); it was kept aside']);
  });

  it('a link to an upload this browser does not have says so and shows the first built-in', async () => {
    const { datasets } = page(new MemoryUploadStore());
    await datasets.start('theirs.jsonl');
    expect(datasets.selected).toBe('base');
    expect(datasets.uploads.notices).toEqual([
      'The link names the dataset “theirs.jsonl”, which is not stored in this browser (uploads stay in the browser they were made in); showing “base” instead.',
    ]);
  });

  it('a failed delete changes nothing but the error', async () => {
    class LockedStore extends MemoryUploadStore {
      override async delete(): Promise<void> {
        throw storageProblem(new DOMException('aborted', 'AbortError'));
      }
    }
    const store = new LockedStore();
    const { datasets } = page(store);
    await datasets.start();
    await datasets.uploads.upload(file('mine.jsonl', jsonl(6, 'mine')));
    await datasets.remove('mine.jsonl');
    expect(datasets.error).toMatch(/^Could not delete “mine\.jsonl”: the browser's storage is not available right now \(aborted\)/);
    expect(datasets.selected).toBe('mine.jsonl');
    expect(datasets.entries.map((e) => e.name)).toEqual(['base', 'mine.jsonl']);
  });
});

describe('data worker names', () => {
  it('an import under a name that held other rows forgets that name\'s tokenizers', async () => {
    const api = createDataApi();
    const request = { choice: { kind: 'char' as const }, valFraction: 0, seed: 1 };
    await api.importFile('x.jsonl', jsonl(6, 'short'), { name: 'x.jsonl' });
    const before = await api.learnTokenizer('x.jsonl', request);
    await api.importFile('x.jsonl', jsonl(6, 'ΩΨΦ ЖЯЮ'), { name: 'x.jsonl' });
    const after = await api.learnTokenizer('x.jsonl', request);
    // Learned on the new rows: their six new letters are in the vocabulary.
    expect(after.vocabSize).toBe(before.vocabSize + 6);
    api.forget('x.jsonl');
    await expect(api.rows('x.jsonl')).rejects.toThrow(/not loaded/);
  });
});

describe('freeName', () => {
  it('keeps a free name, else the first free numbered one', () => {
    expect(freeName('a.csv', new Set(['b']))).toBe('a.csv');
    expect(freeName('a.csv', new Set(['a.csv', 'a.csv (2)']))).toBe('a.csv (3)');
  });
});

describe('DataView with kept uploads', () => {
  async function view(store: MemoryUploadStore, initial?: string) {
    const { datasets, api } = page(store);
    const dropout = new DropoutSettings();
    const run = new TrainForm(dropout, { preset: 'nano', steps: 10, batchSize: 4, lr: 0.01 });
    render(DataView, { datasets, dropout, run });
    await datasets.start(initial);
    return { datasets, api };
  }

  it('lists a stored upload after a reload and opens it from the picker', async () => {
    const store = new MemoryUploadStore();
    await page(store).datasets.uploads.upload(file('mine.jsonl', jsonl(6, 'mine')));
    const { datasets } = await view(store);
    const radio = await screen.findByRole('radio', { name: /mine\.jsonl.*6 rows · uploaded/ });
    await fireEvent.click(radio);
    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: 'mine.jsonl' })).toBeTruthy());
    expect(datasets.selected).toBe('mine.jsonl');
  });

  it('deletes an upload only after the confirmation, from the page and the store', async () => {
    const store = new MemoryUploadStore();
    const { datasets, api } = await view(store);
    await datasets.uploads.upload(file('mine.jsonl', jsonl(6, 'mine')));
    await fireEvent.click(await screen.findByRole('button', { name: 'Delete mine.jsonl' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete mine.jsonl?' });
    expect(dialog.textContent).toContain('Delete “mine.jsonl” from this browser?');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect((await store.list()).map((u) => u.name)).toEqual(['mine.jsonl']);

    await fireEvent.click(screen.getByRole('button', { name: 'Delete mine.jsonl' }));
    await fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('radio', { name: /mine\.jsonl/ })).toBeNull());
    expect(await store.list()).toEqual([]);
    expect(datasets.selected).toBe('base');
    await expect(api.rows('mine.jsonl')).rejects.toThrow(/not loaded/);
  });

  it('shows storage trouble and notices as text, never as markup', async () => {
    class FullStore extends MemoryUploadStore {
      override async add(): Promise<StoredUpload> {
        throw storageProblem(new DOMException('full', 'QuotaExceededError'));
      }
    }
    const evil = '<img src=x onerror="alert(1)">.jsonl';
    const { datasets } = await view(new FullStore(), '<b>bold</b>');
    await datasets.uploads.upload(file(evil, jsonl(3, 'evil')));
    expect(screen.getByRole('alert').textContent).toContain(`“${evil}” is open, but it could not be kept in this browser: the browser's storage for this site is full`);
    expect(screen.getByRole('status', { name: 'Stored datasets' }).textContent).toContain('The link names the dataset “<b>bold</b>”');
    expect(screen.getByRole('radio', { name: /onerror.*this tab only/ })).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('status', { name: 'Stored datasets' })).toBeNull();
  });
});
