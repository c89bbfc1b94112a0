/**
 * Uploads kept in real IndexedDB, in Chromium. A reload is a new data worker, a new store
 * connection and a new DatasetsState: the upload a link names comes back annotated exactly as
 * before. Then the store's own rules: adding never replaces, damaged records are kept aside with
 * a notice, another tab hears of changes, names are chosen one tab at a time, and a newer version
 * in another tab is told in words.
 */
import * as Comlink from 'comlink';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataApi } from '../../workers/data.api';
import { DatasetsState } from '../../src/lib/state/datasets.svelte';
import { IdbUploadStore, UPLOAD_DB, type NewUpload } from '../../src/lib/data/upload-store';

const names: string[] = [];
const closers: Array<() => unknown> = [];
function freshName(): string {
  const name = `markerlab-uploads-test-${Date.now()}-${names.length}`;
  names.push(name);
  return name;
}
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const name of names.splice(0)) await deleteDB(name);
});

/** One page load: its own data worker and its own connection to the uploads database. */
function load(dbName: string): { datasets: DatasetsState; api: Comlink.Remote<DataApi>; close: () => Promise<void> } {
  const worker = new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<DataApi>(worker);
  const store = new IdbUploadStore({ dbName });
  const datasets = new DatasetsState(api, store);
  const close = async (): Promise<void> => {
    datasets.dispose();
    await store.close();
    worker.terminate();
  };
  closers.push(close);
  return { datasets, api, close };
}

const LANGS = ['English', 'French', 'Spanish'];
const TEXT = [
  'The weather is lovely today and we are going for a long walk in the park.',
  "Il fait très beau aujourd'hui et nous allons faire une longue promenade dans le parc.",
  'Hoy hace muy buen tiempo y vamos a dar un largo paseo por el parque.',
];
function jsonl(n: number, tag: string): Uint8Array {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ prompt: `Say something, ${tag} ${i}.`, completion: `${TEXT[i % 3]} ${'Again. '.repeat(i)}`, ...(i % 4 === 0 ? { markers: { lang: LANGS[i % 3] } } : {}) }));
  return new TextEncoder().encode(lines.join('\n'));
}
const upload = (name: string, rows: number): NewUpload => ({ name, fileName: name, lenient: false, rows });

describe('an uploaded dataset survives a reload', () => {
  it('is listed next to the built-ins and a link naming it restores it, annotated identically', async () => {
    const dbName = freshName();
    const before = load(dbName);
    await before.datasets.uploads.upload(new File([jsonl(30, 'mine').slice()], 'mine.csv.jsonl'));
    expect(before.datasets.uploads.uploadError).toBeNull();
    expect(before.datasets.uploads.storeError).toBeNull();
    const summary = before.datasets.current!;
    expect(summary.stats.rows).toBe(30);
    const rows = await before.api.rows('mine.csv.jsonl');
    const page = await before.api.examples('mine.csv.jsonl', { query: 'mine 7', limit: 5 });
    await before.close();

    const after = load(dbName);
    await after.datasets.start('mine.csv.jsonl');
    expect(after.datasets.error).toBeNull();
    expect(after.datasets.uploads.notices).toEqual([]);
    expect(after.datasets.selected).toBe('mine.csv.jsonl');
    const listed = after.datasets.entries;
    expect(listed.filter((e) => !e.uploaded).length).toBeGreaterThan(0);
    expect(listed.filter((e) => e.uploaded)).toEqual([{ name: 'mine.csv.jsonl', title: 'mine.csv.jsonl', rows: 30, uploaded: true, stored: true }]);
    expect(after.datasets.current).toEqual(summary);
    expect(await after.api.rows('mine.csv.jsonl')).toEqual(rows);
    expect(await after.api.examples('mine.csv.jsonl', { query: 'mine 7', limit: 5 })).toEqual(page);

    // Deleted: gone from the next load too, and the link then says so.
    await after.datasets.remove('mine.csv.jsonl');
    await after.close();
    const later = load(dbName);
    await later.datasets.uploads.refresh();
    expect(later.datasets.uploads.entries).toEqual([]);
  });
});

describe('IdbUploadStore', () => {
  it('keeps summaries and files across connections; adding never replaces; delete forgets both', async () => {
    const a = new IdbUploadStore({ dbName: freshName() });
    closers.push(() => a.close());
    const bytes = jsonl(3, 'a');
    const saved = await a.add(upload('a.jsonl', 3), bytes);
    expect(saved).toMatchObject({ version: 1, name: 'a.jsonl', sizeBytes: bytes.length, rows: 3 });
    await expect(a.add(upload('a.jsonl', 1), jsonl(1, 'b'))).rejects.toMatchObject({ kind: 'taken' });
    await a.close();
    const b = new IdbUploadStore({ dbName: a.dbName });
    closers.push(() => b.close());
    expect(await b.list()).toEqual([saved]);
    expect(await b.read('a.jsonl')).toEqual(bytes);
    await b.delete('a.jsonl');
    expect(await b.list()).toEqual([]);
    await expect(b.read('a.jsonl')).rejects.toMatchObject({ kind: 'missing' });
  });

  it('stores only the bytes of a view, not the whole buffer behind it', async () => {
    const a = new IdbUploadStore({ dbName: freshName() });
    closers.push(() => a.close());
    const big = new Uint8Array(1000).fill(65);
    await a.add(upload('v.jsonl', 1), big.subarray(10, 20));
    expect((await a.read('v.jsonl')).byteLength).toBe(10);
  });

  it('keeps damaged records aside with the reason, says so, and still lists the readable ones', async () => {
    const a = new IdbUploadStore({ dbName: freshName() });
    closers.push(() => a.close());
    await a.add(upload('good.jsonl', 3), jsonl(3, 'g'));
    await a.add(upload('short.jsonl', 3), jsonl(3, 's'));
    await a.close();
    const raw = await openDB(a.dbName, 1);
    await raw.put('uploads', { version: 2, name: 'future.jsonl' }, 'future.jsonl');
    await raw.put('upload-files', new Uint8Array([1, 2, 3]), 'future.jsonl');
    await raw.put('upload-files', new Uint8Array(5), 'short.jsonl'); // no longer the size its summary says
    raw.close();

    const b = new IdbUploadStore({ dbName: a.dbName });
    closers.push(() => b.close());
    expect((await b.list()).map((u) => u.name)).toEqual(['good.jsonl', 'short.jsonl']);
    expect(b.takeNotices()).toEqual([
      `The stored upload "future.jsonl" could not be read (format version 2, this version reads 1); it was kept aside in the "quarantine" store of the ${a.dbName} database, not deleted.`,
    ]);
    await expect(b.read('short.jsonl')).rejects.toThrow(/its stored copy is damaged \(its file is 5 bytes, \d+ were stored\); it was kept aside, not deleted/);
    expect(b.takeNotices().join(' ')).toMatch(/"short\.jsonl" could not be read/);
    expect((await b.list()).map((u) => u.name)).toEqual(['good.jsonl']);
    const kept = await b.quarantined();
    expect(kept.map((q) => [q.key, q.reason])).toEqual([
      ['future.jsonl', 'format version 2, this version reads 1'],
      ['short.jsonl', expect.stringMatching(/^its file is 5 bytes/)],
    ]);
    expect(kept[0]!.value).toEqual({ summary: { version: 2, name: 'future.jsonl' }, file: new Uint8Array([1, 2, 3]) });
  });

  it('two tabs: one hears of the other\'s changes, and names are chosen one tab at a time', async () => {
    const tabA = new IdbUploadStore({ dbName: freshName() });
    const tabB = new IdbUploadStore({ dbName: tabA.dbName });
    closers.push(() => tabA.close(), () => tabB.close());
    let heard = 0;
    tabB.onChange(() => heard++);
    await tabA.add(upload('a.jsonl', 3), jsonl(3, 'a'));
    await expect.poll(() => heard).toBe(1);
    await tabA.delete('a.jsonl');
    await expect.poll(() => heard).toBe(2);

    const order: string[] = [];
    let releaseA!: () => void;
    const aHolds = new Promise<void>((r) => (releaseA = r));
    const first = tabA.exclusive(async () => {
      order.push('A in');
      await aHolds;
      order.push('A out');
    });
    const second = tabB.exclusive(async () => void order.push('B in'));
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['A in']);
    releaseA();
    await Promise.all([first, second]);
    expect(order).toEqual(['A in', 'A out', 'B in']);
  });

  it('a newer version in another tab closes this connection with a notice', async () => {
    const a = new IdbUploadStore({ dbName: freshName() });
    closers.push(() => a.close());
    await a.list();
    const upgraded = await openDB(a.dbName, 2); // resolves only if `a` let go
    upgraded.close();
    expect(a.takeNotices().join(' ')).toMatch(/newer version in another tab; reload this tab to keep storing uploads/);
  });

  it('uses its own database, not the checkpoints’ or the experiments’ one', () => {
    expect(new IdbUploadStore({ channel: null }).dbName).toBe(UPLOAD_DB);
    expect(UPLOAD_DB).toBe('markerlab-uploads');
  });
});
